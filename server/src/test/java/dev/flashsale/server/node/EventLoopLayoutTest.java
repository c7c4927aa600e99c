package dev.flashsale.server.node;

import dev.flashsale.engine.pipeline.ThreadLayout;
import dev.flashsale.gateway.Route;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event-loop layout behind two event loops: the second loop's requests are handed to the
 * first, which runs the stages; every request is answered, and a restart on the same data
 * directory serves what was acknowledged.
 */
@Timeout(120)
class EventLoopLayoutTest
{
    private static final int CLIENTS = 8;
    private static final int SKUS_PER_CLIENT = 50;

    @TempDir
    Path data;

    @Test
    void twoEventLoopsShareTheStagesOfTheFirstAndARestartServesWhatWasAcknowledged() throws Exception
    {
        final FlashsaleConfig config = FlashsaleConfig.load(null, Map.of("FLASHSALE_ENGINE_CUSTOMER_CAPACITY", "1000",
            "FLASHSALE_ENGINE_CHECKOUT_CAPACITY", "1000", "FLASHSALE_ENGINE_IDEMPOTENCY_CAPACITY", "1000",
            "FLASHSALE_ENGINE_MAX_SKUS", "1000", "FLASHSALE_READ_CUSTOMERS", "100", "FLASHSALE_GATEWAY_BIND_ADDRESS", "127.0.0.1",
            "FLASHSALE_GATEWAY_PORT", "0", "FLASHSALE_GATEWAY_IO_THREADS", "2", "FLASHSALE_PIPELINE_THREAD_LAYOUT", "event-loop"));
        config.dataDirectory(data);
        final Credentials.Generated credentials = Credentials.generate();
        try (GatewayNode node = GatewayNode.start(config, credentials.credentials(), new SystemEpochClock(), List.of()))
        {
            assertThat(node.node().pipeline().threadLayout()).isEqualTo(ThreadLayout.EVENT_LOOP);
            final String base = "http://127.0.0.1:" + node.gateway().port();
            final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            try
            {
                final List<Future<List<Integer>>> statuses = new ArrayList<>();
                for (int client = 0; client < CLIENTS; client++)
                {
                    final int first = client * SKUS_PER_CLIENT;
                    statuses.add(clients.submit(() -> putSkus(base, credentials.adminKey(), first)));
                }
                for (final Future<List<Integer>> status : statuses)
                {
                    assertThat(status.get()).as("every upsert answered, on whichever loop it came in").containsOnly(200);
                }
            }
            finally
            {
                clients.shutdownNow();
            }
            assertThat(node.gateway().requests(Route.ADMIN_PUT_SKU, 200)).isEqualTo(CLIENTS * SKUS_PER_CLIENT);
        }
        try (GatewayNode node = GatewayNode.start(config, credentials.credentials(), new SystemEpochClock(), List.of()))
        {
            final HttpClient http = HttpClient.newHttpClient();
            final String base = "http://127.0.0.1:" + node.gateway().port();
            for (int sku = 0; sku < CLIENTS * SKUS_PER_CLIENT; sku += 37)
            {
                final HttpResponse<String> availability = http.send(HttpRequest.newBuilder(URI.create(base +
                    "/v1/skus/SKU-" + sku + "/availability")).header("X-Api-Key", credentials.storefrontKey()).build(),
                    HttpResponse.BodyHandlers.ofString());
                assertThat(availability.statusCode()).as(availability.body()).isEqualTo(200);
                assertThat(availability.body()).contains("\"totalStock\":" + (100 + sku));
            }
        }
    }

    /** Upserts SKU-first .. SKU-(first + 49) on one connection of its own, one after another. */
    private static List<Integer> putSkus(final String base, final String adminKey, final int first) throws Exception
    {
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        final List<Integer> statuses = new ArrayList<>();
        for (int sku = first; sku < first + SKUS_PER_CLIENT; sku++)
        {
            statuses.add(http.send(HttpRequest.newBuilder(URI.create(base + "/v1/admin/skus/SKU-" + sku))
                .header("X-Api-Key", adminKey).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"totalStock\":" + (100 + sku) + ",\"perCustomerLimit\":5," +
                    "\"priceMinor\":1999,\"currency\":\"EUR\"}")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        }
        return statuses;
    }
}
