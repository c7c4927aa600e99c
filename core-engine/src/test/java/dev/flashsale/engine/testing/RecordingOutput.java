package dev.flashsale.engine.testing;

import dev.flashsale.engine.EngineOutput;
import dev.flashsale.engine.protocol.ProtocolLimits;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * An {@link EngineOutput} that decodes every message into {@link Out} values and checks the
 * output contract: exactly one result per input, and it comes last.
 */
public final class RecordingOutput implements EngineOutput
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ProtocolLimits.MAX_OUTPUT_LENGTH]);
    private final OutDecoder decoder = new OutDecoder();
    private final List<Out> messages = new ArrayList<>();
    private boolean resultSeen;

    @Override
    public MutableDirectBuffer claim()
    {
        if (resultSeen)
        {
            throw new AssertionError("a message after the result: " + messages);
        }
        buffer.setMemory(0, buffer.capacity(), (byte)0x5A); // catch fields left unwritten
        return buffer;
    }

    @Override
    public void commit(final int length, final boolean isResult)
    {
        final Out out = decoder.decode(buffer, 0, length);
        if (out.isResult() != isResult)
        {
            throw new AssertionError("result flag " + isResult + " on " + out);
        }
        resultSeen = isResult;
        messages.add(out);
    }

    /** @return the messages of the input just applied, and resets for the next one. */
    public List<Out> take()
    {
        if (!resultSeen)
        {
            throw new AssertionError("input ended without a result: " + messages);
        }
        final List<Out> taken = List.copyOf(messages);
        messages.clear();
        resultSeen = false;
        return taken;
    }

    /** Forgets a partial output after the engine threw. */
    public void reset()
    {
        messages.clear();
        resultSeen = false;
    }
}
