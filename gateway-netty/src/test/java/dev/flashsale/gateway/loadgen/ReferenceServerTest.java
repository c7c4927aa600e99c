package dev.flashsale.gateway.loadgen;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The reference server over real HTTP (JDK HttpClient), with a clock the test steps, and under the real load generator. */
@Timeout(60)
class ReferenceServerTest
{
    private static final Pattern CHECKOUT_ID = Pattern.compile("\"checkoutId\":\"(\\d+)\"");

    private final AtomicLong clockMs = new AtomicLong(1_800_000_000_000L);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    private ReferenceServer server;

    @AfterEach
    void stop()
    {
        if (server != null)
        {
            server.close();
        }
    }

    private ReferenceServer start()
    {
        return start(1_000_000);
    }

    private ReferenceServer start(final int capacity)
    {
        server = new ReferenceServer("127.0.0.1", 0, 2, 60_000, capacity, clockMs::get);
        return server;
    }

    @Test
    void reservesReplaysAndConfirmsLikeTheNode() throws Exception
    {
        start();
        final HttpResponse<String> sku = putSku("SHOE", 10, 3);
        assertThat(sku.statusCode()).isEqualTo(200);
        assertThat(sku.body()).contains("\"sku\":\"SHOE\"", "\"totalStock\":10", "\"available\":10", "\"held\":0");

        final HttpResponse<String> held = reserve(42, "k-1", "{\"customerId\":42,\"lines\":[{\"sku\":\"SHOE\",\"qty\":2}]}");
        assertThat(held.statusCode()).isEqualTo(201);
        assertThat(held.body()).contains("\"customerId\":42", "\"status\":\"HELD\"", "\"expiresAt\":",
            "{\"sku\":\"SHOE\",\"qty\":2,\"unitPriceMinor\":1999,\"currency\":\"EUR\"}", "\"totalMinor\":3998");
        final String id = checkoutId(held.body());
        assertThat(held.headers().firstValue("location")).hasValue("/v1/checkouts/" + id);
        assertThat(held.headers().firstValue("idempotent-replayed")).isEmpty();

        final HttpResponse<String> replay = reserve(42, "k-1", "{\"customerId\":42,\"lines\":[{\"sku\":\"SHOE\",\"qty\":2}]}");
        assertThat(replay.statusCode()).isEqualTo(201);
        assertThat(checkoutId(replay.body())).isEqualTo(id);
        assertThat(replay.headers().firstValue("idempotent-replayed")).hasValue("true");
        assertThat(server.store().sku("SHOE").held()).isEqualTo(2); // no second hold

        final HttpResponse<String> otherBody = reserve(42, "k-1", "{\"customerId\":42,\"lines\":[{\"sku\":\"SHOE\",\"qty\":1}]}");
        assertThat(otherBody.statusCode()).isEqualTo(422);
        assertThat(otherBody.body()).contains("\"code\":\"IDEMPOTENCY_MISMATCH\"");
        assertThat(reserve(43, "k-1", "{\"customerId\":43,\"lines\":[{\"sku\":\"SHOE\",\"qty\":1}]}").statusCode())
            .as("keys are scoped to the customer").isEqualTo(201);

        final HttpResponse<String> confirmed = confirm(42, id, "pay-1");
        assertThat(confirmed.statusCode()).isEqualTo(200);
        assertThat(confirmed.body()).contains("\"status\":\"CONFIRMED\"").doesNotContain("expiresAt");
        assertThat(confirm(42, id, "pay-1").headers().firstValue("idempotent-replayed")).hasValue("true");
        final HttpResponse<String> conflict = confirm(42, id, "pay-2");
        assertThat(conflict.statusCode()).isEqualTo(409);
        assertThat(conflict.body()).contains("\"code\":\"PAYMENT_CONFLICT\"", "\"checkoutId\":\"" + id + "\"",
            "\"checkoutStatus\":\"CONFIRMED\"");
        assertThat(cancel(42, id).body()).contains("\"code\":\"WRONG_STATE\"");
        assertThat(putSku("SHOE", 10, 3).body()).contains("\"available\":7", "\"held\":1", "\"sold\":2");
        assertThat(server.store().checkInvariants()).isNull();
    }

