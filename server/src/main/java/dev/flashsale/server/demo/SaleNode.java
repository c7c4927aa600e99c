package dev.flashsale.server.demo;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.pipeline.OutputStage;
import dev.flashsale.engine.pipeline.Pipeline;
import dev.flashsale.engine.pipeline.PipelineConfig;
import dev.flashsale.engine.pipeline.PipelineListener;
import dev.flashsale.server.config.FlashsaleConfig;
import dev.flashsale.server.node.StandaloneNode;
import org.agrona.concurrent.EpochClock;

import java.util.List;

/** Where the demo's sale runs: a pipeline in memory, or a journaled standalone node. */
interface SaleNode
{
    Pipeline pipeline();

    /** Stops intake and drains; the engine can be read afterwards. @return true if it drained. */
    boolean stop();

    Engine engine();

    /** Starts an engine and pipeline in memory, with {@code observer} as the output stage. */
    static SaleNode inMemory(final EngineConfig engineConfig, final PipelineConfig pipelineConfig, final EpochClock clock,
        final OutputStage observer, final PipelineListener listener)
    {
        final Engine engine = new Engine(engineConfig);
        final Pipeline pipeline = new Pipeline(engine, pipelineConfig, List.of(), List.of(observer), clock, listener);
        return new SaleNode()
        {
            @Override
            public Pipeline pipeline()
            {
                return pipeline;
            }

            @Override
            public boolean stop()
            {
                return pipeline.shutdown();
            }

            @Override
            public Engine engine()
            {
                return engine;
            }
        };
    }

    /** Recovers and starts a standalone node on {@code config}'s data directory, {@code observer} beside its event writer. */
    static SaleNode durable(final FlashsaleConfig config, final EpochClock clock, final OutputStage observer,
        final PipelineListener listener)
    {
        final StandaloneNode node = StandaloneNode.start(config, List.of(observer), listener, clock);
        return new SaleNode()
        {
            @Override
            public Pipeline pipeline()
            {
                return node.pipeline();
            }

            @Override
            public boolean stop()
            {
                final boolean drained = node.pipeline().shutdown();
                node.close();
                return drained;
            }

            @Override
            public Engine engine()
            {
                return node.engine();
            }
        };
    }
}
