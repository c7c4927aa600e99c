package dev.flashsale.gateway;

import dev.flashsale.engine.pipeline.InputStage;
import dev.flashsale.engine.pipeline.PipelineConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole API through a real gateway and pipeline, with the JDK HttpClient. */
@Timeout(60)
class GatewayApiTest
{
    private LiveGateway live;

    @AfterEach
    void stop()
    {
        if (live != null)
        {
            live.close();
        }
    }

    private LiveGateway start(final GatewayConfig config)
    {
        live = new LiveGateway(config, new PipelineConfig().inputRingSize(1024).outputRingSize(4096), List.of());
        return live;
    }

    @Test
    void aCheckoutLivesThroughReserveConfirmAndReads() throws Exception
    {
        final LiveGateway g = start(new GatewayConfig());
        assertThat(g.putSku("TSHIRT", 3, 2).statusCode()).isEqualTo(200);

        final HttpResponse<String> held = g.reserve(42, "k-1", "TSHIRT", 2);
        assertThat(held.statusCode()).isEqualTo(201);
        final String id = LiveGateway.checkoutId(held);
        assertThat(held.headers().firstValue("Location")).hasValue("/v1/checkouts/" + id);
        assertThat(Json.object(held.body())).containsEntry("status", "HELD").containsKey("expiresAt");

        final HttpResponse<String> read = g.send(g.storefront("/v1/checkouts/" + id, 42));
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(Json.object(read.body())).containsEntry("status", "HELD");

        final HttpResponse<String> foreign = g.send(g.storefront("/v1/checkouts/" + id, 43));
        assertThat(foreign.statusCode()).isEqualTo(404);
        assertThat(Json.object(foreign.body())).containsEntry("code", "CHECKOUT_NOT_FOUND");

        final HttpResponse<String> confirmed = g.send(g.storefront("/v1/checkouts/" + id + "/confirm", 42)
            .header("Content-Type", "application/json").POST(LiveGateway.json("{\"paymentRef\":\"pay-1\"}")));
        assertThat(confirmed.statusCode()).isEqualTo(200);
        assertThat(Json.object(confirmed.body())).containsEntry("status", "CONFIRMED");
        final HttpResponse<String> again = g.send(g.storefront("/v1/checkouts/" + id + "/confirm", 42)
            .header("Content-Type", "application/json").POST(LiveGateway.json("{\"paymentRef\":\"pay-1\"}")));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        final HttpResponse<String> conflict = g.send(g.storefront("/v1/checkouts/" + id + "/confirm", 42)
            .header("Content-Type", "application/json").POST(LiveGateway.json("{\"paymentRef\":\"pay-2\"}")));
        assertThat(conflict.statusCode()).isEqualTo(409);
        assertThat(Json.object(conflict.body())).containsEntry("code", "PAYMENT_CONFLICT");
        final HttpResponse<String> cancelConfirmed = g.send(g.storefront("/v1/checkouts/" + id + "/cancel", 42)
            .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(cancelConfirmed.statusCode()).isEqualTo(409);
        assertThat(Json.object(cancelConfirmed.body())).containsEntry("code", "WRONG_STATE");

        final HttpResponse<String> limit = g.reserve(42, "k-2", "TSHIRT", 1);
        assertThat(limit.statusCode()).isEqualTo(422);
        assertThat(Json.object(limit.body())).containsEntry("code", "LIMIT_EXCEEDED");
        final HttpResponse<String> last = g.reserve(7, "k-3", "TSHIRT", 1);
        assertThat(last.statusCode()).isEqualTo(201);
        final HttpResponse<String> cancelled = g.send(g.storefront("/v1/checkouts/" + LiveGateway.checkoutId(last) + "/cancel", 7)
            .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(cancelled.statusCode()).isEqualTo(200);
        assertThat(Json.object(cancelled.body())).containsEntry("status", "RELEASED");
        assertThat(g.reserve(8, "k-4", "TSHIRT", 1).statusCode()).isEqualTo(201);
        final HttpResponse<String> soldOut = g.reserve(9, "k-5", "TSHIRT", 1);
        assertThat(soldOut.statusCode()).isEqualTo(409);
        assertThat(soldOut.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(Json.object(soldOut.body())).containsEntry("code", "SOLD_OUT").containsEntry("status", 409L)
            .containsEntry("type", "urn:flashsale:problem:sold-out");
        final HttpResponse<String> mismatch = g.reserve(7, "k-3", "TSHIRT", 2);
        assertThat(mismatch.statusCode()).isEqualTo(422);
        assertThat(Json.object(mismatch.body())).containsEntry("code", "IDEMPOTENCY_MISMATCH");

        final HttpResponse<String> availability = g.send(g.storefront("/v1/skus/TSHIRT/availability", 0));
        assertThat(availability.statusCode()).isEqualTo(200);
        assertThat(Json.object(availability.body())).containsEntry("available", 0L).containsEntry("held", 1L).containsEntry("sold", 2L)
            .containsEntry("soldOut", true);
        final HttpResponse<String> metrics = g.send(java.net.http.HttpRequest.newBuilder(g.uri("/metrics")));
        assertThat(metrics.body()).contains("flashsale_http_requests_total{route=\"reserve\",status=\"201\"} 3",
            "flashsale_sku_units{sku=\"TSHIRT\",state=\"sold\"} 2", "flashsale_engine_results_total{command=\"reserve\",code=\"SOLD_OUT\"} 1",
            "flashsale_input_ring_used");
    }

    @Test
    void theMetricsPageIsPrometheusTextInBaseUnitsWithEverySeriesFromZeroAndTheJvms() throws Exception
    {
        final LiveGateway g = start(new GatewayConfig().metricsTopSkus(1));
        assertThat(g.putSku("QUIET", 5, 2).statusCode()).isEqualTo(200);
        assertThat(g.putSku("BUSY", 5, 2).statusCode()).isEqualTo(200);
        assertThat(g.reserve(42, "k-1", "BUSY", 2).statusCode()).isEqualTo(201);
        Thread.sleep(1_100); // the page is rendered at most once a second

        final HttpResponse<String> response = g.send(HttpRequest.newBuilder(g.uri("/metrics")));
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        final PrometheusPage page = PrometheusPage.parse(response.body());

        assertThat(page.find("flashsale_http_requests_total", java.util.Map.of("route", "reserve", "status", "201")))
            .extracting(PrometheusPage.Sample::value).containsExactly(1.0);
        assertThat(page.find("flashsale_http_requests_total", java.util.Map.of("route", "cancel", "status", "503")))
            .as("a status never answered yet is there as 0").extracting(PrometheusPage.Sample::value).containsExactly(0.0);
        assertThat(page.find("flashsale_http_request_duration_seconds_count", java.util.Map.of("route", "confirm")))
            .extracting(PrometheusPage.Sample::value).containsExactly(0.0);
        assertThat(page.find("flashsale_engine_results_total", java.util.Map.of("command", "confirm", "code", "SOLD_OUT")))
            .extracting(PrometheusPage.Sample::value).containsExactly(0.0);
        assertThat(page.find("flashsale_sku_units", java.util.Map.of())).as("the busiest SKU only")
            .allSatisfy(sample -> assertThat(sample.labels()).containsEntry("sku", "BUSY")).hasSize(4);
        assertThat(page.find("flashsale_skus", java.util.Map.of())).extracting(PrometheusPage.Sample::value).containsExactly(2.0);
        assertThat(page.find("flashsale_build_info", java.util.Map.of())).extracting(PrometheusPage.Sample::value)
            .containsExactly(1.0);
        assertThat(page.find("jvm_memory_used_bytes", java.util.Map.of("area", "heap"))).isNotEmpty();
        assertThat(page.find("process_cpu_seconds_total", java.util.Map.of())).isNotEmpty();

        for (final java.util.Map.Entry<String, String> family : page.types.entrySet())
        {
            assertThat(family.getKey()).as("base units, no _ms").doesNotEndWith("_ms").doesNotContain("_millis");
            if (family.getKey().startsWith("flashsale_") && family.getValue().equals("counter"))
            {
                assertThat(family.getKey()).as("a counter's name").endsWith("_total");
            }
        }
    }

    @Test
    void adminRoutesManageStockAndNeedAnAdminKey() throws Exception
    {
        final LiveGateway g = start(new GatewayConfig());
        assertThat(g.putSku("S1", 5, 5).statusCode()).isEqualTo(200);
        final HttpResponse<String> restock = g.send(g.admin("/v1/admin/skus/S1/restock").header("Content-Type", "application/json")
            .POST(LiveGateway.json("{\"quantity\":5}")));
        assertThat(Json.object(restock.body())).containsEntry("totalStock", 10L).containsEntry("available", 10L);
        assertThat(restock.headers().firstValue("Cache-Control")).hasValue("no-store");
        final HttpResponse<String> adjust = g.send(g.admin("/v1/admin/skus/S1/adjust").header("Content-Type", "application/json")
            .POST(LiveGateway.json("{\"totalStock\":7}")));
        assertThat(Json.object(adjust.body())).containsEntry("totalStock", 7L);
        assertThat(Json.object(g.send(g.admin("/v1/admin/skus/S1/pause").POST(HttpRequest.BodyPublishers.noBody())).body()))
            .containsEntry("paused", true);
        assertThat(Json.object(g.reserve(1, "p", "S1", 1).body())).containsEntry("code", "SALE_PAUSED");
        assertThat(Json.object(g.send(g.admin("/v1/admin/skus/S1/resume").POST(HttpRequest.BodyPublishers.noBody())).body()))
            .containsEntry("paused", false);
        assertThat(g.reserve(1, "p", "S1", 1).statusCode()).isEqualTo(201);
        assertThat(Json.object(g.send(g.admin("/v1/admin/skus/S1")).body())).containsEntry("held", 1L);
        assertThat(g.send(g.admin("/v1/admin/skus/NOPE")).statusCode()).isEqualTo(404);
        final HttpResponse<String> below = g.send(g.admin("/v1/admin/skus/S1/adjust").header("Content-Type", "application/json")
            .POST(LiveGateway.json("{\"totalStock\":0}")));
        assertThat(below.statusCode()).isEqualTo(409);
        assertThat(Json.object(below.body())).containsEntry("code", "STOCK_BELOW_COMMITTED");

        final HttpResponse<String> byStorefront = g.send(g.storefront("/v1/admin/skus/S1/restock", 0)
            .header("Content-Type", "application/json").POST(LiveGateway.json("{\"quantity\":5}")));
        assertThat(byStorefront.statusCode()).isEqualTo(403);
        final HttpResponse<String> adminReserves = g.send(g.admin("/v1/checkouts").header("X-Customer-Token", g.token(1))
            .header("Idempotency-Key", "x").header("Content-Type", "application/json")
            .POST(LiveGateway.json("{\"customerId\":1,\"lines\":[{\"sku\":\"S1\",\"qty\":1}]}")));
        assertThat(adminReserves.statusCode()).isEqualTo(403);
    }

    @Test
    void authenticationAndValidationErrorsAreProblemsAndEnqueueNothing() throws Exception
    {
        final LiveGateway g = start(new GatewayConfig());
        g.putSku("S1", 5, 5);
        // The engine's sequence moves at the end of its batch, which can be after the answer went out.
        final long applied = g.pipeline.publishedSequence();
        assertThat(g.pipeline.awaitApplied(applied, 5_000)).isTrue();
        final String body = "{\"customerId\":1,\"lines\":[{\"sku\":\"S1\",\"qty\":1}]}";
        final List<HttpResponse<String>> refused = new ArrayList<>();
        refused.add(g.send(HttpRequest.newBuilder(g.uri("/v1/checkouts")).POST(LiveGateway.json(body))));
        refused.add(g.send(HttpRequest.newBuilder(g.uri("/v1/checkouts")).header("X-Api-Key", "wrong").POST(LiveGateway.json(body))));
        refused.add(g.send(g.storefront("/v1/checkouts", 0).header("Idempotency-Key", "a").POST(LiveGateway.json(body))));
        refused.add(g.send(g.storefront("/v1/checkouts", 0).header("X-Customer-Token", "1.9999999999.forged")
            .header("Idempotency-Key", "a").POST(LiveGateway.json(body))));
        refused.add(g.send(g.storefront("/v1/checkouts", 1).header("Content-Type", "application/json").POST(LiveGateway.json(body))));
        refused.add(g.send(g.storefront("/v1/checkouts", 1).header("Idempotency-Key", "a b")
            .header("Content-Type", "application/json").POST(LiveGateway.json(body))));
        refused.add(g.send(g.storefront("/v1/checkouts", 1).header("Idempotency-Key", "a")
            .header("Content-Type", "text/plain").POST(LiveGateway.json(body))));
        refused.add(g.send(g.storefront("/v1/checkouts", 2).header("Idempotency-Key", "a")
            .header("Content-Type", "application/json").POST(LiveGateway.json(body))));
        refused.add(g.send(g.storefront("/v1/checkouts/abc", 1)));
        refused.add(g.send(g.storefront("/v1/skus/bad%20sku/availability", 0)));
        refused.add(g.send(g.storefront("/v1/checkouts", 1).DELETE()));
        refused.add(g.send(g.storefront("/v2/anything", 1)));
        refused.add(g.send(g.storefront("/v1/me/orders", 1))); // this gateway runs without read services
        assertThat(refused).extracting(HttpResponse::statusCode)
            .containsExactly(401, 401, 401, 401, 400, 400, 415, 403, 400, 400, 405, 404, 503);
        for (final HttpResponse<String> response : refused)
        {
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(Json.object(response.body())).containsKeys("type", "title", "status", "detail", "code")
                .hasEntrySatisfying("type", type -> assertThat((String)type).startsWith("urn:flashsale:problem:"));
        }
        assertThat(refused.get(0).headers().firstValue("WWW-Authenticate")).isPresent();
        assertThat(refused.get(10).headers().firstValue("Allow")).hasValue("POST");
        assertThat(g.pipeline.appliedSequence()).isEqualTo(applied);
    }

    @Test
    void rateLimitsPerCustomerAndPerKeyAnswer429WithRetryAfter() throws Exception
    {
        final LiveGateway g = start(new GatewayConfig().customerRatePerSecond(1).customerBurst(3)
            .clientRatePerSecond(1).clientBurst(10));
        g.putSku("S1", 100, 100);
        final List<Integer> customer = new ArrayList<>();
        for (int i = 0; i < 5; i++)
        {
            customer.add(g.send(g.storefront("/v1/checkouts/1", 5)).statusCode());
        }
        assertThat(customer).containsExactly(404, 404, 404, 429, 429);
        final HttpResponse<String> limited = g.send(g.storefront("/v1/checkouts/1", 5));
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(Json.object(limited.body())).containsEntry("code", "RATE_LIMITED");
        // The key's bucket (10) is nearly spent by the six requests above: the rest of the burst, then 429 for anyone.
        final List<Integer> key = new ArrayList<>();
        for (int i = 0; i < 5; i++)
        {
            key.add(g.send(g.storefront("/v1/skus/S1/availability", 0)).statusCode());
        }
        assertThat(key).containsExactly(200, 200, 200, 200, 429);
    }

    @Test
    void aFullInputRingAnswers503AtOnceAndNothingIsEnqueued() throws Exception
    {
        final Semaphore gate = new Semaphore(0);
        final CountDownLatch held = new CountDownLatch(1);
        final InputStage slowJournal = LiveGateway.inputStage("slow-journal", slot ->
        {
            held.countDown();
            gate.acquire();
        });
        live = new LiveGateway(new GatewayConfig(), new PipelineConfig().inputRingSize(2).outputRingSize(16).tickIntervalMs(0),
            List.of(slowJournal));
        final LiveGateway g = live;
        final List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        for (int i = 0; i < 2; i++)
        {
            waiting.add(g.client.sendAsync(g.storefront("/v1/skus/S" + i + "/availability", 0).build(),
                LiveGateway.BODY));
            if (i == 0)
            {
                assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
            }
        }
        awaitRingFull(g);
        final HttpResponse<String> full = g.send(g.storefront("/v1/skus/S9/availability", 0));
        assertThat(full.statusCode()).isEqualTo(503);
        assertThat(full.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(Json.object(full.body())).containsEntry("code", "OVERLOADED").containsEntry("detail", "the input ring is full");
        gate.release(100);
        for (final CompletableFuture<HttpResponse<String>> response : waiting)
        {
            assertThat(response.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(404);
        }
        assertThat(g.pipeline.appliedSequence()).as("the refused request never reached the engine").isEqualTo(2);
    }

    private static void awaitRingFull(final LiveGateway g) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (g.pipeline.inputRingRemaining() > 0 && System.nanoTime() < deadline)
        {
            Thread.sleep(5);
        }
        assertThat(g.pipeline.inputRingRemaining()).isZero();
    }

    @Test
    void aSuccessLeavesOnlyAfterItsInputPassedTheJournalStage() throws Exception
    {
        final Semaphore gate = new Semaphore(0);
        final CountDownLatch seen = new CountDownLatch(1);
        final java.util.concurrent.atomic.AtomicLong journaled = new java.util.concurrent.atomic.AtomicLong();
        final InputStage journal = LiveGateway.inputStage("journal", slot ->
        {
            if (slot.correlationId() != 0)
            {
                seen.countDown();
                gate.acquire();
                journaled.set(slot.inputSequence());
            }
        });
        live = new LiveGateway(new GatewayConfig(), new PipelineConfig().inputRingSize(64).outputRingSize(64).tickIntervalMs(0),
            List.of(journal));
        final LiveGateway g = live;
        gate.release(); // let the SKU through
        assertThat(g.putSku("S1", 5, 5).statusCode()).isEqualTo(200);
        final long skuInput = journaled.get();
        final CompletableFuture<HttpResponse<String>> reserve = g.client.sendAsync(g.storefront("/v1/checkouts", 1)
            .header("Idempotency-Key", "d").header("Content-Type", "application/json")
            .POST(LiveGateway.json("{\"customerId\":1,\"lines\":[{\"sku\":\"S1\",\"qty\":1}]}")).build(), LiveGateway.BODY);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (g.pipeline.publishedSequence() <= skuInput && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
        // The input is in the ring, held by the journal stage: the engine has not decided it, nobody is answered.
        Thread.sleep(200);
        assertThat(reserve).isNotDone();
        assertThat(g.pipeline.appliedSequence()).isEqualTo(skuInput);
        gate.release(100);
        final HttpResponse<String> response = reserve.get(10, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(journaled.get()).isEqualTo(skuInput + 1);
    }

    @Test
    void aRequestTheEngineDoesNotAnswerInTimeGets503AndTheLateAnswerIsDropped() throws Exception
    {
        final Semaphore gate = new Semaphore(0);
        final InputStage stalledJournal = LiveGateway.inputStage("stalled-journal", slot ->
        {
            gate.acquire();
        });
        live = new LiveGateway(new GatewayConfig().engineTimeoutMs(300),
            new PipelineConfig().inputRingSize(64).outputRingSize(64).tickIntervalMs(0), List.of(stalledJournal));
        final LiveGateway g = live;
        final HttpResponse<String> stalled = g.send(g.storefront("/v1/skus/S1/availability", 0));
        assertThat(stalled.statusCode()).isEqualTo(503);
        assertThat(Json.object(stalled.body())).containsEntry("code", "NOT_READY").containsEntry("detail",
            "the engine did not answer within 300 ms; its outcome is unknown, retry with the same Idempotency-Key");
        gate.release(1_000);
        final HttpResponse<String> next = g.send(g.storefront("/v1/skus/S1/availability", 0));
        assertThat(next.statusCode()).as("the late answer of the first request went nowhere").isEqualTo(404);
        // The engine's sequence moves at the end of its batch, which can be after the answer went out.
        assertThat(g.pipeline.awaitApplied(2, 5_000)).as("both inputs applied").isTrue();
        assertThat(g.pipeline.appliedSequence()).isEqualTo(2);
    }

    @Test
    void connectionsBeyondTheLimitAreClosedAtOnceAndTheOthersKeepWorking() throws Exception
    {
        final LiveGateway g = start(new GatewayConfig().maxConnections(3));
        // The client's pooled keep-alive connection is the first of three.
        assertThat(g.send(HttpRequest.newBuilder(g.uri("/health/live"))).statusCode()).isEqualTo(200);
        try (java.net.Socket second = new java.net.Socket("127.0.0.1", g.gateway.port());
             java.net.Socket third = new java.net.Socket("127.0.0.1", g.gateway.port());
             java.net.Socket flood = new java.net.Socket("127.0.0.1", g.gateway.port()))
        {
            flood.setSoTimeout(5_000);
            assertThat(flood.getInputStream().read()).as("closed without an answer").isEqualTo(-1);
            second.setSoTimeout(5_000);
            second.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            final byte[] answer = new byte[64];
            final int read = second.getInputStream().read(answer);
            assertThat(new String(answer, 0, read, java.nio.charset.StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
            final String metrics = g.send(HttpRequest.newBuilder(g.uri("/metrics"))).body();
            assertThat(metrics).contains("flashsale_http_connections_refused_total 1", "flashsale_http_connections_opened_total 3");
        }
    }

    @Test
    void whenTheJournalStageFailsWaitingRequestsGet503AndTheNodeIsNotReady() throws Exception
    {
        final InputStage brokenJournal = LiveGateway.inputStage("broken-journal", slot ->
        {
            if (slot.correlationId() != 0)
            {
                throw new IllegalStateException("disk gone");
            }
        });
        live = new LiveGateway(new GatewayConfig(), new PipelineConfig().inputRingSize(64).outputRingSize(64).tickIntervalMs(0),
            List.of(brokenJournal));
        final LiveGateway g = live;
        final HttpResponse<String> waiting = g.send(g.storefront("/v1/skus/S1/availability", 0));
        assertThat(waiting.statusCode()).isEqualTo(503);
        assertThat(Json.object(waiting.body())).containsEntry("code", "NOT_READY").containsEntry("detail",
            "the node stopped before deciding this request; its outcome is unknown, retry with the same Idempotency-Key");
        final HttpResponse<String> ready = g.send(HttpRequest.newBuilder(g.uri("/health/ready")));
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(g.send(g.storefront("/v1/skus/S1/availability", 0)).statusCode()).isEqualTo(503);
    }

    @Test
    void servesHealthAndTheOpenApiDocument() throws Exception
    {
        final LiveGateway g = start(new GatewayConfig());
        assertThat(g.send(HttpRequest.newBuilder(g.uri("/health/live"))).statusCode()).isEqualTo(200);
        assertThat(g.send(HttpRequest.newBuilder(g.uri("/health/ready"))).statusCode()).isEqualTo(200);
        final HttpResponse<String> openApi = g.send(HttpRequest.newBuilder(g.uri("/openapi.yaml")));
        assertThat(openApi.statusCode()).isEqualTo(200);
        assertThat(openApi.body()).startsWith("openapi: 3").contains("/v1/checkouts");
        g.pipeline.shutdown();
        final HttpResponse<String> notReady = g.send(HttpRequest.newBuilder(g.uri("/health/ready")));
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(g.reserve(1, "x", "S1", 1).statusCode()).isEqualTo(503);
    }
}
