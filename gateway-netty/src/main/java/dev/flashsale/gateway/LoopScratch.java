package dev.flashsale.gateway;

import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.codec.CheckoutResultDecoder;
import dev.flashsale.engine.codec.MessageHeaderDecoder;
import dev.flashsale.engine.codec.SkuResultDecoder;
import dev.flashsale.engine.codec.AckDecoder;
import dev.flashsale.engine.protocol.ProtocolLimits;
import dev.flashsale.gateway.auth.CustomerTokens;
import dev.flashsale.gateway.http.JsonOut;
import dev.flashsale.gateway.http.RequestReader;
import org.agrona.concurrent.UnsafeBuffer;

/** What one event loop reuses for every request it handles: buffers, flyweights, parser, MAC. */
final class LoopScratch
{
    final RequestReader reader;
    final UnsafeBuffer command = new UnsafeBuffer(new byte[ProtocolLimits.MAX_INPUT_LENGTH]);
    final byte[] body;
    final JsonOut json = new JsonOut();
    final CustomerTokens tokens = new CustomerTokens();
    final MessageHeaderDecoder header = new MessageHeaderDecoder();
    final CheckoutResultDecoder checkoutResult = new CheckoutResultDecoder();
    final SkuResultDecoder skuResult = new SkuResultDecoder();
    final AckDecoder ack = new AckDecoder();
    /** A line's SKU code and currency, and the checkout's first currency, read without a String each. */
    final StringBuilder sku = new StringBuilder(32);
    final StringBuilder lineCurrency = new StringBuilder(3);
    final StringBuilder currency = new StringBuilder(3);

    LoopScratch(final EngineConfig engine, final int maxBodyBytes)
    {
        reader = new RequestReader(engine);
        body = new byte[maxBodyBytes];
    }
}
