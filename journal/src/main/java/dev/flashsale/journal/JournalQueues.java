package dev.flashsale.journal;

import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.LargeRollCycles;

import java.io.IOException;
import java.nio.file.Path;

/**
 * How flashsale opens its Chronicle Queues. One place, because a queue's roll cycle cannot change
 * once it has files: {@code XLARGE_DAILY} holds 2^42 entries a day (about 50 M a second sustained
 * for the whole day), so no burst outgrows a cycle; {@code FAST_DAILY}, the default, caps at about
 * 50,000 a second averaged over the day.
 */
final class JournalQueues
{
    static final LargeRollCycles ROLL_CYCLE = LargeRollCycles.XLARGE_DAILY;

    private JournalQueues()
    {
    }

    /**
     * A queue to append to, its directory created owner-only ({@link OwnerOnly}) before Chronicle
     * would create it with the umask. {@code journal.sync=batch} does not rely on Chronicle's sync:
     * see {@link QueueFileSync}.
     */
    static SingleChronicleQueue open(final Path directory)
    {
        return open(directory, SystemTimeProvider.INSTANCE);
    }

    /** As {@link #open(Path)}, its cycles (the day's file) read from {@code clock}: tests roll a queue with it. */
    static SingleChronicleQueue open(final Path directory, final TimeProvider clock)
    {
        try
        {
            OwnerOnly.createDirectories(directory);
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot create the journal directory " + directory + ": " + ex, ex);
        }
        return SingleChronicleQueueBuilder.binary(directory)
            .rollCycle(ROLL_CYCLE)
            .timeProvider(clock)
            .build();
    }

    static SingleChronicleQueue openReadOnly(final Path directory)
    {
        return SingleChronicleQueueBuilder.binary(directory)
            .rollCycle(ROLL_CYCLE)
            .readOnly(true)
            .build();
    }
}
