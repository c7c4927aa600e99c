package dev.flashsale.server.node;

import dev.flashsale.engine.pipeline.OutputSlot;
import dev.flashsale.engine.pipeline.OutputStage;
import dev.flashsale.gateway.auth.Credentials;
import dev.flashsale.server.config.FlashsaleConfig;
import org.agrona.concurrent.SystemEpochClock;
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

import static org.assertj.core.api.Assertions.assertThat;

/** What a public caller learns of a failed node: that it is not ready and why in general, never the cause's text. */
@Timeout(60)
class ReadinessTest
{
    private static final String SECRET = "cannot write /srv/flashsale/secret-path/events";

    @TempDir
    Path data;

    @Test
    void aFailedStageMakesTheNodeNotReadyWithoutShowingItsException() throws Exception
    {
        final FlashsaleConfig config = FlashsaleConfig.load(null, Map.of("FLASHSALE_ENGINE_CUSTOMER_CAPACITY", "1000",
            "FLASHSALE_ENGINE_CHECKOUT_CAPACITY", "1000", "FLASHSALE_ENGINE_IDEMPOTENCY_CAPACITY", "1000",
            "FLASHSALE_ENGINE_MAX_SKUS", "100", "FLASHSALE_READ_CUSTOMERS", "100", "FLASHSALE_GATEWAY_BIND_ADDRESS", "127.0.0.1",
            "FLASHSALE_GATEWAY_PORT", "0"));
        config.dataDirectory(data);
        final Credentials.Generated credentials = Credentials.generate();
        final OutputStage failing = new OutputStage()
        {
            @Override
            public String name()
            {
                return "failing";
            }

            @Override
            public void onSlot(final OutputSlot slot, final boolean endOfBatch)
            {
                throw new IllegalStateException(SECRET);
            }
        };
        final HttpClient http = HttpClient.newHttpClient();
        try (GatewayNode node = GatewayNode.start(config, credentials.credentials(), new SystemEpochClock(), List.of(failing)))
        {
            final String base = "http://127.0.0.1:" + node.gateway().port();
            final HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/admin/skus/TEE"))
                .header("X-Api-Key", credentials.adminKey()).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"totalStock\":5,\"perCustomerLimit\":5,\"priceMinor\":1999," +
                    "\"currency\":\"EUR\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(put.statusCode()).as(put.body()).isEqualTo(503);

            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
            final long deadline = System.nanoTime() + 5_000_000_000L; // the pipeline stops just after the failing stage threw
            while (ready.statusCode() == 200 && System.nanoTime() < deadline)
            {
                Thread.sleep(10);
                ready = http.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
            }
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("\"code\":\"NOT_READY\"",
                "\"detail\":\"the node stopped taking input: stage failing failed; the node's log has the cause\"")
                .doesNotContain(SECRET, "IllegalStateException");
            final HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/admin/skus/TEE"))
                .header("X-Api-Key", credentials.adminKey()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body()).doesNotContain(SECRET, "IllegalStateException");
        }
    }
}
