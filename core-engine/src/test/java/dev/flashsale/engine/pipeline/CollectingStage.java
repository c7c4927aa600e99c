package dev.flashsale.engine.pipeline;

import dev.flashsale.engine.testing.Out;
import dev.flashsale.engine.testing.OutDecoder;

import java.util.ArrayList;
import java.util.List;

/** An output stage that decodes everything it sees, for tests. */
final class CollectingStage implements OutputStage
{
    private final OutDecoder decoder = new OutDecoder();
    private final List<Out> messages = new ArrayList<>();
    private final List<Long> correlations = new ArrayList<>();

    @Override
    public String name()
    {
        return "collector";
    }

    @Override
    public void onSlot(final OutputSlot slot, final boolean endOfBatch)
    {
        final Out out = decoder.decode(slot.buffer(), 0, slot.length());
        if (out.isResult() != slot.isResult() || out.inputSequence() != slot.inputSequence())
        {
            throw new AssertionError("slot metadata does not match " + out);
        }
        synchronized (this)
        {
            messages.add(out);
            correlations.add(slot.correlationId());
        }
    }

    synchronized List<Out> messages()
    {
        return new ArrayList<>(messages);
    }

    synchronized List<Long> correlations()
    {
        return new ArrayList<>(correlations);
    }

    synchronized int size()
    {
        return messages.size();
    }
}