    @Test
    void refusesOverTheLimitAndWhenSoldOutAllOrNothing() throws Exception
    {
        start();
        putSku("A", 3, 2);
        putSku("B", 1, 5);
        putSku("C", 2, 5);

        final HttpResponse<String> limit = reserve(7, "k-1", "{\"customerId\":7,\"lines\":[{\"sku\":\"A\",\"qty\":3}]}");
        assertThat(limit.statusCode()).isEqualTo(422);
        assertThat(limit.body()).contains("\"code\":\"LIMIT_EXCEEDED\"", "\"status\":422");
        assertThat(limit.headers().firstValue("content-type")).hasValue("application/problem+json");

        assertThat(reserve(8, "k-1", "{\"customerId\":8,\"lines\":[{\"sku\":\"B\",\"qty\":1}]}").statusCode()).isEqualTo(201);
        final HttpResponse<String> soldOut = reserve(7, "k-2",
            "{\"customerId\":7,\"lines\":[{\"sku\":\"A\",\"qty\":1},{\"sku\":\"B\",\"qty\":1}]}");
        assertThat(soldOut.statusCode()).isEqualTo(409);
        assertThat(soldOut.body()).contains("\"code\":\"SOLD_OUT\"");
        assertThat(server.store().sku("A").available()).as("all or nothing").isEqualTo(3);

        final HttpResponse<String> insufficient = reserve(9, "k-1", "{\"customerId\":9,\"lines\":[{\"sku\":\"C\",\"qty\":3}]}");
        assertThat(insufficient.statusCode()).isEqualTo(409);
        assertThat(insufficient.body()).contains("\"code\":\"INSUFFICIENT_STOCK\"");
        assertThat(reserve(9, "k-2", "{\"customerId\":9,\"lines\":[{\"sku\":\"NOPE\",\"qty\":1}]}").statusCode()).isEqualTo(404);
        assertThat(putSku("B", 0, 5).body()).as("below held + sold").contains("\"code\":\"STOCK_BELOW_COMMITTED\"");
        assertThat(server.store().checkInvariants()).isNull();
    }

    @Test
    void cancelReturnsStockAndExpiredHoldsAreRefusedAndReturned() throws Exception
    {
        start();
        putSku("HOT", 2, 2);
        final String first = checkoutId(reserve(1, "k", "{\"customerId\":1,\"lines\":[{\"sku\":\"HOT\",\"qty\":1}]}").body());
        final String second = checkoutId(reserve(2, "k",
            "{\"customerId\":2,\"lines\":[{\"sku\":\"HOT\",\"qty\":1}],\"holdSeconds\":5}").body());
        assertThat(reserve(3, "k", "{\"customerId\":3,\"lines\":[{\"sku\":\"HOT\",\"qty\":1}]}").body()).contains("SOLD_OUT");

        assertThat(cancel(2, first).statusCode()).as("another customer's checkout does not exist").isEqualTo(404);
        final HttpResponse<String> released = cancel(1, first);
        assertThat(released.statusCode()).isEqualTo(200);
        assertThat(released.body()).contains("\"status\":\"RELEASED\"");
        assertThat(cancel(1, first).headers().firstValue("idempotent-replayed")).hasValue("true");
        assertThat(server.store().sku("HOT").available()).isEqualTo(1);

        clockMs.addAndGet(5_000);
        final HttpResponse<String> expired = confirm(2, second, "pay-late");
        assertThat(expired.statusCode()).isEqualTo(410);
        assertThat(expired.body()).contains("\"code\":\"HOLD_EXPIRED\"", "\"checkoutStatus\":\"EXPIRED\"");
        assertThat(server.store().sku("HOT").available()).isEqualTo(2);
        assertThat(server.store().checkInvariants()).isNull();
    }

