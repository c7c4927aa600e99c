package dev.flashsale.engine.pipeline;

/**
 * Ring sizes, wait strategies, the tick interval and the clock's step bound of a pipeline,
 * validated once at start.
 * docs/CONFIGURATION.md lists each with its key.
 */
public final class PipelineConfig
{
    private int inputRingSize = 16_384;
    private int outputRingSize = 65_536;
    private WaitStrategyKind inputWaitStrategy = WaitStrategyKind.SPIN_THEN_BLOCK;
    private WaitStrategyKind outputWaitStrategy = WaitStrategyKind.SPIN_THEN_BLOCK;
    private long tickIntervalMs = 10;
    private long maxClockStepMs = 1_000;
    private long shutdownTimeoutMs = 10_000;
    private ThreadLayout threadLayout = ThreadLayout.AUTO;

    /** Slots of the input ring (a power of two): inputs accepted but not yet decided. */
    public int inputRingSize()
    {
        return inputRingSize;
    }

    public PipelineConfig inputRingSize(final int inputRingSize)
    {
        this.inputRingSize = inputRingSize;
        return this;
    }

    /** Slots of the output ring (a power of two): events and results not yet consumed. */
    public int outputRingSize()
    {
        return outputRingSize;
    }

    public PipelineConfig outputRingSize(final int outputRingSize)
    {
        this.outputRingSize = outputRingSize;
        return this;
    }

    public WaitStrategyKind inputWaitStrategy()
    {
        return inputWaitStrategy;
    }

    public PipelineConfig inputWaitStrategy(final WaitStrategyKind inputWaitStrategy)
    {
        this.inputWaitStrategy = inputWaitStrategy;
        return this;
    }

    public WaitStrategyKind outputWaitStrategy()
    {
        return outputWaitStrategy;
    }

    public PipelineConfig outputWaitStrategy(final WaitStrategyKind outputWaitStrategy)
    {
        this.outputWaitStrategy = outputWaitStrategy;
        return this;
    }

    /** The ticker's step: a hold expires at most this long after its time without traffic; 0 turns the ticker off (tests, replay). */
    public long tickIntervalMs()
    {
        return tickIntervalMs;
    }

    public PipelineConfig tickIntervalMs(final long tickIntervalMs)
    {
        this.tickIntervalMs = tickIntervalMs;
        return this;
    }

    /**
     * The largest step of the wall clock the node's clock follows at once ({@link NodeClock}); a
     * larger step is followed this far only, counted and reported. 0 never follows the wall clock
     * after start.
     */
    public long maxClockStepMs()
    {
        return maxClockStepMs;
    }

    public PipelineConfig maxClockStepMs(final long maxClockStepMs)
    {
        this.maxClockStepMs = maxClockStepMs;
        return this;
    }

    /** How long an orderly shutdown waits for the rings to drain before it halts anyway. */
    public long shutdownTimeoutMs()
    {
        return shutdownTimeoutMs;
    }

    public PipelineConfig shutdownTimeoutMs(final long shutdownTimeoutMs)
    {
        this.shutdownTimeoutMs = shutdownTimeoutMs;
        return this;
    }

    /** How many threads run the stages; {@link ThreadLayout#AUTO} chooses from the machine's cores at start. */
    public ThreadLayout threadLayout()
    {
        return threadLayout;
    }

    public PipelineConfig threadLayout(final ThreadLayout threadLayout)
    {
        this.threadLayout = threadLayout;
        return this;
    }

    /** @return a config with the same values: for a node to resolve its layout without changing the caller's. */
    public PipelineConfig copy()
    {
        return new PipelineConfig().inputRingSize(inputRingSize).outputRingSize(outputRingSize)
            .inputWaitStrategy(inputWaitStrategy).outputWaitStrategy(outputWaitStrategy).tickIntervalMs(tickIntervalMs)
            .maxClockStepMs(maxClockStepMs).shutdownTimeoutMs(shutdownTimeoutMs).threadLayout(threadLayout);
    }

    /**
     * @return this.
     * @throws IllegalArgumentException naming the first bad value.
     */
    public PipelineConfig validate()
    {
        requirePowerOfTwo("inputRingSize", inputRingSize);
        requirePowerOfTwo("outputRingSize", outputRingSize);
        if (inputWaitStrategy == null || outputWaitStrategy == null || threadLayout == null)
        {
            throw new IllegalArgumentException("pipeline config: wait strategies and the thread layout must be set");
        }
        if (tickIntervalMs < 0 || tickIntervalMs > 60_000)
        {
            throw new IllegalArgumentException("pipeline config tickIntervalMs=" + tickIntervalMs + ": must be 0..60000");
        }
        if (maxClockStepMs < 0 || maxClockStepMs > 3_600_000)
        {
            throw new IllegalArgumentException("pipeline config maxClockStepMs=" + maxClockStepMs + ": must be 0..3600000");
        }
        if (shutdownTimeoutMs < 1)
        {
            throw new IllegalArgumentException("pipeline config shutdownTimeoutMs=" + shutdownTimeoutMs + ": must be >= 1");
        }
        return this;
    }

    private static void requirePowerOfTwo(final String name, final int value)
    {
        if (value < 2 || value > (1 << 24) || Integer.bitCount(value) != 1)
        {
            throw new IllegalArgumentException(
                "pipeline config " + name + "=" + value + ": must be a power of two in 2..16777216");
        }
    }

    @Override
    public String toString()
    {
        return "PipelineConfig{inputRingSize=" + inputRingSize + ", outputRingSize=" + outputRingSize +
            ", inputWaitStrategy=" + inputWaitStrategy + ", outputWaitStrategy=" + outputWaitStrategy +
            ", tickIntervalMs=" + tickIntervalMs + ", maxClockStepMs=" + maxClockStepMs +
            ", shutdownTimeoutMs=" + shutdownTimeoutMs +
            ", threadLayout=" + threadLayout + "}";
    }
}
