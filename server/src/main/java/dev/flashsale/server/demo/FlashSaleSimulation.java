package dev.flashsale.server.demo;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.Hashing;
import dev.flashsale.engine.pipeline.Pipeline;
import dev.flashsale.engine.pipeline.OutputStage;
import dev.flashsale.engine.pipeline.PipelineConfig;
import dev.flashsale.engine.pipeline.PipelineListener;
import dev.flashsale.engine.protocol.CommandWriter;
import dev.flashsale.engine.protocol.ProtocolLimits;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs one flash sale in process: starts a pipeline around a fresh engine, creates the SKU, lets
 * producer threads offer the reserve attempts at the scenario's rate, has a shopper thread pay or
 * cancel after a delay, waits until every hold is decided or expired, reads the final counters and
 * stops the pipeline. Publishing never blocks: on a full ring a producer retries and the demo
 * counts it.
 */
final class FlashSaleSimulation
{
    /** Starts the node the sale runs on, with the observer as an output stage. */
    @FunctionalInterface
    interface Nodes
    {
        SaleNode start(OutputStage observer, PipelineListener listener);
    }

    private final DemoScenario scenario;
    private final Nodes nodes;
    private final PipelineConfig pipelineConfig;
    private final long[] publishedAtNanos;
    private final ConcurrentLinkedQueue<FollowUp> followUps = new ConcurrentLinkedQueue<>();
    private final AtomicLong ringFullRetries = new AtomicLong();
    private final AtomicLong reservesPublished = new AtomicLong();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private long followUpsPublished;

    FlashSaleSimulation(final DemoScenario scenario, final Nodes nodes, final PipelineConfig pipelineConfig)
    {
        this.scenario = scenario;
        this.nodes = nodes;
        this.pipelineConfig = pipelineConfig;
        this.publishedAtNanos = new long[scenario.attempts()];
    }

    /**
     * Runs a throwaway sale of the same shape, unpaced, on its own in-memory engine, so the JIT has
     * compiled the hot paths before the measured sale: a server warms up the same way before a sale
     * opens.
     */
    void warmUp(final int attempts, final Nodes inMemory) throws InterruptedException
    {
        final DemoScenario warmUp = new DemoScenario(scenario.sku(), scenario.stock(), scenario.perCustomerLimit(),
            scenario.customers(), attempts, 0, scenario.producers(), scenario.holdTtlMs(), scenario.confirmPercent(),
            scenario.cancelPercent(), scenario.retryPercent(), scenario.seed() + 1);
        new FlashSaleSimulation(warmUp, inMemory, pipelineConfig).run(false);
    }

    DemoOutcome run() throws InterruptedException
    {
        return run(true);
    }

    private DemoOutcome run(final boolean settle) throws InterruptedException
    {
        final DemoObserver observer = new DemoObserver(scenario, publishedAtNanos, followUps);
        final SaleNode node = nodes.start(observer,
            (stage, cause) -> failure.compareAndSet(null, "stage " + stage + " failed: " + cause));
        final Pipeline pipeline = node.pipeline();
        final Publisher admin = new Publisher(pipeline);
        final long now = System.currentTimeMillis();
        admin.send(Correlation.of(Correlation.ADMIN, 0), admin.writer.upsertSku(admin.buffer, 0, scenario.sku(),
            scenario.stock(), scenario.perCustomerLimit(), 4_999, "EUR", now, now + TimeUnit.HOURS.toMillis(1)));
        awaitAdminAnswers(observer, 1);
        // Settle the heap before the doors open, as a server does after start-up: the engine's
        // capacities are large arrays allocated at once, and a collection moving them mid-sale
        // would show up as tens of milliseconds of latency.
        System.gc();

        final long startNanos = System.nanoTime();
        final List<Thread> producers = startProducers(pipeline, startNanos);
        final Thread shopper = new Thread(() -> payOrCancel(pipeline, observer, producers), "demo-shopper");
        shopper.start();
        for (final Thread producer : producers)
        {
            producer.join();
        }
        final long offeredNanos = System.nanoTime() - startNanos;
        shopper.join();

        final long holdsSettleDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(scenario.holdTtlMs() + 2_000);
        while (settle && observer.lastHeld != 0 && System.nanoTime() < holdsSettleDeadline && failure.get() == null)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        admin.send(Correlation.of(Correlation.ADMIN, 1), admin.writer.getAvailability(admin.buffer, 0, scenario.sku()));
        awaitAdminAnswers(observer, 2);
        final long elapsedNanos = System.nanoTime() - startNanos;
        final long applied = pipeline.appliedSequence();
        final boolean drained = node.stop();
        final Engine engine = node.engine();

        String invariants = null;
        try
        {
            engine.verifyInvariants();
        }
        catch (final Error ex)
        {
            invariants = ex.getMessage();
        }
        return new DemoOutcome(scenario, observer, engine.sku(scenario.sku()), engine.stats(), engine.stateHash(), applied,
            reservesPublished.get(), followUpsPublished, ringFullRetries.get(), offeredNanos, elapsedNanos, drained,
            failure.get(), invariants, pipelineConfig);
    }