    @Test
    void dueHoldsExpireOnTheNextRequestWithoutBeingTouched() throws Exception
    {
        start();
        putSku("HOT", 1, 1);
        assertThat(reserve(1, "k", "{\"customerId\":1,\"lines\":[{\"sku\":\"HOT\",\"qty\":1}],\"holdSeconds\":1}").statusCode())
            .isEqualTo(201);
        assertThat(reserve(2, "k", "{\"customerId\":2,\"lines\":[{\"sku\":\"HOT\",\"qty\":1}]}").statusCode()).isEqualTo(409);
        clockMs.addAndGet(1_000);
        assertThat(reserve(2, "k", "{\"customerId\":2,\"lines\":[{\"sku\":\"HOT\",\"qty\":1}]}").statusCode()).isEqualTo(201);
        assertThat(server.store().checkInvariants()).isNull();
    }

    @Test
    void aFullStoreAnswers503UntilFinishedCheckoutsPassTheirRetention() throws Exception
    {
        start(2);
        putSku("A", 10, 10);
        final String first = checkoutId(reserve(1, "k1", "{\"customerId\":1,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}").body());
        assertThat(reserve(1, "k2", "{\"customerId\":1,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}").statusCode()).isEqualTo(201);
        final HttpResponse<String> full = reserve(1, "k3", "{\"customerId\":1,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}");
        assertThat(full.statusCode()).isEqualTo(503);
        assertThat(full.body()).contains("\"code\":\"CAPACITY_EXHAUSTED\"");
        assertThat(full.headers().firstValue("retry-after")).hasValue("1");

        assertThat(cancel(1, first).statusCode()).isEqualTo(200);
        clockMs.addAndGet(60_000);
        assertThat(reserve(1, "k3", "{\"customerId\":1,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}").statusCode()).isEqualTo(201);
        assertThat(cancel(1, first).statusCode()).as("forgotten after the retention").isEqualTo(404);
        assertThat(server.store().checkInvariants()).isNull();
    }

