package dev.flashsale.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class AsciiDecimalTest
{
    @Test
    void numbersAreWrittenInDecimalAsLongToStringWritesThem()
    {
        final ByteBuf out = Unpooled.buffer(4); // grows as needed
        for (final long value : new long[] {0, 7, 10, 99, 100, 1_234_567, Long.MAX_VALUE, -1, -10, Long.MIN_VALUE})
        {
            out.clear().writeByte('x');
            AsciiDecimal.write(out, value);
            assertThat(out.toString(StandardCharsets.US_ASCII)).as("after what the buffer held").isEqualTo("x" + value);
        }
    }
}
