package dev.flashsale.gateway;

import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.codec.AckDecoder;
import dev.flashsale.engine.codec.CheckoutResultDecoder;
import dev.flashsale.engine.codec.MessageHeaderDecoder;
import dev.flashsale.engine.codec.SkuResultDecoder;
import dev.flashsale.engine.protocol.ProtocolLimits;
import dev.flashsale.gateway.auth.CustomerTokens;
import dev.flashsale.gateway.http.CommandReader;
import dev.flashsale.gateway.http.JsonBytes;
import dev.flashsale.gateway.http.JsonDocument;
import dev.flashsale.gateway.http.ReadModelReader;
import io.netty.util.concurrent.FastThreadLocal;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What one thread (an event loop, the search thread) reuses for every request it handles: the
 * request's {@link Call}, buffers, readers, flyweights, the JSON writer, the MAC, its maker of request ids.
 */
final class LoopScratch
{
    final Call call;
    final RequestIds requestIds = new RequestIds();
    /** The problem code of the engine answer being rendered ({@link EngineAnswers}), for the access log; null if none. */
    String answerCode;
    /** The status of the engine answer being rendered when it is encoded whole ({@link EncodedResponse}). */
    int encodedStatus;
    final CommandReader commands;
    final ReadModelReader readModels = new ReadModelReader();
    final UnsafeBuffer command = new UnsafeBuffer(new byte[ProtocolLimits.MAX_INPUT_LENGTH]);
    final byte[] body;
    final JsonDocument json = new JsonDocument();
    /** The checkout answer, written without a generator. */
    final JsonBytes answer = new JsonBytes();
    final CustomerTokens tokens = new CustomerTokens();
    final MessageHeaderDecoder header = new MessageHeaderDecoder();
    final CheckoutResultDecoder checkoutResult = new CheckoutResultDecoder();
    final SkuResultDecoder skuResult = new SkuResultDecoder();
    final AckDecoder ack = new AckDecoder();
    /** A line's SKU code and currency, and the checkout's first currency, read without a String each. */
    final StringBuilder sku = new StringBuilder(32);
    final StringBuilder lineCurrency = new StringBuilder(3);
    final StringBuilder currency = new StringBuilder(3);

    private LoopScratch(final EngineConfig engine, final int maxBodyBytes, final GatewayMetrics metrics,
        final AccessLog accessLog)
    {
        commands = new CommandReader(engine);
        body = new byte[maxBodyBytes];
        call = new Call(metrics, accessLog, this);
    }

    /** @return each thread's own scratch, made on its first use. */
    static FastThreadLocal<LoopScratch> perThread(final EngineConfig engine, final int maxBodyBytes,
        final GatewayMetrics metrics, final AccessLog accessLog)
    {
        return new FastThreadLocal<>()
        {
            @Override
            protected LoopScratch initialValue()
            {
                return new LoopScratch(engine, maxBodyBytes, metrics, accessLog);
            }
        };
    }
}
