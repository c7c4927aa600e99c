package dev.flashsale.export.kafka;

/**
 * How far the export has gone: the last event committed to Kafka, by its journal position
 * {@code (inputSequence, index)}, which is the same on every member of a cluster, plus the
 * Chronicle index of its document in the journal it was read from (a hint to seek to, checked
 * before it is trusted) and the count of events exported so far.
 *
 * @param inputSequence  0 before the first event.
 * @param index          -1 before the first event.
 * @param chronicleIndex -1 when unknown.
 * @param exportedEvents events committed up to and including this one.
 */
public record ExportPosition(long inputSequence, int index, long chronicleIndex, long exportedEvents)
{
    /** Nothing exported yet. */
    public static final ExportPosition START = new ExportPosition(0, -1, -1, 0);

    /** @return true if the event {@code (inputSequence, index)} comes after this position. */
    public boolean isBefore(final long inputSequence, final int index)
    {
        return inputSequence > this.inputSequence || inputSequence == this.inputSequence && index > this.index;
    }

    /** @return true if nothing was exported yet. */
    public boolean isStart()
    {
        return inputSequence == 0 && index < 0;
    }

    @Override
    public String toString()
    {
        return "(" + inputSequence + ", " + index + ")";
    }
}
