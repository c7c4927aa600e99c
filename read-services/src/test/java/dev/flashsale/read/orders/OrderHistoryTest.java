package dev.flashsale.read.orders;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The record format: size classes, the length found by walking the orders, padded and unpadded records alike. */
class OrderHistoryTest
{
    private final UnsafeBuffer record = new UnsafeBuffer(new byte[OrderHistory.MAX_BYTES]);
    private final UnsafeBuffer lines = new UnsafeBuffer(new byte[OrderHistory.MAX_LINES * OrderHistory.LINE]);

    @Test
    void sizeClassesDoubleTheRoomForOrdersAndNeverExceedTheLargestRecord()
    {
        final int one = OrderHistory.ONE_LINE_ORDER;
        final int header = OrderHistory.HEADER;
        assertThat(OrderHistory.storedSize(header)).isEqualTo(header + 2 * one);
        assertThat(OrderHistory.storedSize(header + 2 * one)).isEqualTo(header + 2 * one);
        assertThat(OrderHistory.storedSize(header + 2 * one + 1)).isEqualTo(header + 4 * one);
        assertThat(OrderHistory.storedSize(header + 5 * one)).isEqualTo(header + 8 * one);
        assertThat(OrderHistory.storedSize(OrderHistory.MAX_BYTES)).isEqualTo(OrderHistory.MAX_BYTES);
        for (int length = header; length <= OrderHistory.MAX_BYTES; length++)
        {
            assertThat(OrderHistory.storedSize(length)).isBetween(length, OrderHistory.MAX_BYTES);
        }
    }

    @Test
    void aPaddedRecordDecodesAsTheUnpaddedOneAndKnowsItsLength()
    {
        int length = OrderHistory.empty(record);
        for (int order = 1; order <= OrderHistory.MAX_ORDERS + 3; order++) // three past the limit: the oldest drop out
        {
            final int lineCount = 1 + order % 3;
            length = OrderHistory.append(record, length, 100 + order, OrderHistory.HELD, 1_000L * order, 1_000L * order + 500,
                lines(lineCount, order), lineCount);
            assertThat(OrderHistory.length(record)).isEqualTo(length);
            final byte[] unpadded = Arrays.copyOf(record.byteArray(), length);
            final byte[] padded = new byte[OrderHistory.storedSize(length)];
            System.arraycopy(unpadded, 0, padded, 0, length);
            final List<Order> orders = OrderHistory.decode(padded);
            assertThat(orders).isEqualTo(OrderHistory.decode(unpadded));
            assertThat(orders).hasSize(Math.min(order, OrderHistory.MAX_ORDERS));
            assertThat(orders.get(0).checkoutId()).isEqualTo(100 + order);
            assertThat(orders.get(0).lines()).hasSize(lineCount);
            assertThat(OrderHistory.length(new UnsafeBuffer(padded))).isEqualTo(length);
        }
    }

    private UnsafeBuffer lines(final int count, final int order)
    {
        for (int i = 0; i < count; i++)
        {
            final int at = i * OrderHistory.LINE;
            lines.setMemory(at, 32, (byte)0);
            lines.putStringWithoutLengthAscii(at, "SKU-" + order + "-" + i);
            lines.putInt(at + 32, i + 1);
            lines.putLong(at + 36, 999);
            lines.putStringWithoutLengthAscii(at + 44, "EUR");
        }
        return lines;
    }
}
