package dev.flashsale.gateway;

import io.netty.util.concurrent.EventExecutor;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Hands one event loop the answers the engine finished for it: the responder queues each
 * completed exchange here during its batch and, at the batch's end, schedules this as one task
 * on the loop (none if one is already queued). The task answers every exchange it finds, then
 * flushes each connection it wrote to once. A batch of a thousand answers costs the loop one
 * wake-up and each connection one flush, where a task per answer cost a wake-up and a flush each.
 *
 * <p>One producer (the thread running the responder) and one consumer (the event loop), so the
 * queue is a single-producer, single-consumer ring of the exchange table's capacity: every
 * exchange is in at most one queue at a time, so it never fills.
 */
final class Handback implements Runnable
{
    private final EventExecutor loop;
    private final OneToOneConcurrentArrayQueue<Exchange> completed;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final ArrayList<AnswerQueue> toFlush = new ArrayList<>();
    /** Responder thread only: something was queued in the current batch. */
    boolean touched;

    Handback(final EventExecutor loop, final int capacity)
    {
        this.loop = loop;
        this.completed = new OneToOneConcurrentArrayQueue<>(capacity);
    }

    /** Responder thread: queues a completed exchange; it is answered when this batch is signalled. */
    void offer(final Exchange exchange)
    {
        if (!completed.offer(exchange))
        {
            throw new IllegalStateException("hand-back queue of " + loop + " is full: an exchange was queued twice");
        }
    }

    /**
     * Responder thread at the end of its batch (or any thread once the pipeline stopped): one task
     * for everything queued, unless one is pending.
     */
    void signal()
    {
        if (!scheduled.get() && scheduled.compareAndSet(false, true))
        {
            loop.execute(this);
        }
    }

    /** Event loop: answers what is queued, then flushes each connection written to, once. */
    @Override
    public void run()
    {
        scheduled.set(false); // first: an answer queued from now on schedules another run, never waits for one
        Exchange exchange;
        while ((exchange = completed.poll()) != null)
        {
            exchange.deliver(this);
        }
        for (int i = 0, n = toFlush.size(); i < n; i++)
        {
            toFlush.get(i).flushQueued();
        }
        toFlush.clear();
    }

    /** Event loop, while {@link #run()} answers: the connection wrote and flushes at the end of the task. */
    void flushLater(final AnswerQueue answers)
    {
        toFlush.add(answers);
    }
}
