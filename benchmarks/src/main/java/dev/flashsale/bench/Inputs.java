package dev.flashsale.bench;

import dev.flashsale.engine.EngineOutput;
import dev.flashsale.engine.codec.CheckoutResultEncoder;
import dev.flashsale.engine.codec.MessageHeaderEncoder;
import dev.flashsale.engine.codec.ReserveEncoder;
import dev.flashsale.engine.protocol.CommandWriter;
import dev.flashsale.engine.protocol.ProtocolLimits;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/** Pre-encoded inputs and a discarding output for benchmarks: no allocation per input. */
final class Inputs
{
    /** Offset of customerId in an encoded Reserve, so a benchmark can vary it in place. */
    static final int RESERVE_CUSTOMER_OFFSET = MessageHeaderEncoder.ENCODED_LENGTH + ReserveEncoder.customerIdEncodingOffset();
    /** Offset of holdTtlMs in an encoded Reserve. */
    static final int RESERVE_TTL_OFFSET = MessageHeaderEncoder.ENCODED_LENGTH + ReserveEncoder.holdTtlMsEncodingOffset();

    private Inputs()
    {
    }

    /** An encoded command in its own buffer. */
    static final class Encoded
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ProtocolLimits.MAX_INPUT_LENGTH]);
        int length;

        void customerId(final long customerId)
        {
            buffer.putLong(RESERVE_CUSTOMER_OFFSET, customerId, ByteOrder.LITTLE_ENDIAN);
        }

        void holdTtlMs(final long holdTtlMs)
        {
            buffer.putLong(RESERVE_TTL_OFFSET, holdTtlMs, ByteOrder.LITTLE_ENDIAN);
        }
    }

    static Encoded reserve(final String sku, final int quantity, final long holdTtlMs)
    {
        final Encoded encoded = new Encoded();
        encoded.length = new CommandWriter().reserve(encoded.buffer, 0, 1, 1, holdTtlMs, "", sku, quantity);
        return encoded;
    }

    static Encoded upsert(final String sku, final int stock, final int limit)
    {
        final Encoded encoded = new Encoded();
        encoded.length = new CommandWriter().upsertSku(encoded.buffer, 0, sku, stock, limit, 4_999, "EUR", 0, Long.MAX_VALUE);
        return encoded;
    }

    /**
     * Counts output bytes (so the JIT cannot drop the encoding) and remembers the checkout id of
     * the last checkout result, for benchmarks that confirm what they reserved.
     */
    static final class DiscardingOutput implements EngineOutput
    {
        private static final int CHECKOUT_ID_OFFSET =
            MessageHeaderEncoder.ENCODED_LENGTH + CheckoutResultEncoder.checkoutIdEncodingOffset();

        private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ProtocolLimits.MAX_OUTPUT_LENGTH]);
        long bytes;
        long lastCheckoutId;

        @Override
        public MutableDirectBuffer claim()
        {
            return buffer;
        }

        @Override
        public void commit(final int length, final boolean isResult)
        {
            bytes += length;
            if (isResult && buffer.getShort(2, ByteOrder.LITTLE_ENDIAN) == CheckoutResultEncoder.TEMPLATE_ID)
            {
                lastCheckoutId = buffer.getLong(CHECKOUT_ID_OFFSET, ByteOrder.LITTLE_ENDIAN);
            }
        }
    }
}
