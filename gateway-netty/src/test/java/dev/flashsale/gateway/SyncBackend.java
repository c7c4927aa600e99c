package dev.flashsale.gateway;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.EngineOutput;
import dev.flashsale.engine.pipeline.OutputSlot;
import dev.flashsale.engine.protocol.ProtocolLimits;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * A node without threads: each publish is applied by an engine on the caller's thread and its
 * output handed to the responder at once. For handler tests on an {@code EmbeddedChannel}.
 */
final class SyncBackend implements NodeBackend, EngineOutput
{
    final Engine engine;
    final Responder responder;
    final List<Integer> publishedTemplates = new ArrayList<>();
    final List<byte[]> publishedCommands = new ArrayList<>();
    final List<Integer> resultCodes = new ArrayList<>();
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[ProtocolLimits.MAX_OUTPUT_LENGTH]);
    private final OutputSlot slot = new OutputSlot();
    private final dev.flashsale.engine.codec.MessageHeaderDecoder header = new dev.flashsale.engine.codec.MessageHeaderDecoder();
    long timeMs = 1_800_000_000_000L;
    long ringFree = Long.MAX_VALUE;
    /** True: outputs wait for {@link #endBatch()}, as a pipeline's batch does; false: each is its own batch. */
    boolean holdOutputs;
    private final List<OutputSlot> held = new ArrayList<>();
    String notReady;
    /** Thrown by {@link #notReadyReason()} when set: a defect in the node behind a request. */
    RuntimeException defect;
    private long sequence;
    private long correlationId;

    SyncBackend(final EngineConfig config, final Responder responder)
    {
        this.engine = new Engine(config);
        this.responder = responder;
    }

    @Override
    public long tryPublish(final DirectBuffer command, final int offset, final int length, final long correlationId)
    {
        if (ringFree-- <= 0)
        {
            return dev.flashsale.engine.pipeline.Pipeline.RING_FULL;
        }
        header.wrap(command, offset);
        publishedTemplates.add(header.templateId());
        final byte[] bytes = new byte[length];
        command.getBytes(offset, bytes);
        publishedCommands.add(bytes);
        sequence = engine.lastSequence() + 1;
        this.correlationId = correlationId;
        engine.apply(sequence, timeMs, command, offset, length, this);
        return sequence;
    }

    @Override
    public String notReadyReason()
    {
        if (defect != null)
        {
            throw defect;
        }
        return notReady;
    }

    @Override
    public void renderMetrics(final StringBuilder out)
    {
        PrometheusText.gauge(out, "flashsale_node_ready", "test", notReady == null ? 1 : 0);
    }

    @Override
    public MutableDirectBuffer claim()
    {
        return out;
    }

    @Override
    public void commit(final int length, final boolean isResult)
    {
        if (isResult)
        {
            // code sits at the same place in every result: header, inputSequence, engineTimeMs, command, code
            resultCodes.add((int)out.getByte(dev.flashsale.engine.codec.MessageHeaderDecoder.ENCODED_LENGTH + 17));
        }
        if (holdOutputs)
        {
            final OutputSlot copy = new OutputSlot();
            copy.fill(sequence, correlationId, isResult, out, 0, length);
            held.add(copy);
            return;
        }
        slot.fill(sequence, correlationId, isResult, out, 0, length);
        responder.onSlot(slot, true);
    }

    /** Hands the held outputs to the responder without ending its batch (a stage failing after them). */
    void deliverWithoutBatchEnd()
    {
        for (final OutputSlot output : held)
        {
            responder.onSlot(output, false);
        }
        held.clear();
    }

    /** Hands the held outputs to the responder as one batch: only the last carries endOfBatch. */
    void endBatch()
    {
        for (int i = 0; i < held.size(); i++)
        {
            responder.onSlot(held.get(i), i == held.size() - 1);
        }
        held.clear();
    }
}
