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
 * @param eventChecksum  CRC32C of the event's SBE bytes, or -1 when unknown: tells the very event
 *                       from another one written at the same position (a truncated and rewritten
 *                       journal, or another sale's). The same on every member of a cluster.
 */
public record ExportPosition(long inputSequence, int index, long chronicleIndex, long exportedEvents, long eventChecksum)
{
    /** Nothing exported yet. */
    public static final ExportPosition START = new ExportPosition(0, -1, -1, 0, -1);

    /** @return the CRC32C of {@code length} bytes of {@code buffer} at {@code offset}, as {@link #eventChecksum}. */
    public static long checksum(final java.util.zip.CRC32C crc, final org.agrona.DirectBuffer buffer, final int offset,
        final int length)
    {
        crc.reset();
        if (buffer.byteArray() != null)
        {
            crc.update(buffer.byteArray(), Math.toIntExact(buffer.wrapAdjustment()) + offset, length);
        }
        else
        {
            for (int i = 0; i < length; i++)
            {
                crc.update(buffer.getByte(offset + i));
            }
        }
        return crc.getValue();
    }

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
