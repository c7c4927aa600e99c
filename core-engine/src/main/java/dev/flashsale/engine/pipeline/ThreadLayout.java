package dev.flashsale.engine.pipeline;

/**
 * How many threads run the pipeline's stages. The stages, their order and every guarantee are the
 * same in every layout; only the number of hand-offs between threads differs.
 */
public enum ThreadLayout
{
    /**
     * {@link #THREAD_PER_STAGE} on a machine with at least {@value #DEDICATED_MIN_CORES} cores; below,
     * {@link #EVENT_LOOP} where an event loop is offered and the journal is not forced each batch,
     * else {@link #CORE_THREAD}: the default.
     */
    AUTO,
    /**
     * No thread of its own: the stages run as on {@link #CORE_THREAD}, batch by batch, on the
     * gateway's event loop ({@link Pipeline#runOn}), right after it published a read batch's
     * requests; a publisher on another thread hands the loop a drain task. For a machine of two or
     * so cores with a journal that is not forced: a request crosses no thread at all, and the
     * loop's time in the stages (microseconds a batch) costs less than the two hand-offs it saves.
     * A forced journal would hold the loop in the disk's sync, so that case keeps its core thread.
     */
    EVENT_LOOP,
    /**
     * One thread ({@code flashsale-core}) runs the input stages, the engine and the output stages
     * in order, batch by batch: the input ring's batch is journaled, then decided, each output
     * handed straight to the output stages. For machines where the publishers (the HTTP event
     * loops, the load) leave about one core: every request pays one hand-off in and one out.
     */
    CORE_THREAD,
    /**
     * A thread per input stage, one for the engine, one per output stage, joined by the input and
     * output rings (LMAX style): more throughput when each has a core of its own, and far less
     * when they share a few.
     */
    THREAD_PER_STAGE;

    /** Cores from which {@link #AUTO} gives each stage its own thread. */
    public static final int DEDICATED_MIN_CORES = 8;

    /**
     * @return the layout to run with on a machine of {@code cores} cores where no event loop drives
     *     the pipeline: never {@link #AUTO}, and {@link #EVENT_LOOP} only if asked for.
     */
    public ThreadLayout resolve(final int cores)
    {
        if (this != AUTO)
        {
            return this;
        }
        return cores >= DEDICATED_MIN_CORES ? THREAD_PER_STAGE : CORE_THREAD;
    }

    /**
     * @param forcedEachBatch true if the journal forces each batch to disk before it is decided
     *                        ({@code journal.sync=batch}): a sync on the event loop would stall its I/O.
     * @return the layout for a node whose gateway offers its event loop ({@link Pipeline#runOn}):
     *     never {@link #AUTO}.
     */
    public ThreadLayout resolveWithEventLoop(final int cores, final boolean forcedEachBatch)
    {
        if (this != AUTO || cores >= DEDICATED_MIN_CORES)
        {
            return resolve(cores);
        }
        return forcedEachBatch ? CORE_THREAD : EVENT_LOOP;
    }
}
