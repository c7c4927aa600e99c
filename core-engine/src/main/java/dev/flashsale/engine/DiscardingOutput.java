package dev.flashsale.engine;

import dev.flashsale.engine.protocol.ProtocolLimits;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/** Drops every message: see {@link EngineOutput#discarding()}. */
final class DiscardingOutput implements EngineOutput
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ProtocolLimits.MAX_OUTPUT_LENGTH]);

    @Override
    public MutableDirectBuffer claim()
    {
        return buffer;
    }

    @Override
    public void commit(final int length, final boolean isResult)
    {
    }
}
