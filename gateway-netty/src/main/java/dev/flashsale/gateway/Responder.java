package dev.flashsale.gateway;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.pipeline.OutputSlot;
import dev.flashsale.engine.pipeline.OutputStage;
import org.agrona.DirectBuffer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The output stage that answers HTTP exchanges: for each result whose correlation id names a
 * waiting {@link Exchange}, copies the result into it and queues it on its event loop's
 * {@link Handback}; at the end of each batch every loop with answers gets one task for all of them. On a
 * standalone node it also feeds {@link EngineMetrics}, what {@code /metrics} shows of the engine
 * (seeded from the recovered engine before the pipeline starts); a cluster member's gateway gets those
 * from the member's engine instead.
 */
public final class Responder implements OutputStage
{
    private final ExchangeTable exchanges;
    private final Map<io.netty.util.concurrent.EventExecutor, Handback> handbacks = new ConcurrentHashMap<>();
    private Handback[] touched = new Handback[4]; // this stage's thread only: hand-backs with answers in this batch
    private int touchedCount;
    private final EngineMetrics engineMetrics;
    private final boolean feedsEngineMetrics;
    private volatile long lastInputSequence;
    private volatile long lastEventInputSequence;

    /** A responder that also keeps the engine's metrics from the outputs it is handed (a standalone node). */
    public Responder(final int maxPending)
    {
        this(maxPending, new EngineMetrics(), true);
    }

    /**
     * A responder whose engine metrics come from elsewhere: a cluster member's gateway is handed only
     * its own clients' results, while the member's engine sees every output ({@code engineMetrics} is
     * fed there, on the engine's thread). {@code /metrics} shows {@code engineMetrics}.
     */
    public Responder(final int maxPending, final EngineMetrics engineMetrics)
    {
        this(maxPending, engineMetrics, false);
    }

    private Responder(final int maxPending, final EngineMetrics engineMetrics, final boolean feedsEngineMetrics)
    {
        this.exchanges = new ExchangeTable(maxPending);
        this.engineMetrics = engineMetrics;
        this.feedsEngineMetrics = feedsEngineMetrics;
    }

    ExchangeTable exchanges()
    {
        return exchanges;
    }

    /** @return the hand-back of an event loop (made on its first connection; a node has a handful). */
    Handback handback(final io.netty.util.concurrent.EventExecutor loop)
    {
        return handbacks.computeIfAbsent(loop, executor -> new Handback(executor, exchanges.capacity()));
    }

    /** Seeds the SKU gauges from a recovered engine; call before the pipeline starts (the engine thread owns it after). */
    public void seed(final Engine engine)
    {
        if (feedsEngineMetrics)
        {
            engineMetrics.seed(engine);
        }
        lastInputSequence = engine.lastSequence();
    }

    @Override
    public String name()
    {
        return "responder";
    }

    @Override
    public void onSlot(final OutputSlot slot, final boolean endOfBatch)
    {
        if (feedsEngineMetrics)
        {
            engineMetrics.onSlot(slot, endOfBatch);
        }
        if (!slot.isResult())
        {
            lastEventInputSequence = slot.inputSequence();
        }
        else
        {
            lastInputSequence = slot.inputSequence();
            final DirectBuffer buffer = slot.buffer();
            final Exchange exchange = exchanges.waiting(slot.correlationId());
            if (exchange != null && exchange.complete(slot.correlationId(), buffer, slot.length()))
            {
                final Handback handback = exchange.handback();
                handback.offer(exchange);
                if (!handback.touched)
                {
                    handback.touched = true;
                    touch(handback);
                }
            }
        }
        if (endOfBatch && touchedCount > 0)
        {
            handBack();
        }
    }

    /**
     * Any thread, once the pipeline stopped: schedules every event loop's hand-back, so answers
     * queued in a batch that never ended (a stage failed after them) are still delivered.
     */
    void handBackPending()
    {
        for (final Handback handback : handbacks.values())
        {
            handback.signal();
        }
    }

    /** The end of a batch: each event loop with answers gets one task for all of them. */
    private void handBack()
    {
        for (int i = 0; i < touchedCount; i++)
        {
            touched[i].touched = false;
            touched[i].signal();
            touched[i] = null;
        }
        touchedCount = 0;
    }

    private void touch(final Handback handback)
    {
        if (touchedCount == touched.length)
        {
            touched = java.util.Arrays.copyOf(touched, touched.length * 2);
        }
        touched[touchedCount++] = handback;
    }

    /**
     * @return the last input that produced an event: what a caught-up projection of the event
     *     journal has seen (reads and ticks produce none).
     */
    public long lastEventInputSequence()
    {
        return lastEventInputSequence;
    }

    /** Seeds {@link #lastEventInputSequence()} from the event journal at start (before any new event). */
    public void seedLastEventInput(final long inputSequence)
    {
        if (inputSequence > lastEventInputSequence)
        {
            lastEventInputSequence = inputSequence;
        }
    }

    /** Renders the engine's metrics and the exchanges waiting. */
    void render(final StringBuilder out, final int topSkus)
    {
        engineMetrics.render(out, topSkus);
        PrometheusText.gauge(out, "flashsale_gateway_exchanges_waiting", "Requests waiting on the engine.",
            exchanges.waitingCount());
    }

    /** @return the sequence of the last input whose result this stage passed on. */
    public long lastInputSequence()
    {
        return lastInputSequence;
    }

}
