package dev.flashsale.engine.protocol;

import dev.flashsale.engine.codec.CheckoutHeldEncoder;
import dev.flashsale.engine.codec.GroupSizeEncodingEncoder;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;

/**
 * The layout of the {@code lines} group shared by {@code CheckoutResult} and the four checkout
 * events: {@code sku(32) quantity(int32) unitPriceMinor(int64) currency(3)}, 47 bytes a line,
 * after a 4-byte group header ({@code blockLength uint16, numInGroup uint16}). A protocol test
 * checks every message against it, so code that only needs the lines can read any of them alike.
 */
public final class LineLayout
{
    public static final int GROUP_HEADER_LENGTH = GroupSizeEncodingEncoder.ENCODED_LENGTH;
    public static final int BLOCK_LENGTH = CheckoutHeldEncoder.LinesEncoder.sbeBlockLength();
    public static final int SKU_OFFSET = CheckoutHeldEncoder.LinesEncoder.skuEncodingOffset();
    public static final int QUANTITY_OFFSET = CheckoutHeldEncoder.LinesEncoder.quantityEncodingOffset();
    public static final int PRICE_OFFSET = CheckoutHeldEncoder.LinesEncoder.unitPriceMinorEncodingOffset();
    public static final int CURRENCY_OFFSET = CheckoutHeldEncoder.LinesEncoder.currencyEncodingOffset();

    private LineLayout()
    {
    }

    /** @return the number of lines of the group at {@code groupOffset}. */
    public static int count(final DirectBuffer buffer, final int groupOffset)
    {
        return buffer.getShort(groupOffset + 2, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }

    /** @return the sum of the quantities of the group at {@code groupOffset}. */
    public static int totalQuantity(final DirectBuffer buffer, final int groupOffset)
    {
        final int lineBlockLength = buffer.getShort(groupOffset, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        int offset = groupOffset + GROUP_HEADER_LENGTH + QUANTITY_OFFSET;
        int total = 0;
        for (int i = count(buffer, groupOffset); i > 0; i--)
        {
            total += buffer.getInt(offset, ByteOrder.LITTLE_ENDIAN);
            offset += lineBlockLength;
        }
        return total;
    }
}
