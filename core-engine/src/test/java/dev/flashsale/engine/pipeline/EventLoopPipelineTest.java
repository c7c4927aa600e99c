package dev.flashsale.engine.pipeline;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.testing.EngineDriver;
import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every pipeline test again, with the stages run by a loop the test owns (a single-thread executor
 * standing in for the gateway's event loop) and the tests' threads publishing from outside it; then
 * what only this layout has: the loop's thread, a pipeline never given a loop, a failure the loop
 * outlives.
 */
class EventLoopPipelineTest extends PipelineTest
{
    private final List<ExecutorService> loops = new ArrayList<>();

    @Override
    ThreadLayout layout()
    {
        return ThreadLayout.EVENT_LOOP;
    }

    @Override
    void started(final Pipeline pipeline)
    {
        pipeline.runOn(newLoop());
    }

    private ExecutorService newLoop()
    {
        final ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-loop"));
        loops.add(loop);
        return loop;
    }

    /** @return a pipeline of that layout, its stages not yet given a loop (the test closes it). */
    private static Pipeline unattached(final ThreadLayout layout, final List<InputStage> inputs, final List<OutputStage> outputs)
    {
        return new Pipeline(new Engine(EngineDriver.testConfig()), new PipelineConfig().threadLayout(layout).tickIntervalMs(0),
            inputs, outputs, new SystemEpochClock(), (stage, cause) -> { });
    }

    /** Runs before PipelineTest's (a subclass's @AfterEach comes first): the pipelines close while their loops run. */
    @AfterEach
    void stopLoops() throws InterruptedException
    {
        closeAll();
        for (final ExecutorService loop : loops)
        {
            loop.shutdown();
            assertThat(loop.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void everyStageRunsOnTheLoopAndOnlyThere() throws Exception
    {
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        final InputStage input = new InputStage()
        {
            @Override
            public String name()
            {
                return "journaller";
            }

            @Override
            public void onStart()
            {
                threads.add("start " + Thread.currentThread().getName());
            }

            @Override
            public void onSlot(final InputSlot slot, final boolean endOfBatch)
            {
                threads.add("input " + Thread.currentThread().getName());
            }

            @Override
            public void onShutdown()
            {
                threads.add("shutdown " + Thread.currentThread().getName());
            }
        };
        final OutputStage output = new OutputStage()
        {
            @Override
            public String name()
            {
                return "responder";
            }

            @Override
            public void onSlot(final OutputSlot slot, final boolean endOfBatch)
            {
                threads.add("output " + Thread.currentThread().getName());
            }
        };
        final Pipeline pipeline = unattached(ThreadLayout.EVENT_LOOP, List.of(input), List.of(output));
        pipeline.runOn(newLoop());
        for (int i = 1; i <= 100; i++)
        {
            assertThat(pipeline.tryPublish(tick(), 0, tickLength(), i)).isEqualTo(i);
        }
        assertThat(pipeline.awaitApplied(100, 10_000)).isTrue();
        assertThat(pipeline.shutdown()).isTrue();

        assertThat(threads).containsExactlyInAnyOrder("start test-loop", "input test-loop", "output test-loop",
            "shutdown test-loop");
        assertThat(pipeline.threadsStopped()).isTrue();
    }

    @Test
    void aFailingStageStopsThePipelineNotTheLoop() throws Exception
    {
        final ExecutorService loop = newLoop();
        final Pipeline pipeline = unattached(ThreadLayout.EVENT_LOOP, List.of(), List.of(failingEventWriter()));
        pipeline.runOn(loop);
        pipeline.tryPublish(tick(), 0, tickLength(), 1);
        while (pipeline.state() != Pipeline.State.FAILED)
        {
            Thread.sleep(1);
        }

        assertThat(pipeline.failedStage()).isEqualTo("event-writer");
        assertThat(loop.submit(() -> "still serving").get(10, TimeUnit.SECONDS)).isEqualTo("still serving");
        assertThat(pipeline.tryPublish(tick(), 0, tickLength(), 2)).isEqualTo(Pipeline.NOT_RUNNING);
        assertThat(pipeline.shutdown()).isFalse();
        assertThat(pipeline.threadsStopped()).as("the stages were shut down on the loop").isTrue();
    }

    @Test
    void aPipelineGivenNoLoopDrainsOnTheThreadThatShutsItDown()
    {
        final Pipeline pipeline = unattached(ThreadLayout.EVENT_LOOP, List.of(), List.of());
        assertThat(pipeline.tryPublish(tick(), 0, tickLength(), 1)).isEqualTo(1L);
        assertThat(pipeline.appliedSequence()).as("nothing runs the stages before a loop is given").isZero();

        assertThat(pipeline.shutdown()).isTrue();
        assertThat(pipeline.appliedSequence()).isEqualTo(1L);
        assertThat(pipeline.threadsStopped()).isTrue();
    }

    @Test
    void aLoopThatRefusesTheFirstTaskLeavesTheDrainToShutdown()
    {
        final Pipeline pipeline = unattached(ThreadLayout.EVENT_LOOP, List.of(), List.of());
        assertThat(pipeline.tryPublish(tick(), 0, tickLength(), 1)).isEqualTo(1L);
        assertThatThrownBy(() -> pipeline.runOn(task ->
        {
            throw new java.util.concurrent.RejectedExecutionException("shutting down");
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("takes no task");

        assertThat(pipeline.shutdown()).isTrue();
        assertThat(pipeline.appliedSequence()).isEqualTo(1L);
        assertThat(pipeline.threadsStopped()).isTrue();
    }

    @Test
    void runOnIsForTheEventLoopLayoutAndOnce()
    {
        final Pipeline coreThread = unattached(ThreadLayout.CORE_THREAD, List.of(), List.of());
        final Pipeline eventLoop = unattached(ThreadLayout.EVENT_LOOP, List.of(), List.of());
        try
        {
            assertThatThrownBy(() -> coreThread.runOn(newLoop())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CORE_THREAD");
            eventLoop.runOn(newLoop());
            assertThatThrownBy(() -> eventLoop.runOn(newLoop())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already");
        }
        finally
        {
            coreThread.close();
            eventLoop.close();
        }
    }

    @Test
    void autoChoosesTheEventLoopOnlyWhereOneIsOfferedOnFewCoresAndTheJournalIsNotForced()
    {
        assertThat(ThreadLayout.AUTO.resolveWithEventLoop(2, false)).isEqualTo(ThreadLayout.EVENT_LOOP);
        assertThat(ThreadLayout.AUTO.resolveWithEventLoop(2, true)).isEqualTo(ThreadLayout.CORE_THREAD);
        assertThat(ThreadLayout.AUTO.resolveWithEventLoop(8, false)).isEqualTo(ThreadLayout.THREAD_PER_STAGE);
        assertThat(ThreadLayout.AUTO.resolve(2)).isEqualTo(ThreadLayout.CORE_THREAD);
        assertThat(ThreadLayout.CORE_THREAD.resolveWithEventLoop(2, false)).isEqualTo(ThreadLayout.CORE_THREAD);
    }
}
