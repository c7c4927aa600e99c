package dev.flashsale.server.node;

import dev.flashsale.gateway.auth.Credentials;
import dev.flashsale.server.config.FlashsaleConfig;
import org.agrona.concurrent.EpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The machine's clock is set an hour ahead under a running node: engine time does not follow, the operator sees it. */
@Timeout(60)
class ClockStepTest
{
    private static final long HOUR_MS = 3_600_000;
    private static final Pattern OFFSET = Pattern.compile("(?m)^flashsale_clock_offset_seconds (-?[0-9.]+)$");

    @TempDir
    Path data;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aStepOfTheWallClockIsCountedShownAndNotFollowed() throws Exception
    {
        final FlashsaleConfig config = FlashsaleConfig.load(null, Map.of(
            "FLASHSALE_ENGINE_CUSTOMER_CAPACITY", "1000", "FLASHSALE_ENGINE_CHECKOUT_CAPACITY", "1000",
            "FLASHSALE_ENGINE_IDEMPOTENCY_CAPACITY", "1000", "FLASHSALE_ENGINE_MAX_SKUS", "10", "FLASHSALE_READ_ENABLED", "false",
            "FLASHSALE_GATEWAY_BIND_ADDRESS", "127.0.0.1", "FLASHSALE_GATEWAY_PORT", "0"));
        config.dataDirectory(data);
        final long maxStepMs = config.pipeline().maxClockStepMs();
        final AtomicLong setBy = new AtomicLong();
        final EpochClock wallClock = () -> System.currentTimeMillis() + setBy.get();
        final Credentials.Generated credentials = Credentials.generate();
        final long startMs = System.currentTimeMillis();
        final GatewayNode node = GatewayNode.start(config, credentials.credentials(), wallClock, List.of());
        try (node)
        {
            final int port = node.gateway().port();
            assertThat(putSku(port, credentials, "TEE").statusCode()).isEqualTo(200);

            setBy.set(HOUR_MS);
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (node.node().pipeline().clock().steps() == 0 && System.nanoTime() < deadline)
            {
                Thread.sleep(5); // the ticker reads the clock at least once a second
            }
            assertThat(putSku(port, credentials, "CAP").statusCode()).isEqualTo(200);

            final String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("flashsale_clock_steps_total 1");
            final Matcher offset = OFFSET.matcher(metrics);
            assertThat(offset.find()).as(metrics).isTrue();
            assertThat(new java.math.BigDecimal(offset.group(1)).movePointRight(3).longValueExact()).as("the part of the step not followed, ms")
                .isBetween(HOUR_MS - maxStepMs - 2, HOUR_MS - maxStepMs + 2);
        }
        assertThat(node.node().engine().lastSequence()).isEqualTo(2);
        assertThat(node.node().engine().engineTimeMs()).as("engine time moved by the bound, not the hour")
            .isLessThan(startMs + HOUR_MS / 2);
    }

    private HttpResponse<String> putSku(final int port, final Credentials.Generated credentials, final String sku)
        throws Exception
    {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/admin/skus/" + sku))
            .header("X-Api-Key", credentials.adminKey()).header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(
                "{\"totalStock\":5,\"perCustomerLimit\":5,\"priceMinor\":1999,\"currency\":\"EUR\"}")).build(),
            HttpResponse.BodyHandlers.ofString());
    }
}
