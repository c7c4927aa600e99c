package dev.flashsale.journal;

import dev.flashsale.engine.pipeline.OutputSlot;
import dev.flashsale.engine.pipeline.OutputStage;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * The output stage that appends every event (not the results) to the event journal, the feed the
 * read services tail, and marks in {@code events.watermark} the last input whose events are all
 * written. Memory-mapped, not synced: the event journal can always be regenerated from the input
 * journal, and recovery does so for whatever a crash cut off. After each batch it rings
 * {@link NodeJournal#eventDoorbell()}, which the read projections sleep on when caught up.
 */
public final class EventWriter implements OutputStage
{
    private final SingleChronicleQueue queue;
    private final Watermark watermark;
    private final long lastInputSequence;
    private final int lastIndex;
    private final JournalDoorbell appended;
    private final PageWarmer.Track warmed;
    private EventAppender appender;
    private long lastCompleteInput;

    /**
     * @param lastInputSequence the input of the journal's last event (0 if none), as recovery left it.
     * @param lastIndex         that event's index (-1 if none).
     * @param completeInput     the last input whose events are all in the journal.
     */
    EventWriter(final SingleChronicleQueue queue, final Watermark watermark, final long lastInputSequence,
        final int lastIndex, final long completeInput, final JournalDoorbell appended, final PageWarmer.Track warmed)
    {
        this.lastCompleteInput = completeInput;
        this.queue = queue;
        this.watermark = watermark;
        this.lastInputSequence = lastInputSequence;
        this.lastIndex = lastIndex;
        this.appended = appended;
        this.warmed = warmed;
    }

    @Override
    public String name()
    {
        return "event-writer";
    }

    @Override
    public void onStart()
    {
        appender = new EventAppender(queue.createAppender(), warmed);
        appender.continueAfter(lastInputSequence, lastIndex);
    }

    @Override
    public void onSlot(final OutputSlot slot, final boolean endOfBatch)
    {
        if (slot.isResult())
        {
            lastCompleteInput = slot.inputSequence(); // a result is its input's last message
        }
        else
        {
            appender.append(slot.inputSequence(), slot.byteArray(), slot.length());
        }
        if (endOfBatch)
        {
            appender.flush();
            watermark.lastEventInput(appender.inputSequence());
            watermark.sequence(lastCompleteInput);
            appended.ring();
        }
    }

    @Override
    public void onShutdown()
    {
        if (appender != null)
        {
            appender.close();
        }
    }
}
