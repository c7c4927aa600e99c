package dev.flashsale.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * What the input and event journal readers share: both journals hold documents of records back to
 * back, each record a header that starts with the input sequence and ends with the payload's length
 * and a CRC32C (of the header before it and the payload), then the payload. A document is copied
 * once into a reused buffer and its records checked there; no allocation per record.
 *
 * <p>A record that fails a check is not skipped silently: {@link #readRecord} says so, with
 * {@link #problem()} and {@link #position()}, and passes over the rest of its document, since a bad
 * record's length cannot be trusted. Positions name the Chronicle index of the document (in hex,
 * as Chronicle's own tools print it) and the record's byte offset.
 */
abstract class RecordReader implements AutoCloseable
{
    private final UnsafeBuffer document;
    private final ExcerptTailer tailer;
    private final int maxDocumentLength;
    private final int headerLength;
    private final int maxPayloadLength;
    private final String payloadName;
    private final CRC32C crc = new CRC32C();
    private final UnsafeBuffer payload = new UnsafeBuffer(0, 0);
    private int documentLength;
    private int offset;
    private int recordOffset;
    private long documentIndex = -1;
    private int length;
    private String problem;

    /**
     * @param headerLength     bytes before the payload; the length and the CRC32C are its last 8.
     * @param maxPayloadLength the longest payload a good record can have.
     * @param payloadName      what a payload is, for messages ("command", "event").
     */
    RecordReader(
        final SingleChronicleQueue queue,
        final int maxDocumentLength,
        final int headerLength,
        final int maxPayloadLength,
        final String payloadName)
    {
        this.tailer = queue.createTailer();
        this.maxDocumentLength = maxDocumentLength;
        this.document = new UnsafeBuffer(new byte[maxDocumentLength]);
        this.headerLength = headerLength;
        this.maxPayloadLength = maxPayloadLength;
        this.payloadName = payloadName;
    }

    /** @return the CRC32C of a record: its header up to the checksum field, then its payload. */
    static int checksum(
        final CRC32C crc,
        final byte[] header,
        final int headerOffset,
        final int crcOffset,
        final byte[] payload,
        final int payloadOffset,
        final int length)
    {
        crc.reset();
        crc.update(header, headerOffset, crcOffset);
        crc.update(payload, payloadOffset, length);
        return (int)crc.getValue();
    }

    protected final ExcerptTailer tailer()
    {
        return tailer;
    }

    /** Forgets the current document: the next read starts at the tailer's position. */
    protected final void forgetDocument()
    {
        documentLength = 0;
        offset = 0;
    }

    /** @return true if the current document has bytes left, or the next document was read. */
    protected final boolean hasBytesOrNextDocument()
    {
        return hasBytes() || readDocument();
    }

    /** @return true if the current document has bytes left. */
    protected final boolean hasBytes()
    {
        return offset < documentLength;
    }

    /** @return the current document; bytes {@code [offset(), documentLength())} are not read yet. */
    protected final UnsafeBuffer document()
    {
        return document;
    }

    protected final int offset()
    {
        return offset;
    }

    protected final int documentLength()
    {
        return documentLength;
    }

    /**
     * Checks the record at the current offset and, if good, makes it the current record and moves
     * past it.
     *
     * @return false (with {@link #problem()} set) if the record is bad.
     */
    protected final boolean readRecord()
    {
        recordOffset = offset;
        if (documentLength > maxDocumentLength)
        {
            return bad("document longer than " + maxDocumentLength + " bytes");
        }
        if (documentLength - offset < headerLength)
        {
            return bad((documentLength - offset) + " bytes left, shorter than a record header");
        }
        final int payloadOffset = offset + headerLength;
        final int recordLength = document.getInt(payloadOffset - 8, ByteOrder.LITTLE_ENDIAN);
        if (recordLength <= 0 || recordLength > maxPayloadLength || recordLength > documentLength - payloadOffset)
        {
            return bad("record says " + recordLength + " " + payloadName + " bytes, the document holds " +
                (documentLength - payloadOffset));
        }
        final int stored = document.getInt(payloadOffset - 4, ByteOrder.LITTLE_ENDIAN);
        if (checksum(crc, document.byteArray(), offset, headerLength - 4, document.byteArray(), payloadOffset,
            recordLength) != stored)
        {
            return bad("checksum mismatch (the record claims input sequence " +
                document.getLong(offset, ByteOrder.LITTLE_ENDIAN) + ")");
        }
        length = recordLength;
        payload.wrap(document, payloadOffset, recordLength);
        offset = payloadOffset + recordLength;
        return true;
    }

    /** @return the current record's offset in the document. */
    protected final int recordOffset()
    {
        return recordOffset;
    }

    protected final void problem(final String problem)
    {
        this.problem = problem;
    }

    /** @return the payload of the last record read, SBE header included, at offset 0; valid until the next read. */
    public final UnsafeBuffer payload()
    {
        return payload;
    }

    /** @return the payload's length. */
    public final int length()
    {
        return length;
    }

    /** @return the Chronicle index of the document of the last record read, or -1. */
    public final long index()
    {
        return documentIndex;
    }

    /** @return where the last record read is, for messages. */
    public final String position()
    {
        return "document 0x" + Long.toHexString(documentIndex) + " byte " + recordOffset;
    }

    /** @return what was wrong with the last record read. */
    public final String problem()
    {
        return problem;
    }

    @Override
    public void close()
    {
        tailer.close();
    }

    /** @return false if there is no next document (for now). */
    protected final boolean readDocument()
    {
        try (DocumentContext dc = tailer.readingDocument())
        {
            if (!dc.isPresent())
            {
                return false;
            }
            documentIndex = dc.index();
            final Bytes<?> bytes = dc.wire().bytes();
            final int available = (int)Math.min(bytes.readRemaining(), maxDocumentLength + 1L);
            bytes.read(document.byteArray(), 0, Math.min(available, maxDocumentLength));
            documentLength = available;
            offset = 0;
            return true;
        }
    }

    private boolean bad(final String what)
    {
        problem = what;
        offset = documentLength;
        return false;
    }
}