    private List<Thread> startProducers(final Pipeline pipeline, final long startNanos)
    {
        final List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < scenario.producers(); p++)
        {
            final int producer = p;
            final Thread thread = new Thread(() -> offerAttempts(pipeline, producer, startNanos), "demo-producer-" + p);
            thread.start();
            producers.add(thread);
        }
        return producers;
    }

    /** Producer thread: attempts producer, producer + P, producer + 2P ... each at its time. */
    private void offerAttempts(final Pipeline pipeline, final int producer, final long startNanos)
    {
        final Publisher publisher = new Publisher(pipeline);
        final StringBuilder key = new StringBuilder(32);
        final double nanosPerAttempt = scenario.ratePerSecond() == 0 ? 0 : 1e9 / scenario.ratePerSecond();
        for (int attempt = producer; attempt < scenario.attempts() && failure.get() == null; attempt += scenario.producers())
        {
            final long dueNanos = startNanos + (long)(attempt * nanosPerAttempt);
            long wait;
            while ((wait = dueNanos - System.nanoTime()) > 0)
            {
                LockSupport.parkNanos(Math.min(wait, 100_000));
            }
            final long choice = Hashing.mix(scenario.seed() * 31 + attempt);
            final long customerId = 1 + Long.remainderUnsigned(choice, scenario.customers());
            final int quantity = (choice >>> 40) % 5 == 0 ? 2 : 1;
            key.setLength(0);
            key.append("attempt-").append(attempt);
            final int length = publisher.writer.reserve(publisher.buffer, 0, 1, customerId, scenario.holdTtlMs(), key,
                scenario.sku(), quantity);
            publishedAtNanos[attempt] = System.nanoTime();
            publisher.send(Correlation.of(Correlation.RESERVE, attempt), length);
            reservesPublished.incrementAndGet();
            if ((choice >>> 50) % 100 < scenario.retryPercent())
            {
                publisher.send(Correlation.of(Correlation.RESERVE_RETRY, attempt), length);
                reservesPublished.incrementAndGet();
            }
        }
    }

    /** Shopper thread: pays or cancels each planned hold when its delay is over. */
    private void payOrCancel(final Pipeline pipeline, final DemoObserver observer, final List<Thread> producers)
    {
        final Publisher publisher = new Publisher(pipeline);
        final PriorityQueue<FollowUp> due = new PriorityQueue<>((a, b) -> Long.compare(a.dueAtNanos(), b.dueAtNanos()));
        while (failure.get() == null)
        {
            FollowUp next;
            while ((next = followUps.poll()) != null)
            {
                due.add(next);
            }
            final long now = System.nanoTime();
            while (!due.isEmpty() && due.peek().dueAtNanos() <= now)
            {
                final FollowUp followUp = due.poll();
                if (followUp.confirm())
                {
                    publisher.send(Correlation.of(Correlation.CONFIRM, 0), publisher.writer.confirm(publisher.buffer, 0,
                        followUp.customerId(), followUp.checkoutId(), "psp-" + followUp.checkoutId()));
                }
                else
                {
                    publisher.send(Correlation.of(Correlation.CANCEL, 0), publisher.writer.cancel(publisher.buffer, 0,
                        followUp.customerId(), followUp.checkoutId()));
                }
                followUpsPublished++;
            }
            final boolean producing = producers.stream().anyMatch(Thread::isAlive);
            if (!producing && due.isEmpty() && followUps.isEmpty() && observer.reserveAnswers == reservesPublished.get())
            {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private void awaitAdminAnswers(final DemoObserver observer, final long answers)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (observer.adminAnswers < answers && failure.get() == null)
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("the pipeline did not answer an admin command within 10 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /**
     * One per thread: a command is encoded with {@link #writer} into {@link #buffer}, then sent,
     * retrying while the ring is full.
     */
    private final class Publisher
    {
        private final Pipeline pipeline;
        final CommandWriter writer = new CommandWriter();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ProtocolLimits.MAX_INPUT_LENGTH]);

        Publisher(final Pipeline pipeline)
        {
            this.pipeline = pipeline;
        }

        void send(final long correlation, final int length)
        {
            long status;
            while ((status = pipeline.tryPublish(buffer, 0, length, correlation)) == Pipeline.RING_FULL)
            {
                ringFullRetries.incrementAndGet();
                Thread.yield();
            }
            if (status < 0)
            {
                failure.compareAndSet(null, "the pipeline refused input: status " + status);
            }
        }
    }
}
