package dev.flashsale.engine.pipeline;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.PhasedBackoffWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;

import java.util.concurrent.TimeUnit;

/**
 * How a stage thread waits for the next slot. On a 2-core machine anything that spins or yields
 * for long starves the other threads; the default blocks after a short spin.
 */
public enum WaitStrategyKind
{
    /** Lock and condition: least CPU, a wake-up costs a signal on every publish. */
    BLOCKING,
    /** Spin, then yield, then park in short naps (tens of microseconds on Linux): an idle node still takes half a core. */
    SLEEPING,
    /** Spin, then yield forever: low latency, a full core per waiting thread. */
    YIELDING,
    /** Spin forever: lowest latency, needs a dedicated core per waiting thread. */
    BUSY_SPIN,
    /** Spin 10 us, yield up to 1 ms, then block: latency of yielding under load, blocking when idle. */
    BACKOFF,
    /**
     * Spin a few microseconds, then block until a publisher signals (a publisher pays only when
     * the consumer is blocked): no yield or sleep phase, so no core is taken while the ring is
     * empty; the default.
     */
    SPIN_THEN_BLOCK;

    WaitStrategy create()
    {
        return switch (this)
        {
            case BLOCKING -> new BlockingWaitStrategy();
            case SLEEPING -> new SleepingWaitStrategy();
            case YIELDING -> new YieldingWaitStrategy();
            case BUSY_SPIN -> new BusySpinWaitStrategy();
            case BACKOFF -> PhasedBackoffWaitStrategy.withLiteLock(10, 1_000, TimeUnit.MICROSECONDS);
            case SPIN_THEN_BLOCK -> new SpinThenBlockWaitStrategy();
        };
    }
}
