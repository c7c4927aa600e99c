package dev.flashsale.engine.pipeline;

import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;

/**
 * The input ring's wait strategy on the event-loop layout, where no thread waits for the ring (the
 * loop drains what was published after each read batch): a publish signals nobody, at no cost.
 * Waiting on it is a defect and says so.
 */
enum NoWaiter implements WaitStrategy
{
    INSTANCE;

    @Override
    public long waitFor(final long sequence, final Sequence cursor, final Sequence dependentSequence,
        final SequenceBarrier barrier)
    {
        throw new IllegalStateException("no thread waits for this ring: its consumer drains it when handed a task");
    }

    @Override
    public void signalAllWhenBlocking()
    {
    }
}
