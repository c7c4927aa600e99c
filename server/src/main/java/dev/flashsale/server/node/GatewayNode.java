package dev.flashsale.server.node;

import dev.flashsale.engine.pipeline.OutputStage;
import dev.flashsale.engine.pipeline.Pipeline;
import dev.flashsale.engine.pipeline.ThreadLayout;
import dev.flashsale.gateway.Gateway;
import dev.flashsale.journal.BackgroundShare;
import dev.flashsale.gateway.NodeBackend;
import dev.flashsale.gateway.PrometheusText;
import dev.flashsale.gateway.Responder;
import dev.flashsale.gateway.auth.Credentials;
import dev.flashsale.read.ReadServices;
import dev.flashsale.server.config.FlashsaleConfig;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochClock;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A standalone node with its HTTP gateway: what {@code flashsale run} starts. The responder is an
 * output stage of the node's pipeline; the gateway publishes into its input ring. Stopping is
 * ordered so every request the gateway published is answered: stop accepting connections, drain
 * the pipeline (the responder answers), then close the connections.
 */
public final class GatewayNode implements AutoCloseable
{
    private final StandaloneNode node;
    private final Gateway gateway;
    private final ReadServices readServices;
    private final AtomicBoolean closed = new AtomicBoolean();

    private GatewayNode(final StandaloneNode node, final Gateway gateway, final ReadServices readServices)
    {
        this.node = node;
        this.gateway = gateway;
        this.readServices = readServices;
    }

    /**
     * Recovers the node from its data directory, starts its pipeline, then its gateway.
     *
     * @param moreStages more output stages beside the event writer and the responder (tests).
     */
    public static GatewayNode start(final FlashsaleConfig config, final Credentials credentials, final EpochClock clock,
        final List<OutputStage> moreStages)
    {
        final Responder responder = new Responder(config.gateway().maxPending());
        final AtomicReference<Gateway> gateway = new AtomicReference<>(); // read by the failing stage's thread
        final List<OutputStage> stages = new ArrayList<>();
        stages.add(responder);
        stages.addAll(moreStages);
        final StandaloneNode node = StandaloneNode.start(config, stages, (stage, cause) ->
        {
            final Gateway started = gateway.get();
            if (started != null)
            {
                started.onPipelineFailure();
            }
        }, clock, responder::seed, true);
        ReadServices readServices = null;
        try
        {
            try (var events = dev.flashsale.journal.JournalFiles.openEvents(node.journal().directory(), false))
            {
                responder.seedLastEventInput(dev.flashsale.journal.EventJournalReader.lastEvent(events).inputSequence());
            }
            readServices = config.readEnabled() ?
                ReadServices.start(config.dataDirectory(), config.readStoreDirectory(), config.readCustomers(),
                    config.engine().maxSkus(), new BackgroundShare(config.readCpuPercent() / 100.0, config.readMaxLagInputs(),
                        responder::lastEventInputSequence, config.backgroundNice(),
                        config.backgroundIdle()), node.journal().eventDoorbell()) : null;
            gateway.set(new Gateway(config.gateway(), config.engine(), new Backend(node, readServices, responder, clock,
                new DataDirectorySpace(config.dataDirectory(), config.journal().minFreeBytes())), readServices,
                credentials, responder, clock));
            if (node.pipeline().threadLayout() == ThreadLayout.EVENT_LOOP)
            {
                node.pipeline().runOn(gateway.get().coreLoop());
            }
            if (node.pipeline().state() == Pipeline.State.FAILED)
            {
                gateway.get().onPipelineFailure(); // failed before the gateway existed
            }
            return new GatewayNode(node, gateway.get(), readServices);
        }
        catch (final RuntimeException | Error ex)
        {
            if (readServices != null)
            {
                readServices.close();
            }
            try
            {
                node.close(); // before the gateway: the pipeline may drain on its event loop
            }
            catch (final RuntimeException | Error closing)
            {
                ex.addSuppressed(closing);
            }
            finally
            {
                if (gateway.get() != null)
                {
                    gateway.get().close();
                }
            }
            throw ex;
        }
    }

    public StandaloneNode node()
    {
        return node;
    }

    public Gateway gateway()
    {
        return gateway;
    }

