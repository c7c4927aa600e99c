package dev.flashsale.engine.pipeline;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;
import dev.flashsale.engine.Engine;
import dev.flashsale.engine.protocol.CommandWriter;
import dev.flashsale.engine.protocol.ProtocolLimits;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The input ring, the input stages, the engine stage, the output ring, the output stages and the
 * ticker, wired and run (the package documentation has the picture). Thread-safe for publishers;
 * lifecycle methods belong to one owner.
 */
public final class Pipeline implements AutoCloseable
{
    /** {@link #tryPublish} status: the input ring has no free slot; nothing was enqueued. */
    public static final long RING_FULL = -1;
    /** {@link #tryPublish} status: the pipeline is not accepting input (stopping, stopped or failed). */
    public static final long NOT_RUNNING = -2;
    /** {@link #tryPublish} status: the command is empty or longer than any valid input. */
    public static final long INVALID_LENGTH = -3;

    /** Lifecycle of a pipeline. */
    public enum State
    {
        RUNNING, DRAINING, STOPPED, FAILED
    }

    /** The longest the ticker sleeps while nothing is due (or due far off). */
    static final long MAX_TICKER_SLEEP_MS = 1_000;
    private static final byte[] TICK = tickBytes();
    private static final UnsafeBuffer TICK_BUFFER = new UnsafeBuffer(TICK);

