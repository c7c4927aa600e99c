package dev.flashsale.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class JsonDocumentTest
{
    private final JsonDocument json = new JsonDocument();

    private String text(final JsonDocument.Body body)
    {
        final ByteBuf buf = json.render(UnpooledByteBufAllocator.DEFAULT, body);
        try
        {
            return buf.toString(StandardCharsets.UTF_8);
        }
        finally
        {
            buf.release();
        }
    }

    private String time(final long epochMs)
    {
        final String object = text(g ->
        {
            g.writeStartObject();
            json.time("t", epochMs);
            g.writeEndObject();
        });
        return object.substring("{\"t\":\"".length(), object.length() - "\"}".length());
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
            assertThat(time(edge)).as("epoch ms %d", edge).isEqualTo(Instant.ofEpochMilli(edge).toString());
        }
        final SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 100_000; i++)
        {
            final long epochMs = random.nextLong(-70_000_000_000_000L, 260_000_000_000_000L);
            final long whole = epochMs - epochMs % 1_000;
            assertThat(time(epochMs)).as("epoch ms %d", epochMs).isEqualTo(Instant.ofEpochMilli(epochMs).toString());
            assertThat(time(whole)).as("epoch ms %d", whole).isEqualTo(Instant.ofEpochMilli(whole).toString());
        }
    }

    @Test
    void idsAreDecimalStrings()
    {
        for (final long id : new long[] {0, 7, 1L << 53, Long.MAX_VALUE, -1, Long.MIN_VALUE})
        {
            assertThat(text(g ->
            {
                g.writeStartObject();
                json.id("id", id);
                g.writeEndObject();
            })).isEqualTo("{\"id\":\"" + id + "\"}");
        }
    }

    @Test
    void namesAndValuesAreEscapedAndUtf8()
    {
        final String name = "Gr\u00f6\u00dfe \"EU\",\"injected\":\"x";
        final String value = "Nestl\u00e9 \\ \u0001 \u2603 \uD83D\uDE00";
        final StringBuilder builder = new StringBuilder("line\nbreak");
        final String document = text(g ->
        {
            g.writeStartObject();
            g.writeStringField(name, value);
            json.string("b", builder);
            g.writeEndObject();
        });
        assertThat(fields(document)).containsExactly(name, value, "b", "line\nbreak");
    }

    @Test
    void aDocumentOfAnySizeComesOutWhole()
    {
        final String big = "abcdefghijklmnopqrstuvwxyz".repeat(400);
        assertThat(text(g ->
        {
            g.writeStartArray();
            g.writeString(big);
            g.writeNumber(-42);
            g.writeEndArray();
        })).isEqualTo("[\"" + big + "\",-42]");
        assertThat(text(g ->
        {
            g.writeStartObject();
            g.writeEndObject();
        })).as("the writer starts afresh for each document").isEqualTo("{}");
    }

    /** @return the names and string values of a flat object, in order, read by a real JSON parser. */
    private static List<String> fields(final String document)
    {
        final List<String> fields = new ArrayList<>();
        try (JsonParser p = new JsonFactory().createParser(document.getBytes(StandardCharsets.UTF_8)))
        {
            assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                fields.add(p.currentName());
                assertThat(p.nextToken()).isEqualTo(JsonToken.VALUE_STRING);
                fields.add(p.getText());
            }
            assertThat(p.currentToken()).isEqualTo(JsonToken.END_OBJECT);
            assertThat(p.nextToken()).isNull();
        }
        catch (final IOException ex)
        {
            throw new AssertionError("not valid JSON: " + document, ex);
        }
        return fields;
    }
}