    @Override
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            return; // safe to call again: the shutdown hook and a failing caller may both close
        }
        try
        {
            gateway.stopAccepting();
            node.close();
        }
        finally
        {
            gateway.close();
            if (readServices != null)
            {
                readServices.close(); // after the gateway: its read routes use the stores
            }
        }
    }

    /** @return the read services, or null when {@code read.enabled} is false. */
    public ReadServices readServices()
    {
        return readServices;
    }

    /** The node as the gateway sees it. */
    private static final class Backend implements NodeBackend
    {
        private final StandaloneNode node;
        private final Pipeline pipeline;
        private final ReadServices readServices;
        private final Responder responder;
        private final EpochClock clock;
        private final DataDirectorySpace space;

        Backend(final StandaloneNode node, final ReadServices readServices, final Responder responder, final EpochClock clock,
            final DataDirectorySpace space)
        {
            this.space = space;
            this.node = node;
            this.pipeline = node.pipeline();
            this.readServices = readServices;
            this.responder = responder;
            this.clock = clock;
        }

        @Override
        public long tryPublish(final DirectBuffer command, final int offset, final int length, final long correlationId)
        {
            return pipeline.tryPublishDeferringWakeUp(command, offset, length, correlationId);
        }

        @Override
        public void wakeUp()
        {
            pipeline.wakeUp();
        }

        @Override
        public String notReadyReason()
        {
            if (node.isReady())
            {
                return null;
            }
            final String failure = node.failure();
            return failure != null ? "the node stopped taking input: " + failure : "the node is stopping";
        }

        @Override
        public String readyDetails()
        {
            return readServices == null ? "" : readServices.readiness(responder.lastEventInputSequence(), clock.time());
        }

        @Override
        public void renderMetrics(final StringBuilder out)
        {
            final long published = pipeline.publishedSequence();
            final long staged = pipeline.stagedSequence();
            final long applied = pipeline.appliedSequence();
            PrometheusText.gauge(out, "flashsale_node_ready", "1 while the node takes input: recovered, running, journal writable.",
                node.isReady() ? 1 : 0);
            PrometheusText.gauge(out, "flashsale_input_ring_size", "Slots of the input ring.", pipeline.inputRingSize());
            PrometheusText.gauge(out, "flashsale_input_ring_used", "Inputs in the input ring: published, not yet applied.",
                pipeline.inputRingSize() - pipeline.inputRingRemaining());
            PrometheusText.gauge(out, "flashsale_journal_lag_inputs", "Inputs published but not yet journaled.", Math.max(0, published - staged));
            PrometheusText.gauge(out, "flashsale_engine_lag_inputs", "Inputs journaled but not yet applied by the engine.",
                Math.max(0, staged - applied));
            PrometheusText.gauge(out, "flashsale_output_ring_backlog",
                "Output messages (events, results) the slowest output stage, the event journal writer or the responder, has yet to take.",
                pipeline.outputBacklog());
            PrometheusText.counter(out, "flashsale_inputs_applied_total", "Sequence of the last input the engine applied.", applied);
            PrometheusText.counter(out, "flashsale_pipeline_batches_total", "Batches of inputs the engine applied, each journaled" +
                " in one append and answered in one task per event loop: flashsale_inputs_applied_total over this is the mean batch.",
                pipeline.batches());
            PrometheusText.counter(out, "flashsale_engine_output_full_waits_total", "Times the engine waited for output-ring space.",
                pipeline.outputFullWaits());
            PrometheusText.counter(out, "flashsale_journal_forces_total", "Batches of inputs forced to disk before the engine" +
                " decided them (journal.sync=batch; 0 with none).", node.journal().journaller().forces());
            PrometheusText.counterSeconds(out, "flashsale_journal_force_seconds_total", "Time spent forcing those batches to" +
                " disk: over flashsale_journal_forces_total, the mean force, which every request of a batch waits for.",
                node.journal().journaller().forceNanos());
            PrometheusText.gauge(out, "flashsale_journal_input_warm_ahead_bytes", "Bytes of the input journal's file in the" +
                " page cache past the journaller's last write (journal.warm-ahead-bytes): 0 while the page warmer is behind.",
                node.journal().inputWarmAheadBytes());
            PrometheusText.gauge(out, "flashsale_journal_event_warm_ahead_bytes", "The same for the event journal and its writer.",
                node.journal().eventWarmAheadBytes());
            PrometheusText.counter(out, "flashsale_clock_steps_total", "Steps of the wall clock beyond" +
                " pipeline.max-clock-step-ms that engine time did not follow (each logged as a WARN).", pipeline.clock().steps());
            PrometheusText.gaugeSeconds(out, "flashsale_clock_offset_seconds", "The wall clock minus the clock that stamps inputs:" +
                " 0 unless a step was not followed or the node started behind its recovered engine time.",
                pipeline.clock().offsetFromWallClockMs());
            space.renderMetrics(out);
            if (readServices != null)
            {
                readServices.renderMetrics(out, responder.lastEventInputSequence(), clock.time());
            }
        }
    }
}
