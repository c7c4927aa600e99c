package dev.flashsale.engine;

import dev.flashsale.engine.codec.CheckoutHeldEncoder;
import dev.flashsale.engine.codec.GroupSizeEncodingEncoder;

/**
 * The layout of the {@code lines} group shared by {@code CheckoutResult} and the four checkout
 * events: {@code sku(32) quantity(int32) unitPriceMinor(int64) currency(3)}, 47 bytes a line,
 * after a 4-byte group header. {@code LineLayoutTest} checks every message against it.
 */
final class LineLayout
{
    static final int GROUP_HEADER_LENGTH = GroupSizeEncodingEncoder.ENCODED_LENGTH;
    static final int BLOCK_LENGTH = CheckoutHeldEncoder.LinesEncoder.sbeBlockLength();
    static final int SKU_OFFSET = CheckoutHeldEncoder.LinesEncoder.skuEncodingOffset();
    static final int QUANTITY_OFFSET = CheckoutHeldEncoder.LinesEncoder.quantityEncodingOffset();
    static final int PRICE_OFFSET = CheckoutHeldEncoder.LinesEncoder.unitPriceMinorEncodingOffset();
    static final int CURRENCY_OFFSET = CheckoutHeldEncoder.LinesEncoder.currencyEncodingOffset();

    private LineLayout()
    {
    }
}
