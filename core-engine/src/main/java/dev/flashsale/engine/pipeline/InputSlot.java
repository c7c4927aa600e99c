package dev.flashsale.engine.pipeline;

import dev.flashsale.engine.protocol.ProtocolLimits;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A pre-allocated slot of the input ring: one SBE-encoded command with the sequence and time the
 * pipeline stamped on it. Written by one producer between claim and publish, then read-only.
 */
public final class InputSlot
{
    final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ProtocolLimits.MAX_INPUT_LENGTH]);
    long inputSequence;
    long timestampMs;
    long correlationId;
    int length;

    /**
     * Fills the slot: the pipeline does this between claim and publish; benchmarks and tests of
     * input stages do it to feed a stage directly.
     */
    public void fill(
        final long inputSequence,
        final long timestampMs,
        final long correlationId,
        final DirectBuffer command,
        final int offset,
        final int length)
    {
        this.inputSequence = inputSequence;
        this.timestampMs = timestampMs;
        this.correlationId = correlationId;
        buffer.putBytes(0, command, offset, length);
        this.length = length;
    }

    /** @return the input's sequence: one more than the previous input's, across restarts. */
    public long inputSequence()
    {
        return inputSequence;
    }

    /** @return the time stamped at publication, epoch ms. */
    public long timestampMs()
    {
        return timestampMs;
    }

    /** @return the publisher's token, carried to every output of this input. */
    public long correlationId()
    {
        return correlationId;
    }

    /** @return the command bytes, header included, at offset 0. */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /** @return the array behind {@link #buffer()}, for writers that take arrays; read it, never write it. */
    public byte[] byteArray()
    {
        return buffer.byteArray();
    }

    /** @return bytes of the command. */
    public int length()
    {
        return length;
    }
}
