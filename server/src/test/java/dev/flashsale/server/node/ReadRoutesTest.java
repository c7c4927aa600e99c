package dev.flashsale.server.node;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.flashsale.gateway.auth.Credentials;
import dev.flashsale.gateway.auth.CustomerTokens;
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

/** Through a running node: a customer's order history follows their checkouts, and stays theirs. */
@Timeout(60)
class ReadRoutesTest
{
    @TempDir
    Path data;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theOrderHistoryFollowsCheckoutsWithinASecondAndSurvivesARestart() throws Exception
    {
        final FlashsaleConfig config = config();
        final Credentials.Generated credentials = Credentials.generate();
        final CustomerTokens tokens = new CustomerTokens();
        final String alice = tokens.sign(credentials.storefront(), 42, System.currentTimeMillis() / 1000 + 600);
        final String bob = tokens.sign(credentials.storefront(), 43, System.currentTimeMillis() / 1000 + 600);
        final String checkoutId;
        try (GatewayNode node = GatewayNode.start(config, credentials.credentials(), new SystemEpochClock(), List.of()))
        {
            final int port = node.gateway().port();
            assertThat(send(request(port, "/v1/admin/skus/TEE", credentials.adminKey(), null).PUT(json(
                "{\"totalStock\":5,\"perCustomerLimit\":5,\"priceMinor\":1999,\"currency\":\"EUR\"}"))).statusCode()).isEqualTo(200);
            final HttpResponse<String> held = send(request(port, "/v1/checkouts", credentials.storefrontKey(), alice)
                .header("Idempotency-Key", "o-1").POST(json("{\"customerId\":42,\"lines\":[{\"sku\":\"TEE\",\"qty\":2}]}")));
            assertThat(held.statusCode()).isEqualTo(201);
            checkoutId = held.body().replaceAll(".*\"checkoutId\":\"(\\d+)\".*", "$1");
            assertThat(send(request(port, "/v1/checkouts/" + checkoutId + "/confirm", credentials.storefrontKey(), alice)
                .POST(json("{\"paymentRef\":\"pay-1\"}"))).statusCode()).isEqualTo(200);

            final long deadline = System.nanoTime() + 1_000_000_000L;
            String orders = "";
            while (System.nanoTime() < deadline && !orders.contains("CONFIRMED"))
            {
                orders = send(request(port, "/v1/me/orders", credentials.storefrontKey(), alice)).body();
                Thread.sleep(10);
            }
            assertThat(orders).as("within a second").contains("\"checkoutId\":\"" + checkoutId + "\"", "\"status\":\"CONFIRMED\"",
                "\"qty\":2");
            final HttpResponse<String> others = send(request(port, "/v1/me/orders", credentials.storefrontKey(), bob));
            assertThat(others.statusCode()).isEqualTo(200);
            assertThat(others.body()).contains("\"customerId\":43", "\"orders\":[]");
            assertThat(others.headers().firstValue("Cache-Control")).hasValue("private, no-store");
            assertThat(send(request(port, "/v1/me/orders", credentials.storefrontKey(), null)).statusCode()).isEqualTo(401);
            assertThat(send(request(port, "/health/ready", null, null)).body()).startsWith("ready\n")
                .contains("projection orders: ", "projection catalog: ");
            assertThat(send(request(port, "/metrics", null, null)).body())
                .contains("flashsale_projection_up{projection=\"orders\"} 1", "flashsale_projection_lag_inputs{projection=\"orders\"}");
        }
        try (GatewayNode node = GatewayNode.start(config, credentials.credentials(), new SystemEpochClock(), List.of()))
        {
            final String orders = send(request(node.gateway().port(), "/v1/me/orders", credentials.storefrontKey(), alice)).body();
            assertThat(orders.split("\"checkoutId\"", -1)).as("one order, not applied twice: " + orders).hasSize(2);
            assertThat(orders).contains(checkoutId, "CONFIRMED");
        }
    }

