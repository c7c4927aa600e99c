package dev.flashsale.read.feed;

/**
 * Where a projection stands in the event journal: the last event it applied, by the engine's
 * order {@code (inputSequence, index)}, and the Chronicle index of that event's document, where a
 * restarted feed seeks to.
 *
 * @param inputSequence  the input that caused the event; 0 before the first event.
 * @param index          the event's place among its input's events; -1 before the first event.
 * @param chronicleIndex the document holding the event; -1 before the first event.
 */
public record EventPosition(long inputSequence, int index, long chronicleIndex)
{
    /** Before the first event of any journal. */
    public static final EventPosition START = new EventPosition(0, -1, -1);

    /** @return true if the event {@code (inputSequence, index)} comes after this position. */
    public boolean isBefore(final long inputSequence, final int index)
    {
        return inputSequence > this.inputSequence || inputSequence == this.inputSequence && index > this.index;
    }
}
