package dev.flashsale.gateway.http;

import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.codec.MessageHeaderDecoder;
import dev.flashsale.engine.codec.ReserveDecoder;
import dev.flashsale.engine.codec.UpsertSkuDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandReaderTest
{
    private final CommandReader reader = new CommandReader(new EngineConfig().maxLinesPerCheckout(3));
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[2048]);

    private int reserve(final String json)
    {
        final byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return reader.reserve(body, body.length, 5, 42, "key", out);
    }

    @Test
    void encodesAValidReserve()
    {
        final int length = reserve("{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":2},{\"qty\":1,\"sku\":\"B-1.x_y\"}],\"holdSeconds\":60}");
        final ReserveDecoder decoder = new ReserveDecoder().wrapAndApplyHeader(out, 0, new MessageHeaderDecoder());
        assertThat(length).isPositive();
        assertThat(decoder.clientId()).isEqualTo(5);
        assertThat(decoder.customerId()).isEqualTo(42);
        assertThat(decoder.holdTtlMs()).isEqualTo(60_000);
        assertThat(decoder.idempotencyKey()).isEqualTo("key");
        final ReserveDecoder.LinesDecoder lines = decoder.lines();
        assertThat(lines.count()).isEqualTo(2);
        assertThat(lines.next().sku()).isEqualTo("A");
        assertThat(lines.quantity()).isEqualTo(2);
        assertThat(lines.next().sku()).isEqualTo("B-1.x_y");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "[]",
        "null",
        "{",
        "{\"customerId\":42}",
        "{\"customerId\":42,\"lines\":[]}",
        "{\"customerId\":42,\"lines\":{}}",
        "{\"customerId\":\"42\",\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        "{\"customerId\":42.0,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        "{\"customerId\":0,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        "{\"customerId\":-42,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        "{\"customerId\":99999999999999999999999,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":0}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":-1}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":10001}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":2147483648}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1.5}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\"}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"\",\"qty\":1}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A B\",\"qty\":1}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"ÄÖ\",\"qty\":1}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"123456789012345678901234567890123\",\"qty\":1}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1},{\"sku\":\"A\",\"qty\":1}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1},{\"sku\":\"B\",\"qty\":1},{\"sku\":\"C\",\"qty\":1},{\"sku\":\"D\",\"qty\":1}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1,\"extra\":1}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1}],\"unknown\":true}",
        "{\"customerId\":42,\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1}],\"holdSeconds\":0}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1}],\"holdSeconds\":3601}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1}]} trailing",
        "{\"customerId\":42,\"lines\":[[[[[[]]]]]]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}{}",
    })
    void refusesABadReserveBodyWithAClearMessage(final String json)
    {
        assertThatThrownBy(() -> reserve(json)).isInstanceOf(BadRequest.class).hasMessageNotContaining("Source");
    }

    @Test
    void refusesAReserveForAnotherCustomer()
    {
        assertThatThrownBy(() -> reserve("{\"customerId\":43,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}"))
            .isInstanceOf(Forbidden.class).hasMessageContaining("43");
    }

    @Test
    void encodesAnUpsertWithDefaultsAndIsoTimes()
    {
        final byte[] body = ("{\"totalStock\":5,\"perCustomerLimit\":1,\"priceMinor\":100,\"currency\":\"EUR\"," +
            "\"startsAt\":\"2026-11-28T10:00:00Z\"}").getBytes(StandardCharsets.UTF_8);
        reader.upsertSku(body, body.length, "SKU-1", out);
        final UpsertSkuDecoder decoder = new UpsertSkuDecoder().wrapAndApplyHeader(out, 0, new MessageHeaderDecoder());
        assertThat(decoder.sku()).isEqualTo("SKU-1");
        assertThat(decoder.startsAtMs()).isEqualTo(java.time.Instant.parse("2026-11-28T10:00:00Z").toEpochMilli());
        assertThat(decoder.endsAtMs()).isEqualTo(CommandReader.OPEN_END_MS);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"totalStock\":5,\"perCustomerLimit\":1,\"priceMinor\":100}",
        "{\"totalStock\":5,\"perCustomerLimit\":1,\"priceMinor\":100,\"currency\":\"eur\"}",
        "{\"totalStock\":-1,\"perCustomerLimit\":1,\"priceMinor\":100,\"currency\":\"EUR\"}",
        "{\"totalStock\":5,\"perCustomerLimit\":0,\"priceMinor\":100,\"currency\":\"EUR\"}",
        "{\"totalStock\":5,\"perCustomerLimit\":1,\"priceMinor\":1000000000001,\"currency\":\"EUR\"}",
        "{\"totalStock\":5,\"perCustomerLimit\":1,\"priceMinor\":100,\"currency\":\"EUR\",\"startsAt\":\"yesterday\"}",
        "{\"totalStock\":5,\"perCustomerLimit\":1,\"priceMinor\":100,\"currency\":\"EUR\",\"startsAt\":1}",
        "{\"totalStock\":5,\"perCustomerLimit\":1,\"priceMinor\":100,\"currency\":\"EUR\",\"startsAt\":\"2026-11-28T10:00:00Z\",\"endsAt\":\"2026-11-28T09:00:00Z\"}",
    })
    void refusesABadUpsert(final String json)
    {
        final byte[] body = json.getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> reader.upsertSku(body, body.length, "SKU-1", out)).isInstanceOf(BadRequest.class);
    }
}