    @Test
    void refusesWhatTheNodeRefusesBeforeDeciding() throws Exception
    {
        start();
        putSku("A", 5, 5);
        assertThat(reserve(1, "k", "{\"customerId\":1,\"lines\":[{\"sku\":\"A\",\"qty\":1}").body())
            .contains("\"code\":\"INVALID_REQUEST\"", "malformed JSON");
        assertThat(reserve(1, "k", "{\"customerId\":1,\"lines\":[{\"sku\":\"A\",\"qty\":\"1\"}]}").statusCode()).isEqualTo(400);
        assertThat(reserve(1, "k", "{\"customerId\":1,\"lines\":[],\"x\":1}").statusCode()).isEqualTo(400);
        assertThat(reserve(1, "k", "{\"customerId\":1,\"lines\":[{\"sku\":\"A\",\"qty\":1},{\"sku\":\"A\",\"qty\":1}]}")
            .statusCode()).isEqualTo(400);
        assertThat(reserve(1, "k", "{\"customerId\":2,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}").statusCode())
            .as("not the token's customer").isEqualTo(403);
        assertThat(reserve(1, "", "{\"customerId\":1,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}").statusCode())
            .as("no idempotency key").isEqualTo(400);
        assertThat(send(HttpRequest.newBuilder(uri("/v1/checkouts")).header("X-Customer-Token", token(1))
            .header("Idempotency-Key", "k").header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{}"))).statusCode()).as("no API key").isEqualTo(401);
        assertThat(send(HttpRequest.newBuilder(uri("/v1/checkouts")).header("X-Api-Key", "any")
            .header("Idempotency-Key", "k").header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{}"))).statusCode()).as("no customer token").isEqualTo(401);
        assertThat(send(HttpRequest.newBuilder(uri("/v1/checkouts")).header("X-Api-Key", "any")
            .header("X-Customer-Token", token(1)).header("Idempotency-Key", "k")
            .POST(HttpRequest.BodyPublishers.ofString("{}"))).statusCode()).as("no content type").isEqualTo(415);
        assertThat(send(HttpRequest.newBuilder(uri("/v1/checkouts")).header("X-Api-Key", "any").GET()).statusCode())
            .isEqualTo(405);
        assertThat(send(HttpRequest.newBuilder(uri("/v1/skus/A/availability")).header("X-Api-Key", "any").GET())
            .statusCode()).isEqualTo(404);
        assertThat(server.store().sku("A").available()).isEqualTo(5);
    }

    @Test
    void theLoadGeneratorRunsAgainstItUnchanged()
    {
        start();
        for (final LoadOptions.Scenario scenario : new LoadOptions.Scenario[] {LoadOptions.Scenario.HOT, LoadOptions.Scenario.SPREAD})
        {
            final LoadReport report = new LoadGenerator().run(new LoadOptions()
                .port(server.port()).scenario(scenario).connections(8).warmupSeconds(0).durationSeconds(1)
                .skus(50).skuPrefix(scenario.name() + "-").stockPerSku(scenario == LoadOptions.Scenario.HOT ? 300 : 1_000)
                .customers(10_000_000).perCustomerLimit(10).holdSeconds(5)
                .storefrontKey("storefront-key").adminKey("admin-key").serverPid(ProcessHandle.current().pid())
                .tokenSecret(Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32])));

            assertThat(report.errors()).as(report.summary()).isZero();
            assertThat(report.unanswered()).as(report.summary()).isZero();
            assertThat(report.answers(RequestKind.RESERVE, 201)).as(report.summary()).isPositive();
            assertThat(report.answers(RequestKind.CONFIRM, 200)).as(report.summary()).isPositive();
            assertThat(report.answers(RequestKind.CANCEL, 200)).as(report.summary()).isPositive();
            if (java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc/self/task")))
            {
                assertThat(report.serverCores()).as(report.summary()).isPositive(); // this process serves it
                assertThat(report.summary()).contains("answers per server core-second", "cpu threads", "flashsale-refer");
            }
            if (scenario == LoadOptions.Scenario.HOT)
            {
                assertThat(report.answers(RequestKind.RESERVE, 409)).as("the hot SKU sells out: " + report.summary()).isPositive();
            }
            for (int status = 400; status < 600; status++)
            {
                if (status != 409)
                {
                    assertThat(report.answers(status)).as(status + " in " + report.summary()).isZero();
                }
            }
        }
        assertThat(server.store().checkInvariants()).isNull();
    }

    private HttpResponse<String> putSku(final String sku, final long totalStock, final long limit) throws IOException, InterruptedException
    {
        return send(HttpRequest.newBuilder(uri("/v1/admin/skus/" + sku)).header("X-Api-Key", "admin")
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString("{\"totalStock\":" + totalStock + ",\"perCustomerLimit\":" + limit +
                ",\"priceMinor\":1999,\"currency\":\"EUR\"}")));
    }

    private HttpResponse<String> reserve(final long customerId, final String key, final String body)
        throws IOException, InterruptedException
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(uri("/v1/checkouts")).header("X-Api-Key", "storefront")
            .header("X-Customer-Token", token(customerId)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
        return send(key.isEmpty() ? request : request.header("Idempotency-Key", key));
    }

    private HttpResponse<String> confirm(final long customerId, final String checkoutId, final String paymentRef)
        throws IOException, InterruptedException
    {
        return send(HttpRequest.newBuilder(uri("/v1/checkouts/" + checkoutId + "/confirm")).header("X-Api-Key", "storefront")
            .header("X-Customer-Token", token(customerId)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"paymentRef\":\"" + paymentRef + "\"}")));
    }

    private HttpResponse<String> cancel(final long customerId, final String checkoutId) throws IOException, InterruptedException
    {
        return send(HttpRequest.newBuilder(uri("/v1/checkouts/" + checkoutId + "/cancel")).header("X-Api-Key", "storefront")
            .header("X-Customer-Token", token(customerId)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private HttpResponse<String> send(final HttpRequest.Builder request) throws IOException, InterruptedException
    {
        return client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(final String path)
    {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    /** The reference reads the customer and does not check the signature: any signature will do. */
    private static String token(final long customerId)
    {
        return customerId + ".4102444800.not-checked";
    }

    private static String checkoutId(final String body)
    {
        final Matcher matcher = CHECKOUT_ID.matcher(body);
        assertThat(matcher.find()).as(body).isTrue();
        return matcher.group(1);
    }
}
