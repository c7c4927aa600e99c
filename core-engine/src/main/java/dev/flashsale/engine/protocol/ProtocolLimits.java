package dev.flashsale.engine.protocol;

import dev.flashsale.engine.codec.CheckoutResultEncoder;
import dev.flashsale.engine.codec.GroupSizeEncodingEncoder;
import dev.flashsale.engine.codec.MessageHeaderEncoder;
import dev.flashsale.engine.codec.ReserveEncoder;

/**
 * Hard limits of the protocol, independent of configuration. Configured limits
 * ({@code EngineConfig}) live within these.
 */
public final class ProtocolLimits
{
    /** Characters of a SKU code. */
    public static final int SKU_CODE_LENGTH = 32;
    /** Characters of an idempotency key. */
    public static final int IDEMPOTENCY_KEY_LENGTH = 64;
    /** Characters of a payment reference. */
    public static final int PAYMENT_REF_LENGTH = 64;
    /** Lines of one checkout: the protocol's ceiling for {@code maxLinesPerCheckout}. */
    public static final int MAX_LINES_PER_CHECKOUT = 16;
    /** Units of stock of one SKU, and of one restock. */
    public static final int MAX_STOCK = 1_000_000_000;
    /** A unit price in minor units (10^12: fits the 40 bits a checkout line keeps for it). */
    public static final long MAX_PRICE_MINOR = 1_000_000_000_000L;
    /**
     * Units of one checkout, all its lines together, at most: at {@link #MAX_PRICE_MINOR} a unit,
     * its total still fits a {@code long} (9,223,372 units). {@code EngineConfig} keeps
     * {@code maxQuantityPerLine * maxLinesPerCheckout} within it.
     */
    public static final long MAX_UNITS_PER_CHECKOUT = Long.MAX_VALUE / MAX_PRICE_MINOR;

    /** Bytes of the largest input: a Reserve with the maximum number of lines. */
    public static final int MAX_INPUT_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH + ReserveEncoder.BLOCK_LENGTH +
        GroupSizeEncodingEncoder.ENCODED_LENGTH + MAX_LINES_PER_CHECKOUT * ReserveEncoder.LinesEncoder.sbeBlockLength();

    /** Bytes of the largest output message: a CheckoutResult with the maximum number of lines. */
    public static final int MAX_OUTPUT_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH +
        CheckoutResultEncoder.BLOCK_LENGTH + GroupSizeEncodingEncoder.ENCODED_LENGTH +
        MAX_LINES_PER_CHECKOUT * CheckoutResultEncoder.LinesEncoder.sbeBlockLength();

    private ProtocolLimits()
    {
    }
}