    @Test
    void aProductJoinsItsLiveAvailabilityAndIsCacheable() throws Exception
    {
        final FlashsaleConfig config = config();
        final Credentials.Generated credentials = Credentials.generate();
        final String alice = new CustomerTokens().sign(credentials.storefront(), 42, System.currentTimeMillis() / 1000 + 600);
        try (GatewayNode node = GatewayNode.start(config, credentials.credentials(), new SystemEpochClock(), List.of()))
        {
            final int port = node.gateway().port();
            final String admin = credentials.adminKey();
            final String product = "{\"title\":\"Red tee\",\"description\":\"Soft cotton\",\"brand\":\"Acme\"," +
                "\"category\":\"shirts\",\"attributes\":{\"size\":\"M\"},\"imageUrls\":[\"https://img.example/tee.jpg\"]," +
                "\"displayPriceMinor\":1999,\"currency\":\"EUR\"}";
            final HttpResponse<String> put = send(request(port, "/v1/admin/products/TEE", admin, null).PUT(json(product)));
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
            assertThat(put.body()).contains("\"title\":\"Red tee\"", "\"attributes\":{\"size\":\"M\"}", "\"availability\":null");
            assertThat(send(request(port, "/v1/admin/products/TEE", admin, null).PUT(json("{\"title\":\"x\"}"))).statusCode())
                .isEqualTo(400);
            assertThat(send(request(port, "/v1/admin/products/TEE", credentials.storefrontKey(), null).PUT(json(product)))
                .statusCode()).isEqualTo(403);

            send(request(port, "/v1/admin/skus/TEE", admin, null).PUT(json(
                "{\"totalStock\":1,\"perCustomerLimit\":5,\"priceMinor\":1999,\"currency\":\"EUR\"}")));
            send(request(port, "/v1/checkouts", credentials.storefrontKey(), alice).header("Idempotency-Key", "p-1")
                .POST(json("{\"customerId\":42,\"lines\":[{\"sku\":\"TEE\",\"qty\":1}]}")));
            final long deadline = System.nanoTime() + 1_000_000_000L;
            HttpResponse<String> page = send(request(port, "/v1/products/TEE", credentials.storefrontKey(), null));
            while (System.nanoTime() < deadline && !page.body().contains("\"soldOut\":true"))
            {
                Thread.sleep(10);
                page = send(request(port, "/v1/products/TEE", credentials.storefrontKey(), null));
            }
            assertThat(page.body()).as("within a second").contains("\"available\":0", "\"held\":1", "\"soldOut\":true");
            assertThat(page.headers().firstValue("Cache-Control")).hasValue("public, max-age=1");
            final String etag = page.headers().firstValue("ETag").orElseThrow();
            final HttpResponse<String> notModified = send(request(port, "/v1/products/TEE", credentials.storefrontKey(), null)
                .header("If-None-Match", etag));
            assertThat(notModified.statusCode()).isEqualTo(304);

            final long searchable = System.nanoTime() + 1_000_000_000L; // the index refreshes every 100 ms
            HttpResponse<String> found = send(request(port, "/v1/search?q=tee&category=shirts&sort=price_asc",
                credentials.storefrontKey(), null));
            while (System.nanoTime() < searchable && !found.body().contains("\"total\":1"))
            {
                Thread.sleep(20);
                found = send(request(port, "/v1/search?q=tee&category=shirts&sort=price_asc", credentials.storefrontKey(), null));
            }
            assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
            assertThat(found.body()).contains("\"total\":1", "\"sku\":\"TEE\"", "\"facets\":{\"brand\":{\"Acme\":1}");
            assertThat(found.headers().firstValue("ETag")).isPresent();
            final long until = System.nanoTime() + 1_000_000_000L;
            HttpResponse<String> inStock = send(request(port, "/v1/search?inStock=true", credentials.storefrontKey(), null));
            while (System.nanoTime() < until && !inStock.body().contains("\"total\":0"))
            {
                Thread.sleep(20);
                inStock = send(request(port, "/v1/search?inStock=true", credentials.storefrontKey(), null));
            }
            assertThat(inStock.body()).as("the sold-out tee leaves the in-stock filter within a second").contains("\"total\":0");
            assertThat(send(request(port, "/v1/search?sort=cheapest", credentials.storefrontKey(), null)).statusCode()).isEqualTo(400);
            assertThat(send(request(port, "/v1/search?color=red", credentials.storefrontKey(), null)).statusCode()).isEqualTo(400);
            assertThat(send(request(port, "/v1/search?pageSize=1000", credentials.storefrontKey(), null)).statusCode()).isEqualTo(400);
            assertThat(send(request(port, "/v1/admin/search/rebuild", admin, null).POST(json(""))).body()).contains("\"indexed\":1");

            assertThat(send(request(port, "/v1/admin/products/TEE", admin, null).DELETE()).statusCode()).isEqualTo(204);
            assertThat(send(request(port, "/v1/products/TEE", credentials.storefrontKey(), null)).statusCode()).isEqualTo(404);
            assertThat(send(request(port, "/v1/admin/products/TEE", admin, null).DELETE()).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void profilesAreValidatedAndEachCustomerSeesOnlyTheirOwn() throws Exception
    {
        final FlashsaleConfig config = config();
        final Credentials.Generated credentials = Credentials.generate();
        final CustomerTokens tokens = new CustomerTokens();
        final String alice = tokens.sign(credentials.storefront(), 42, System.currentTimeMillis() / 1000 + 600);
        final String bob = tokens.sign(credentials.storefront(), 43, System.currentTimeMillis() / 1000 + 600);
        final String key = credentials.storefrontKey();
        try (GatewayNode node = GatewayNode.start(config, credentials.credentials(), new SystemEpochClock(), List.of()))
        {
            final int port = node.gateway().port();
            assertThat(send(request(port, "/v1/me/profile", key, alice)).statusCode()).isEqualTo(404);
            final String profile = "{\"name\":\"Alice\",\"email\":\"alice@example.com\",\"addresses\":[{\"line1\":\"1 Main St\"," +
                "\"city\":\"Berlin\",\"postalCode\":\"10115\",\"country\":\"DE\"}]}";
            final HttpResponse<String> put = send(request(port, "/v1/me/profile", key, alice).PUT(json(profile)));
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
            assertThat(put.body()).contains("\"customerId\":42", "\"city\":\"Berlin\"");
            assertThat(send(request(port, "/v1/me/profile", key, alice)).body()).contains("alice@example.com");
            assertThat(send(request(port, "/v1/me/profile", key, bob)).statusCode()).as("Bob has none, and cannot see Alice's")
                .isEqualTo(404);
            for (final String bad : List.of("{\"name\":\"\",\"email\":\"a@b.co\"}", "{\"name\":\"A\",\"email\":\"not-an-email\"}",
                "{\"name\":\"A\",\"email\":\"a@b.co\",\"addresses\":[{\"line1\":\"x\",\"city\":\"y\",\"postalCode\":\"1\",\"country\":\"Germany\"}]}",
                "{\"name\":\"A\",\"email\":\"a@b.co\",\"admin\":true}", "[]"))
            {
                final HttpResponse<String> refused = send(request(port, "/v1/me/profile", key, alice).PUT(json(bad)));
                assertThat(refused.statusCode()).as(bad).isEqualTo(400);
                assertThat(refused.body()).contains("\"code\":\"INVALID_REQUEST\"");
            }
            assertThat(send(request(port, "/v1/me/profile", key, alice)).body()).as("refusals changed nothing").contains("Alice");
            assertThat(send(request(port, "/v1/me/profile", key, null)).statusCode()).isEqualTo(401);
        }
    }

    /** A small node on a free loopback port, in the test's directory. */
    private FlashsaleConfig config()
    {
        final FlashsaleConfig config = FlashsaleConfig.load(null, Map.of(
            "FLASHSALE_ENGINE_CUSTOMER_CAPACITY", "10000", "FLASHSALE_ENGINE_CHECKOUT_CAPACITY", "10000",
            "FLASHSALE_ENGINE_IDEMPOTENCY_CAPACITY", "10000", "FLASHSALE_ENGINE_MAX_SKUS", "1000", "FLASHSALE_READ_CUSTOMERS", "1000",
            "FLASHSALE_GATEWAY_BIND_ADDRESS", "127.0.0.1", "FLASHSALE_GATEWAY_PORT", "0"));
        config.dataDirectory(data);
        return config;
    }

    private HttpRequest.Builder request(final int port, final String path, final String key, final String token)
    {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Content-Type", "application/json");
        if (key != null)
        {
            builder.header("X-Api-Key", key);
        }
        if (token != null)
        {
            builder.header("X-Customer-Token", token);
        }
        return builder;
    }

    private static HttpRequest.BodyPublisher json(final String body)
    {
        return HttpRequest.BodyPublishers.ofString(body);
    }

    /** Sends; an answer that says it is JSON must parse as one JSON value with nothing after it. */
    private HttpResponse<String> send(final HttpRequest.Builder request) throws Exception
    {
        final HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        final String type = response.headers().firstValue("content-type").orElse("");
        if (type.startsWith("application/json") || type.startsWith("application/problem+json"))
        {
            try (JsonParser parser = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build()
                .createParser(response.body()))
            {
                assertThat(parser.nextToken()).as("a JSON value: %s", response.body()).isNotNull();
                parser.skipChildren();
                assertThat(parser.nextToken()).as("nothing after the value: %s", response.body()).isNull();
            }
        }
        return response;
    }
}