    private final PipelineConfig config;
    private final NodeClock clock;
    private final PipelineListener listener;
    private final long baseSequence;
    private final RingBuffer<InputSlot> inputRing;
    private final SpinThenBlockWaitStrategy deferrable; // null if the input ring's wait strategy cannot defer signals (or none waits)
    private final RingBuffer<OutputSlot> outputRing; // null on the core thread: outputs go straight to the stages
    private final ThreadLayout layout;
    private final EngineStage engineStage;
    private final Sequence applied; // the engine's: the last ring sequence it decided
    private final LoopDriver loopDriver; // EVENT_LOOP only, else null
    private final List<BatchEventProcessor<?>> processors = new ArrayList<>();
    private final List<Sequence> outputSequences = new ArrayList<>();
    private final List<Sequence> stageSequences = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final HousekeepingDue housekeepingDue;
    private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING);
    private final Ticker ticker;
    private volatile boolean accepting;
    private volatile Throwable failure;
    private volatile String failedStage;
    private final Object shutdownLock = new Object();
    private Boolean shutdownDrained; // guarded by shutdownLock: the first shutdown's answer

    /**
     * Builds and starts a pipeline around a recovered engine, its inputs stamped by a
     * {@link NodeClock} over {@code wallClock} and {@link System#nanoTime()}.
     */
    public Pipeline(
        final Engine engine,
        final PipelineConfig config,
        final List<InputStage> inputStages,
        final List<OutputStage> outputStages,
        final EpochClock wallClock,
        final PipelineListener listener)
    {
        this(engine, config, inputStages, outputStages, wallClock, new SystemNanoClock(), listener);
    }

    /**
     * Builds and starts a pipeline around a recovered engine. The next input gets sequence
     * {@code engine.lastSequence() + 1}. Until {@link #close()} returns, the engine belongs to
     * the engine thread.
     *
     * @param wallClock read at start and then only for its corrections ({@link NodeClock}).
     * @param nanoClock a monotonic clock: how the node's time advances.
     */
    public Pipeline(
        final Engine engine,
        final PipelineConfig config,
        final List<InputStage> inputStages,
        final List<OutputStage> outputStages,
        final EpochClock wallClock,
        final NanoClock nanoClock,
        final PipelineListener listener)
    {
        this.config = config.validate();
        this.clock = new NodeClock(wallClock, nanoClock, config.maxClockStepMs(), engine.engineTimeMs(), listener::onClockStep);
        this.listener = listener;
        this.baseSequence = engine.lastSequence();
        this.housekeepingDue = new HousekeepingDue(engine.nextHousekeepingAtMs());

        layout = config.threadLayout().resolve(Runtime.getRuntime().availableProcessors());
        // On the event-loop layout no thread waits for the ring: a publish signals nobody.
        final WaitStrategy inputWait = layout == ThreadLayout.EVENT_LOOP ? NoWaiter.INSTANCE : config.inputWaitStrategy().create();
        deferrable = inputWait instanceof SpinThenBlockWaitStrategy spinThenBlock ? spinThenBlock : null;
        inputRing = RingBuffer.createMultiProducer(InputSlot::new, config.inputRingSize(), inputWait);
        final BatchEventProcessorBuilder builder = new BatchEventProcessorBuilder();
        if (layout == ThreadLayout.CORE_THREAD || layout == ThreadLayout.EVENT_LOOP)
        {
            outputRing = null;
            final Sequence staged = new Sequence();
            stageSequences.add(staged);
            engineStage = EngineStage.direct(engine, inputRing, outputStages, housekeepingDue);
            final CoreHandler core = new CoreHandler(inputRing, inputStages, engineStage, outputStages, staged);
            if (layout == ThreadLayout.EVENT_LOOP)
            {
                loopDriver = new LoopDriver(core);
                applied = loopDriver.sequence;
            }
            else
            {
                loopDriver = null;
                applied = add(builder.build(inputRing, inputRing.newBarrier(), core), "core").getSequence();
            }
            inputRing.addGatingSequences(applied);
        }
        else
        {
            outputRing = RingBuffer.createSingleProducer(OutputSlot::new, config.outputRingSize(),
                config.outputWaitStrategy().create());
            final SequenceBarrier stageBarrier = inputRing.newBarrier();
            for (final InputStage stage : inputStages)
            {
                final BatchEventProcessor<InputSlot> processor = add(builder.build(inputRing, stageBarrier,
                    new StageHandler<>(stage)), stage.name());
                stageSequences.add(processor.getSequence());
            }
            engineStage = EngineStage.toRing(engine, inputRing, outputRing, housekeepingDue);
            loopDriver = null;
            applied = add(builder.build(inputRing, inputRing.newBarrier(stageSequences.toArray(new Sequence[0])),
                engineStage), "engine").getSequence();
            inputRing.addGatingSequences(applied);

            final SequenceBarrier outputBarrier = outputRing.newBarrier();
            for (final OutputStage stage : outputStages)
            {
                outputSequences.add(add(builder.build(outputRing, outputBarrier, new StageHandler<>(stage)), stage.name())
                    .getSequence());
            }
            outputRing.addGatingSequences(outputSequences.toArray(new Sequence[0]));
        }

        ticker = config.tickIntervalMs() > 0 ? new Ticker() : null;
        accepting = true;
        for (final Thread thread : threads)
        {
            thread.start();
        }
        if (ticker != null)
        {
            ticker.thread.start();
        }
    }

    private <T> BatchEventProcessor<T> add(final BatchEventProcessor<T> processor, final String stage)
    {
        processor.setExceptionHandler(new FailureHandler<>(stage));
        processors.add(processor);
        final Thread thread = new Thread(processor, "flashsale-" + stage);
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler((t, ex) ->
        {
            if (!(ex instanceof StageFailedException))
            {
                fail(stage, ex);
            }
        });
        threads.add(thread);
        return processor;
    }

    /**
     * Publishes one command without ever blocking: stamps it with the next input sequence and the
     * node's time ({@link NodeClock}), and copies its bytes into a ring slot.
     *
     * @param command       the SBE-encoded command, header included.
     * @param correlationId the caller's token, carried to every output of this input.
     * @return the input sequence (positive), or {@link #RING_FULL}, {@link #NOT_RUNNING} or
     *     {@link #INVALID_LENGTH}; on a status nothing was enqueued.
     */
    public long tryPublish(final DirectBuffer command, final int offset, final int length, final long correlationId)
    {
        final long status = publish(command, offset, length, correlationId);
        if (loopDriver != null && status > 0)
        {
            loopDriver.wake(); // a slot claimed as intake stopped holds a tick: shutdown's own wake-ups drain it
        }
        return status;
    }

    /**
     * Publishes as {@link #tryPublish}, except that a core thread blocked waiting for input is not
     * woken now: the caller owes a {@link #wakeUp()} on this thread after its last publish of a
     * batch (an event loop, after the requests of one read batch), and until then what it
     * published waits in the ring. A burst of requests then costs the core thread one wake-up, not
     * one each. With a wait strategy other than {@link WaitStrategyKind#SPIN_THEN_BLOCK} it is
     * {@link #tryPublish}. On {@link ThreadLayout#EVENT_LOOP} the inputs wait in the ring until
     * the {@link #wakeUp()}, which decides them on the event loop.
     */
    public long tryPublishDeferringWakeUp(final DirectBuffer command, final int offset, final int length,
        final long correlationId)
    {
        if (deferrable == null) // also on EVENT_LOOP: the owed wakeUp drains
        {
            return publish(command, offset, length, correlationId);
        }
        deferrable.deferSignals(true);
        try
        {
            return publish(command, offset, length, correlationId);
        }
        finally
        {
            deferrable.deferSignals(false);
        }
    }

    /**
     * Wakes the core thread if it blocked waiting for input: owed after {@link #tryPublishDeferringWakeUp}.
     * On {@link ThreadLayout#EVENT_LOOP}, called on the event loop it runs the stages over what
     * waits in the ring before it returns; called elsewhere it hands the loop a task that does.
     */
    public void wakeUp()
    {
        if (loopDriver != null)
        {
            loopDriver.wake();
        }
        else if (deferrable != null)
        {
            deferrable.signal();
        }
    }

    /**
     * Gives a {@link ThreadLayout#EVENT_LOOP} pipeline the thread its stages run on: {@code loop}
     * (an event loop, or any executor that runs its tasks one at a time, in order, on one thread)
     * runs them from now on, starting them first. Until then, what is published waits in the ring.
     * The loop must keep running until {@link #shutdown()} returned: the final drain and the
     * stages' shutdown run on it. A pipeline shut down before it was given a loop runs them on the
     * thread that shuts it down.
     *
     * @throws IllegalStateException on another layout, or if given a loop before.
     */
    public void runOn(final Executor loop)
    {
        if (loopDriver == null)
        {
            throw new IllegalStateException("runOn is for the event-loop layout; this pipeline runs " + layout);
        }
        loopDriver.attach(loop);
    }

    private long publish(final DirectBuffer command, final int offset, final int length, final long correlationId)
    {
        if (length <= 0 || length > ProtocolLimits.MAX_INPUT_LENGTH)
        {
            return INVALID_LENGTH;
        }
        if (!accepting)
        {
            return NOT_RUNNING;
        }
        final long ringSequence;
        try
        {
            ringSequence = inputRing.tryNext();
        }
        catch (final InsufficientCapacityException ex)
        {
            return RING_FULL;
        }
        final InputSlot slot = inputRing.get(ringSequence);
        final long inputSequence = baseSequence + ringSequence + 1;
        // Checked after the claim: a shutdown that missed this claim cannot miss its drain (see close).
        final boolean accepted = accepting;
        if (accepted)
        {
            slot.fill(inputSequence, clock.time(), correlationId, command, offset, length);
        }
        else
        {
            slot.fill(inputSequence, clock.time(), 0, TICK_BUFFER, 0, TICK_BUFFER.capacity());
        }
        inputRing.publish(ringSequence);
        return accepted ? inputSequence : NOT_RUNNING;
    }

    /** @return the sequence of the last input the engine applied. */
    public long appliedSequence()
    {
        return baseSequence + applied.get() + 1;
    }

    /**
     * Waits until the engine has applied every input up to {@code inputSequence}.
     *
     * @return false on timeout or if the pipeline stopped first.
     */
    public boolean awaitApplied(final long inputSequence, final long timeoutMs)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (appliedSequence() < inputSequence)
        {
            if (state.get() == State.FAILED || System.nanoTime() > deadlineNs)
            {
                return false;
            }
            LockSupport.parkNanos(100_000);
        }
        return true;
    }

    /** @return the sequence of the last input claimed by a publisher (it may still be being filled). */
    public long publishedSequence()
    {
        return baseSequence + inputRing.getCursor() + 1;
    }

    /** @return the sequence of the last input every input stage (the journaller) has passed; the applied one without stages. */
    public long stagedSequence()
    {
        long min = Long.MAX_VALUE;
        for (final Sequence sequence : stageSequences)
        {
            min = Math.min(min, sequence.get());
        }
        return min == Long.MAX_VALUE ? appliedSequence() : baseSequence + min + 1;
    }

    /** @return output messages the slowest output stage has yet to consume; 0 on the core thread (no output ring). */
    public long outputBacklog()
    {
        if (outputRing == null)
        {
            return 0;
        }
        final long cursor = outputRing.getCursor();
        long min = cursor;
        for (final Sequence sequence : outputSequences)
        {
            min = Math.min(min, sequence.get());
        }
        return cursor - min;
    }

    /** @return free slots of the input ring. */
    public long inputRingRemaining()
    {
        return inputRing.remainingCapacity();
    }

    public int inputRingSize()
    {
        return inputRing.getBufferSize();
    }

    /** @return batches of the input ring the engine applied (each paid one journal append and one hand-back per event loop). */
    public long batches()
    {
        return engineStage.batches();
    }

    /** @return times the engine waited for output-ring space (a slow output stage); approximate while running. */
    public long outputFullWaits()
    {
        return engineStage.outputFullWaits();
    }

    /** @return the clock that stamps inputs: for its steps and its offset from the wall clock. */
    public NodeClock clock()
    {
        return clock;
    }

    /** @return the layout the stages run in, {@link ThreadLayout#AUTO} resolved. */
    public ThreadLayout threadLayout()
    {
        return layout;
    }

    public State state()
    {
        return state.get();
    }

    /**
     * @return true while {@link #tryPublish} takes input. It turns false before a failure is reported
     *     (the waiting requests answered) and the state becomes {@link State#FAILED}: a readiness check
     *     that asks this never says "ready" to a client that was already told the node stopped.
     */
    public boolean isAccepting()
    {
        return accepting;
    }

    /** @return what stopped the pipeline, or null. */
    public Throwable failure()
    {
        return failure;
    }

    /** @return the stage that failed, or null. */
    public String failedStage()
    {
        return failedStage;
    }

    /**
     * Orderly shutdown: stops intake and the ticker, waits (up to the configured timeout) until the
     * engine applied every published input and every output stage consumed every output, then
     * halts and joins the threads.
     *
     * Safe to call again or from several threads: later calls wait for the first and return its
     * answer.
     *
     * @return true if everything drained; false after a timeout or a failure.
     */
    public boolean shutdown()
    {
        synchronized (shutdownLock) // not this: a stage failing during the drain takes this in fail()
        {
            if (shutdownDrained == null)
            {
                shutdownDrained = drainAndStop();
            }
            return shutdownDrained;
        }
    }

    private boolean drainAndStop()
    {
        if (!state.compareAndSet(State.RUNNING, State.DRAINING))
        {
            haltAndJoin();
            return false;
        }
        accepting = false;
        stopTicker();
        if (loopDriver != null)
        {
            // Never given a loop: this thread runs the final drain and the shutdown (a late publisher's task is
            // dropped; this thread's own wake-ups drain what it published).
            final Thread shuttingDown = Thread.currentThread();
            loopDriver.attachIfNone(task ->
            {
                if (Thread.currentThread() == shuttingDown)
                {
                    task.run();
                }
            });
        }
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.shutdownTimeoutMs());
        boolean drained = false;
        while (state.get() == State.DRAINING && System.nanoTime() < deadlineNs)
        {
            wakeUp(); // inputs published deferring their wake-up by a publisher that is gone are drained too
            if (isDrained())
            {
                drained = true;
                break;
            }
            LockSupport.parkNanos(200_000);
        }
        haltAndJoin();
        state.compareAndSet(State.DRAINING, State.STOPPED);
        return drained;
    }

    @Override
    public void close()
    {
        shutdown();
    }

    /**
     * @return true once every pipeline thread has ended: only then may the resources its stages
     *     write (mapped journal files) be closed.
     */
    public boolean threadsStopped()
    {
        if (loopDriver != null && !loopDriver.stopped())
        {
            return false;
        }
        for (final Thread thread : threads)
        {
            if (thread.isAlive())
            {
                return false;
            }
        }
        return true;
    }

    private boolean isDrained()
    {
        // The input cursor is the highest claimed slot: passing it means every claim was published and applied.
        if (applied.get() < inputRing.getCursor())
        {
            return false;
        }
        if (outputRing == null)
        {
            return true; // the core thread hands each output to every output stage before it moves on
        }
        final long outputCursor = outputRing.getCursor();
        for (final Sequence sequence : outputSequences)
        {
            if (sequence.get() < outputCursor)
            {
                return false;
            }
        }
        return true;
    }

    private void fail(final String stage, final Throwable cause)
    {
        if (failure == null)
        {
            synchronized (this)
            {
                if (failure != null)
                {
                    return;
                }
                failedStage = stage;
                failure = cause;
            }
            accepting = false;
            engineStage.halt();
            if (loopDriver != null)
            {
                loopDriver.halted = true;
            }
            for (final BatchEventProcessor<?> processor : processors)
            {
                processor.halt();
            }
            if (ticker != null)
            {
                ticker.running = false;
            }
            try
            {
                listener.onFailure(stage, cause);
            }
            catch (final RuntimeException | Error ex)
            {
                cause.addSuppressed(ex); // a failing listener must not keep the pipeline from reporting FAILED
            }
            state.set(State.FAILED); // after the listener: whoever sees FAILED sees it reported
        }
    }

    private void haltAndJoin()
    {
        stopTicker();
        engineStage.halt();
        if (loopDriver != null)
        {
            loopDriver.stop();
        }
        for (final BatchEventProcessor<?> processor : processors)
        {
            processor.halt();
        }
        for (final Thread thread : threads)
        {
            try
            {
                thread.join(config.shutdownTimeoutMs());
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void stopTicker()
    {
        if (ticker != null)
        {
            ticker.running = false;
            LockSupport.unpark(ticker.thread);
            if (Thread.currentThread() != ticker.thread)
            {
                try
                {
                    ticker.thread.join(config.shutdownTimeoutMs());
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static byte[] tickBytes()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final int length = new CommandWriter().tick(buffer, 0);
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }

    /**
     * Publishes a Tick when the engine has housekeeping due, at most once an interval: it sleeps an
     * interval, or until the due time if that is later (at most {@link #MAX_TICKER_SLEEP_MS}, so a
     * step of the clock is caught up soon), and the engine's thread wakes it when the due time
     * moves earlier. An idle node with nothing due wakes it once a second, not each interval.
     */
    private final class Ticker implements Runnable
    {
        private final Thread thread = new Thread(this, "flashsale-ticker");
        private volatile boolean running = true;

        Ticker()
        {
            thread.setDaemon(true);
            housekeepingDue.sleeper(thread);
        }

        @Override
        public void run()
        {
            final long intervalMs = config.tickIntervalMs();
            while (running)
            {
                final long nowMs = clock.time();
                long sleepMs = sleepMs(housekeepingDue.dueMs() - nowMs, intervalMs);
                if (sleepMs > intervalMs)
                {
                    housekeepingDue.sleepUntil(nowMs + sleepMs);
                    sleepMs = sleepMs(housekeepingDue.dueMs() - nowMs, intervalMs); // moved earlier meanwhile?
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(sleepMs));
                housekeepingDue.sleepUntil(HousekeepingDue.WAKES_WITHIN_INTERVAL);
                if (running && clock.time() >= housekeepingDue.dueMs())
                {
                    tryPublish(TICK_BUFFER, 0, TICK.length, 0); // a full ring is busy enough to do the housekeeping
                }
            }
        }

        private static long sleepMs(final long untilDueMs, final long intervalMs)
        {
            return Math.max(intervalMs, Math.min(untilDueMs, MAX_TICKER_SLEEP_MS));
        }
    }

    /** Turns any exception in a stage into a stop of the whole pipeline, never a skipped input. */
    private final class FailureHandler<T> implements ExceptionHandler<T>
    {
        private final String stage;

        FailureHandler(final String stage)
        {
            this.stage = stage;
        }

        @Override
        public void handleEventException(final Throwable ex, final long sequence, final T event)
        {
            failNamed(ex);
            throw new StageFailedException(stage, ex);
        }

        @Override
        public void handleOnStartException(final Throwable ex)
        {
            failNamed(ex);
            throw new StageFailedException(stage, ex);
        }

        @Override
        public void handleOnShutdownException(final Throwable ex)
        {
            failNamed(ex);
        }

        private void failNamed(final Throwable ex)
        {
            Pipeline.this.failNamed(stage, ex);
        }
    }

    /** Reports a failure under the name of the stage that threw, also when it ran on the core thread or the loop. */
    private void failNamed(final String stage, final Throwable ex)
    {
        if (ex instanceof CoreStageException named)
        {
            fail(named.stage(), named.getCause());
        }
        else
        {
            fail(stage, ex);
        }
    }

    /**
     * Runs the core thread's work ({@link CoreHandler}) on a loop the pipeline does not own
     * ({@link ThreadLayout#EVENT_LOOP}): inline when woken on that loop, through one task when woken
     * from elsewhere (a task already queued covers every wake-up until it runs). The stages see one
     * thread only, the loop's, as Chronicle's appenders require.
     */
    private final class LoopDriver implements Runnable
    {
        private final CoreHandler core;
        private final Sequence sequence = new Sequence();
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private volatile Executor loop;
        private volatile Thread thread; // the loop's, known from the first task it ran
        private volatile boolean halted;
        private volatile boolean done; // the stages shut down on the loop, or never started
        private boolean started; // the loop's only, as is draining
        private boolean draining;

        LoopDriver(final CoreHandler core)
        {
            this.core = core;
        }

        void attach(final Executor loop)
        {
            if (!attachIfNone(loop))
            {
                throw new IllegalStateException("the pipeline runs on a loop already");
            }
        }

        /** @return false, doing nothing, if the pipeline was given a loop before. */
        boolean attachIfNone(final Executor loop)
        {
            synchronized (this)
            {
                if (this.loop != null)
                {
                    return false;
                }
                this.loop = loop;
            }
            scheduled.set(true);
            try
            {
                loop.execute(this); // whatever the flag says: it starts the stages and drains what waited
            }
            catch (final RejectedExecutionException ex)
            {
                synchronized (this)
                {
                    this.loop = null; // shutdown then drains on its own thread
                }
                scheduled.set(false);
                throw new IllegalStateException("the loop given to the pipeline takes no task", ex);
            }
            return true;
        }

        boolean stopped()
        {
            return done;
        }

        void wake()
        {
            if (Thread.currentThread() == thread)
            {
                drain();
            }
            else
            {
                schedule();
            }
        }

        private void schedule()
        {
            final Executor target = loop;
            if (target != null && !halted && scheduled.compareAndSet(false, true))
            {
                try
                {
                    target.execute(this);
                }
                catch (final RejectedExecutionException ex)
                {
                    scheduled.set(false); // the loop is ending: shutdown reports what did not drain
                }
            }
        }

        /**
         * The flag is cleared before the ring is read, and a publisher makes its slot available before it
         * tries to set the flag: either this run sees the slot, or the publisher's compare-and-set finds the
         * flag clear and queues another run (the volatile reads in drain() order the cursor read after the
         * clear, besides the compare-and-set's fence).
         */
        @Override
        public void run()
        {
            scheduled.set(false);
            drain();
        }

        private void drain()
        {
            final Thread current = Thread.currentThread();
            if (thread == null)
            {
                thread = current;
            }
            else if (thread != current)
            {
                throw new IllegalStateException("the pipeline's loop ran a task on " + current.getName() +
                    ", not on " + thread.getName() + ": give runOn an executor of one thread");
            }
            if (draining || halted)
            {
                return; // a wake-up from inside a stage: the drain under way sees its input
            }
            draining = true;
            try
            {
                if (!started)
                {
                    core.onStart();
                    started = true;
                }
                final long first = sequence.get() + 1;
                long next = first;
                long available = lastPublished(next);
                while (available >= next && !halted)
                {
                    final long size = available - next + 1;
                    core.onBatchStart(size, size);
                    for (long s = next; s <= available; s++)
                    {
                        core.onEvent(inputRing.get(s), s, s == available);
                    }
                    sequence.set(available);
                    next = available + 1;
                    if (next - first >= inputRing.getBufferSize())
                    {
                        schedule(); // a ring's worth decided: the loop serves its connections, a task decides the rest
                        break;
                    }
                    available = lastPublished(next);
                }
            }
            catch (final RuntimeException | Error ex)
            {
                failNamed("core", ex); // the pipeline stops; the loop goes on serving (503s)
            }
            finally
            {
                draining = false;
            }
        }

        /** @return the last of the published inputs from {@code from} on with no gap (a claim not yet published ends it). */
        private long lastPublished(final long from)
        {
            final long cursor = inputRing.getCursor();
            long last = from - 1;
            while (last < cursor && inputRing.isAvailable(last + 1))
            {
                last++;
            }
            return last;
        }

        /** Halts and shuts the stages down on the loop (on this thread if it is the loop), waiting for it. */
        void stop()
        {
            halted = true;
            final Executor target = loop;
            if (target == null || Thread.currentThread() == thread)
            {
                shutDownStages();
                return;
            }
            final CountDownLatch stagesDown = new CountDownLatch(1);
            try
            {
                target.execute(() ->
                {
                    try
                    {
                        shutDownStages();
                    }
                    finally
                    {
                        stagesDown.countDown();
                    }
                });
                stagesDown.await(config.shutdownTimeoutMs(), TimeUnit.MILLISECONDS);
            }
            catch (final RejectedExecutionException ex)
            {
                // The loop ended before the pipeline: the stages stay open and done stays false, so the
                // journal is not closed under them (threadsStopped).
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }

        private void shutDownStages()
        {
            if (started)
            {
                started = false;
                try
                {
                    core.onShutdown();
                }
                catch (final RuntimeException | Error ex)
                {
                    failNamed("core", ex);
                }
            }
            done = true;
        }
    }

    /** Unwinds a failed stage's thread after the failure was recorded and reported. */
    static final class StageFailedException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        StageFailedException(final String stage, final Throwable cause)
        {
            super("stage " + stage + " failed", cause, false, false);
        }
    }
}
