package dev.flashsale.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The hand-written checkout writer gives Jackson's bytes: seeded random documents of the checkout's shape. */
class JsonBytesTest
{
    private static final JsonBytes.Name ID = JsonBytes.name("checkoutId");
    private static final JsonBytes.Name NUMBER = JsonBytes.name("customerId");
    private static final JsonBytes.Name TIME = JsonBytes.name("createdAt");
    private static final JsonBytes.Name LINES = JsonBytes.name("lines");
    private static final JsonBytes.Name TEXT = JsonBytes.name("sku");

    private final JsonBytes bytes = new JsonBytes();
    private final JsonDocument jackson = new JsonDocument();

    @Test
    void sameBytesAsJacksonOnRandomDocuments()
    {
        final long seed = System.nanoTime();
        final SplittableRandom random = new SplittableRandom(seed);
        for (int document = 0; document < 20_000; document++)
        {
            final long id = random.nextInt(4) == 0 ? edge(random) : random.nextLong();
            final long number = random.nextInt(4) == 0 ? edge(random) : random.nextLong(1_000_000_000L);
            final long time = random.nextInt(8) == 0 ? random.nextLong() : random.nextLong(0, 253_402_300_800_000L);
            final String[] texts = new String[random.nextInt(4)];
            for (int i = 0; i < texts.length; i++)
            {
                texts[i] = text(random);
            }

            bytes.start();
            bytes.startObject();
            bytes.id(ID, id);
            bytes.number(NUMBER, number);
            bytes.time(TIME, time);
            bytes.startArray(LINES);
            for (final String text : texts)
            {
                bytes.startObject();
                bytes.string(TEXT, text);
                bytes.number(NUMBER, number);
                bytes.endObject();
            }
            bytes.endArray();
            if (texts.length > 0)
            {
                bytes.string(TEXT, texts[0]);
            }
            bytes.endObject();

            final ByteBuf ours = bytes.finish(UnpooledByteBufAllocator.DEFAULT);
            final ByteBuf theirs = jackson.render(UnpooledByteBufAllocator.DEFAULT, g ->
            {
                g.writeStartObject();
                jackson.id("checkoutId", id);
                g.writeNumberField("customerId", number);
                jackson.time("createdAt", time);
                g.writeArrayFieldStart("lines");
                for (final String text : texts)
                {
                    g.writeStartObject();
                    jackson.string("sku", text);
                    g.writeNumberField("customerId", number);
                    g.writeEndObject();
                }
                g.writeEndArray();
                if (texts.length > 0)
                {
                    jackson.string("sku", texts[0]);
                }
                g.writeEndObject();
            });
            try
            {
                assertThat(ByteBufUtil.getBytes(ours)).as("seed %d, document %d: %s", seed, document,
                    theirs.toString(StandardCharsets.UTF_8)).isEqualTo(ByteBufUtil.getBytes(theirs));
            }
            finally
            {
                ours.release();
                theirs.release();
            }
        }
    }

    @Test
    void aCheckoutAsTheApiShowsIt()
    {
        bytes.start();
        bytes.startObject();
        bytes.id(ID, 42);
        bytes.time(TIME, 1_796_400_000_123L);
        bytes.startArray(LINES);
        bytes.startObject();
        bytes.string(TEXT, "SKU-1");
        bytes.endObject();
        bytes.endArray();
        bytes.endObject();
        final ByteBuf out = bytes.finish(UnpooledByteBufAllocator.DEFAULT);
        assertThat(out.toString(StandardCharsets.UTF_8))
            .isEqualTo("{\"checkoutId\":\"42\",\"createdAt\":\"2026-12-04T16:00:00.123Z\",\"lines\":[{\"sku\":\"SKU-1\"}]}");
        out.release();
    }

    @Test
    void refusesAFieldNameItWouldHaveToEscape()
    {
        assertThatThrownBy(() -> JsonBytes.name("a\"b")).isInstanceOf(IllegalArgumentException.class);
    }

    private static long edge(final SplittableRandom random)
    {
        final long[] edges = {0, -1, 1, 9, 10, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE, -1_000_000_007L};
        return edges[random.nextInt(edges.length)];
    }

    /** Mostly SKU-like ASCII; sometimes control characters, quotes, backslashes, accents, CJK and emoji. */
    private static String text(final SplittableRandom random)
    {
        final String alphabet = "ABCxyz019-_./ ";
        final String[] odd = {"\"", "\\", "\n", "\t", "\r", "\b", "\f", "\u0000", "\u001f", "\u007f", "é", "ß", "€",
            "漢", "\uD83D\uDE00", "\uD800", "\uDFFF", "/", "<", "'"};
        final StringBuilder text = new StringBuilder();
        final int length = random.nextInt(24);
        for (int i = 0; i < length; i++)
        {
            if (random.nextInt(6) == 0)
            {
                text.append(odd[random.nextInt(odd.length)]);
            }
            else
            {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
        }
        return text.toString();
    }
}
