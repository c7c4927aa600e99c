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

    /** Bytes a position takes in a store: input sequence, index, Chronicle index. */
    public static final int BYTES = 8 + 4 + 8;

    /** @return this position as {@link #BYTES} bytes, zero-padded to {@code size} (a map's constant value size). */
    public byte[] toBytes(final int size)
    {
        final org.agrona.concurrent.UnsafeBuffer bytes = new org.agrona.concurrent.UnsafeBuffer(new byte[Math.max(size, BYTES)]);
        bytes.putLong(0, inputSequence);
        bytes.putInt(8, index);
        bytes.putLong(12, chronicleIndex);
        return bytes.byteArray();
    }

    /** @return the position stored by {@link #toBytes}, or {@link #START} for none. */
    public static EventPosition fromBytes(final byte[] stored)
    {
        if (stored == null)
        {
            return START;
        }
        final org.agrona.concurrent.UnsafeBuffer bytes = new org.agrona.concurrent.UnsafeBuffer(stored);
        return new EventPosition(bytes.getLong(0), bytes.getInt(8), bytes.getLong(12));
    }

    /** @return true if the event {@code (inputSequence, index)} comes after this position. */
    public boolean isBefore(final long inputSequence, final int index)
    {
        return inputSequence > this.inputSequence || inputSequence == this.inputSequence && index > this.index;
    }
}
