package dev.flashsale.engine;

import org.agrona.MutableDirectBuffer;

/**
 * Where the engine writes its output: zero or more events, then exactly one result, per input.
 * Each message is SBE-encoded, header included, at offset 0 of the buffer returned by
 * {@link #claim()}, then handed over with {@link #commit(int, boolean)}.
 *
 * <p>The pipeline's implementation claims an output-ring slot; tests decode; benchmarks count.
 * Called on the engine thread only.
 */
public interface EngineOutput
{
    /**
     * @return a buffer of at least {@link dev.flashsale.engine.protocol.ProtocolLimits#MAX_OUTPUT_LENGTH}
     *     bytes for the next message.
     */
    MutableDirectBuffer claim();

    /**
     * Publishes the message encoded in the last claimed buffer.
     *
     * @param length bytes encoded, header included.
     * @param isResult true for the input's result, which is always its last message.
     */
    void commit(int length, boolean isResult);

    /**
     * @return an output that drops every message, for engines whose output was already published
     *     (a shadow engine, an offline replay). Each call returns a new one: an output belongs to one thread.
     */
    static EngineOutput discarding()
    {
        return new DiscardingOutput();
    }
}
