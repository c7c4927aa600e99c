package dev.flashsale.engine.pipeline;

/**
 * How many threads run the pipeline's stages. The stages, their order and every guarantee are the
 * same in both layouts; only the number of hand-offs between threads differs.
 */
public enum ThreadLayout
{
    /**
     * {@link #THREAD_PER_STAGE} on a machine with at least {@value #DEDICATED_MIN_CORES} cores,
     * else {@link #CORE_THREAD}: the default.
     */
    AUTO,
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

    /** @return the layout to run with on a machine of {@code cores} cores: never {@link #AUTO}. */
    public ThreadLayout resolve(final int cores)
    {
        if (this != AUTO)
        {
            return this;
        }
        return cores >= DEDICATED_MIN_CORES ? THREAD_PER_STAGE : CORE_THREAD;
    }
}
