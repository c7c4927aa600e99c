package dev.flashsale.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class JsonOutTest
{
    private static String time(final long epochMs)
    {
        final ByteBuf buf = Unpooled.buffer();
        new JsonOut().start(buf).beginArray().time(epochMs).endArray();
        final String array = buf.toString(StandardCharsets.US_ASCII);
        return array.substring(1, array.length() - 1);
    }

    @Test
    void timesAreWrittenAsInstantWritesThem()
    {
        final long[] edges = {0, 1, 999, 1_000, -1, -1_000, -86_400_000L, 951_782_400_000L /* 2000-02-29 */,
            4_107_542_400_000L /* 2100-03-01 */, 253_402_300_799_999L /* 9999-12-31T23:59:59.999 */,
            253_402_300_800_000L /* 10000-01-01: the JDK's "+10000" */, -62_167_219_200_000L /* 0000-01-01 */,
            -62_167_219_200_001L, Long.MAX_VALUE / 1_000, Long.MIN_VALUE / 1_000};
        for (final long edge : edges)
        {
            assertThat(time(edge)).as("epoch ms %d", edge).isEqualTo('"' + Instant.ofEpochMilli(edge).toString() + '"');
        }
        final SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 200_000; i++)
        {
            final long epochMs = random.nextLong(-70_000_000_000_000L, 260_000_000_000_000L);
            final long whole = epochMs - epochMs % 1_000;
            assertThat(time(epochMs)).as("epoch ms %d", epochMs).isEqualTo('"' + Instant.ofEpochMilli(epochMs).toString() + '"');
            assertThat(time(whole)).as("epoch ms %d", whole).isEqualTo('"' + Instant.ofEpochMilli(whole).toString() + '"');
        }
    }

    @Test
    void aTimeTakesItsCommaLikeAnyValue()
    {
        final ByteBuf buf = Unpooled.buffer();
        new JsonOut().start(buf).beginObject().field("a", 1).name("at").time(1_000).endObject();
        assertThat(buf.toString(StandardCharsets.US_ASCII)).isEqualTo("{\"a\":1,\"at\":\"1970-01-01T00:00:01Z\"}");
    }

    @Test
    void namesAreEscapedAsStringsAre()
    {
        final ByteBuf buf = Unpooled.buffer();
        new JsonOut().start(buf).beginObject().field("Gr\u00f6\u00dfe \"EU\"", "Nestl\u00e9").endObject();
        assertThat(buf.toString(StandardCharsets.US_ASCII))
            .isEqualTo("{\"Gr\\u00f6\\u00dfe \\\"EU\\\"\":\"Nestl\\u00e9\"}");
    }

    @Test
    void theDocumentReachesTheBufferWhenItsOutermostValueCloses()
    {
        final ByteBuf buf = Unpooled.buffer();
        final JsonOut json = new JsonOut().start(buf).beginObject().name("a").beginArray().value(1).value("x");
        json.endArray();
        assertThat(buf.readableBytes()).as("still inside the object").isZero();
        json.endObject();
        assertThat(buf.toString(StandardCharsets.US_ASCII)).isEqualTo("{\"a\":[1,\"x\"]}");

        final StringBuilder big = new StringBuilder();
        for (int i = 0; i < 5_000; i++)
        {
            big.append((char)('a' + i % 26));
        }
        final ByteBuf second = Unpooled.buffer();
        json.start(second).beginArray().value(big).value(-42).endArray();
        assertThat(second.toString(StandardCharsets.US_ASCII)).isEqualTo("[\"" + big + "\",-42]");
    }
}
