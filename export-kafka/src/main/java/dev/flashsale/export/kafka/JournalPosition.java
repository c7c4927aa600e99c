package dev.flashsale.export.kafka;

/**
 * An event's place in the journal, {@code (inputSequence, index)}: the engine's total order, the
 * same on every member of a cluster, and what every exported JSON event carries. Ordered as the
 * journal is.
 */
record JournalPosition(long inputSequence, int index) implements Comparable<JournalPosition>
{
    /** @return the position of {@code position}'s event (or before the first event, for {@link ExportPosition#START}). */
    static JournalPosition of(final ExportPosition position)
    {
        return new JournalPosition(position.inputSequence(), position.index());
    }

    /**
     * @return a position after every event before this one and before this one: not an event's, a
     *         bound ({@code index} may be -1).
     */
    JournalPosition justBefore()
    {
        return new JournalPosition(inputSequence, index - 1);
    }

    boolean isAfter(final JournalPosition other)
    {
        return compareTo(other) > 0;
    }

    @Override
    public int compareTo(final JournalPosition other)
    {
        final int bySequence = Long.compare(inputSequence, other.inputSequence);
        return bySequence != 0 ? bySequence : Integer.compare(index, other.index);
    }

    @Override
    public String toString()
    {
        return "(" + inputSequence + ", " + index + ")";
    }
}
