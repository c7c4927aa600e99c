package dev.flashsale.engine.pipeline;

import dev.flashsale.engine.protocol.ProtocolLimits;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A pre-allocated slot of the output ring: one SBE-encoded event or result, tagged with the input
 * that caused it. Written by the engine thread, then read-only for the output stages.
 */
public final class OutputSlot
{
    final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ProtocolLimits.MAX_OUTPUT_LENGTH]);
    long inputSequence;
    long correlationId;
    int length;
    boolean result;

    /**
     * Fills the slot outside a pipeline (the engine stage writes it directly): for tests and
     * benchmarks that feed an output stage.
     */
    public void fill(
        final long inputSequence,
        final long correlationId,
        final boolean result,
        final DirectBuffer message,
        final int offset,
        final int length)
    {
        this.inputSequence = inputSequence;
        this.correlationId = correlationId;
        this.result = result;
        buffer.putBytes(0, message, offset, length);
        this.length = length;
    }

    /** @return the sequence of the input that caused this message. */
    public long inputSequence()
    {
        return inputSequence;
    }

    /** @return the correlation the input was published with (0 for ticks). */
    public long correlationId()
    {
        return correlationId;
    }

    /** @return true for the input's result, its last message; false for an event. */
    public boolean isResult()
    {
        return result;
    }

    /** @return the message bytes, header included, at offset 0. */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /** @return the array behind {@link #buffer()}, for writers that take arrays; read it, never write it. */
    public byte[] byteArray()
    {
        return buffer.byteArray();
    }

    public int length()
    {
        return length;
    }
}
