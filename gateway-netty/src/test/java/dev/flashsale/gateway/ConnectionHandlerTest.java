package dev.flashsale.gateway;

import dev.flashsale.engine.EngineConfig;
import dev.flashsale.gateway.EmbeddedGateway.Response;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The connection handlers on an EmbeddedChannel: codec limits, ordering, timeouts, caching. */
class ConnectionHandlerTest
{
    private static final String SKU_BODY = "{\"totalStock\":10,\"perCustomerLimit\":2,\"priceMinor\":1999,\"currency\":\"EUR\"}";

    private final EmbeddedGateway gateway = new EmbeddedGateway(new GatewayConfig()
        .maxInitialLineBytes(256).maxHeaderBytes(1024).maxBodyBytes(1024).requestTimeoutMs(1000).idleTimeoutMs(5000)
        .maxInFlightPerConnection(4), new EngineConfig());

    private static String reserveBody(final long customer, final String sku, final int qty)
    {
        return "{\"customerId\":" + customer + ",\"lines\":[{\"sku\":\"" + sku + "\",\"qty\":" + qty + "}]}";
    }

    @Test
    void createsASkuAndReservesIt()
    {
        final EmbeddedChannel channel = gateway.channel();
        final Response created = EmbeddedGateway.exchange(channel, gateway.admin("PUT", "/v1/admin/skus/HOT", SKU_BODY)).get(0);
        assertThat(created.status()).isEqualTo(200);
        assertThat(Json.object(created.body())).containsEntry("available", 10L);

        final Response held = EmbeddedGateway.exchange(channel,
            gateway.request("POST", "/v1/checkouts", 7, "key-1", reserveBody(7, "HOT", 2))).get(0);
        assertThat(held.status()).isEqualTo(201);
        assertThat(held.header("content-type")).isEqualTo("application/json");
        assertThat(held.header("location")).startsWith("/v1/checkouts/");
        final java.util.Map<String, Object> checkout = Json.object(held.body());
        assertThat(checkout).containsEntry("status", "HELD").containsEntry("totalMinor", 3998L).containsEntry("currency", "EUR");
        assertThat(checkout.get("lines")).isEqualTo(List.of(java.util.Map.of("sku", "HOT", "qty", 2L, "unitPriceMinor", 1999L, "currency", "EUR")));
        assertThat(held.header("idempotent-replayed")).isNull();

        final Response replay = EmbeddedGateway.exchange(channel,
            gateway.request("POST", "/v1/checkouts", 7, "key-1", reserveBody(7, "HOT", 2))).get(0);
        assertThat(replay.status()).isEqualTo(201);
        assertThat(replay.header("idempotent-replayed")).isEqualTo("true");
        assertThat(replay.body()).isEqualTo(held.body());
    }

    @Test
    void answersPipelinedRequestsInOrder()
    {
        final EmbeddedChannel channel = gateway.channel();
        EmbeddedGateway.exchange(channel, gateway.admin("PUT", "/v1/admin/skus/HOT", SKU_BODY));
        final String pipelined = gateway.request("GET", "/v1/skus/HOT/availability", 0, null, null) +
            gateway.request("GET", "/nowhere", 0, null, null) +
            gateway.request("POST", "/v1/checkouts", 7, "k", reserveBody(7, "HOT", 1)) +
            gateway.request("POST", "/v1/checkouts", 7, "k2", "{") +
            gateway.request("GET", "/v1/skus/HOT/availability", 0, null, null);
        final List<Response> responses = EmbeddedGateway.exchange(channel, pipelined);
        assertThat(responses).extracting(Response::status).containsExactly(200, 404, 201, 400, 200);
        assertThat(Json.object(responses.get(0).body())).containsEntry("available", 10L);
        assertThat(Json.object(responses.get(4).body())).containsEntry("available", 9L);
    }

    @Test
    void theAnswersOfOneEngineBatchComeBackInOneTaskAndOneFlush()
    {
        final EmbeddedChannel channel = gateway.channel();
        EmbeddedGateway.exchange(channel, gateway.admin("PUT", "/v1/admin/skus/HOT", SKU_BODY));
        final java.util.concurrent.atomic.AtomicInteger flushes = new java.util.concurrent.atomic.AtomicInteger();
        channel.pipeline().addFirst(new io.netty.channel.ChannelOutboundHandlerAdapter()
        {
            @Override
            public void flush(final io.netty.channel.ChannelHandlerContext ctx)
            {
                flushes.incrementAndGet();
                ctx.flush();
            }
        });
        gateway.backend.holdOutputs = true;
        final StringBuilder four = new StringBuilder();
        for (int c = 1; c <= 4; c++)
        {
            four.append(gateway.request("POST", "/v1/checkouts", c, "k" + c, reserveBody(c, "HOT", 1)));
        }
        channel.writeInbound(io.netty.buffer.Unpooled.copiedBuffer(four, java.nio.charset.StandardCharsets.ISO_8859_1));
        channel.runPendingTasks();
        assertThat(EmbeddedGateway.drain(channel)).as("nothing answered before the batch ends").isEmpty();

        flushes.set(0);
        gateway.backend.endBatch();
        channel.runPendingTasks(); // the hand-back task the responder scheduled at the batch end
        final List<Response> answers = EmbeddedGateway.drain(channel);
        assertThat(answers).extracting(Response::status).containsExactly(201, 201, 201, 201);
        assertThat(flushes.get()).as("one flush for the four answers of the batch").isEqualTo(1);
    }

    @Test
    void answersQueuedInABatchThatNeverEndedAreDeliveredWhenThePipelineStops()
    {
        final EmbeddedChannel channel = gateway.channel();
        EmbeddedGateway.exchange(channel, gateway.admin("PUT", "/v1/admin/skus/HOT", SKU_BODY));
        gateway.backend.holdOutputs = true;
        channel.writeInbound(io.netty.buffer.Unpooled.copiedBuffer(
            gateway.request("POST", "/v1/checkouts", 3, "k3", reserveBody(3, "HOT", 1)), java.nio.charset.StandardCharsets.ISO_8859_1));
        channel.runPendingTasks();
        gateway.backend.deliverWithoutBatchEnd(); // a stage failed after the responder took the result
        channel.runPendingTasks();
        assertThat(EmbeddedGateway.drain(channel)).as("queued, never handed back").isEmpty();

        gateway.backend.responder.handBackPending(); // what Gateway.onPipelineFailure does
        channel.runPendingTasks();
        assertThat(EmbeddedGateway.drain(channel)).extracting(Response::status).containsExactly(201);
    }

    @Test
    void anUnexpectedFailureIsA500InItsPlaceWithoutItsMessageThenTheConnectionCloses()
    {
        final EmbeddedChannel channel = gateway.channel();
        EmbeddedGateway.exchange(channel, gateway.admin("PUT", "/v1/admin/skus/HOT", SKU_BODY));
        gateway.backend.defect = new IllegalStateException("secret: /var/lib/flashsale/journal is gone");
        final List<Response> responses = EmbeddedGateway.exchange(channel, gateway.request("GET", "/health/live", 0, null, null) +
            gateway.request("GET", "/v1/skus/HOT/availability", 0, null, null) + gateway.request("GET", "/health/live", 0, null, null));
        assertThat(responses).extracting(Response::status).as("the answer before it is not lost").containsExactly(200, 500);
        assertThat(Json.object(responses.get(1).body())).containsEntry("code", "INTERNAL_ERROR")
            .containsEntry("detail", "the request failed; the node's log has the cause");
        assertThat(responses.get(1).header("connection")).isEqualTo("close");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void refusesPipelinedRequestsBeyondTheInFlightBoundWithoutEnqueueing()
    {
        final EmbeddedChannel channel = gateway.channel();
        EmbeddedGateway.exchange(channel, gateway.admin("PUT", "/v1/admin/skus/HOT", SKU_BODY));
        final int before = gateway.backend.publishedTemplates.size();
        // The sync backend answers at once, but the answers wait for the event loop: eight requests in one read.
        final StringBuilder many = new StringBuilder();
        for (int i = 0; i < 8; i++)
        {
            many.append(gateway.request("GET", "/v1/skus/HOT/availability", 0, null, null));
        }
        channel.writeInbound(io.netty.buffer.Unpooled.copiedBuffer(many, java.nio.charset.StandardCharsets.ISO_8859_1));
        channel.runPendingTasks();
        final List<Response> responses = EmbeddedGateway.drain(channel);
        assertThat(responses).extracting(Response::status).containsExactly(200, 200, 200, 200, 503, 503, 503, 503);
        assertThat(responses.get(4).header("retry-after")).isEqualTo("1");
        assertThat(gateway.backend.publishedTemplates.size() - before).isEqualTo(4);
    }

    @Test
    void availabilityCarriesCachingHeadersAndAnswers304ToAMatchingETag()
    {
        final EmbeddedChannel channel = gateway.channel();
        EmbeddedGateway.exchange(channel, gateway.admin("PUT", "/v1/admin/skus/HOT", SKU_BODY));
        final Response first = EmbeddedGateway.exchange(channel, gateway.request("GET", "/v1/skus/HOT/availability", 0, null, null)).get(0);
        assertThat(first.header("cache-control")).isEqualTo("public, max-age=1");
        final String etag = first.header("etag");
        assertThat(etag).matches("\"[0-9a-f]+\"");

        final String conditional = gateway.request("GET", "/v1/skus/HOT/availability", 0, null, null)
            .replace("Host: test\r\n", "Host: test\r\nIf-None-Match: " + etag + "\r\n");
        final Response notModified = EmbeddedGateway.exchange(channel, conditional).get(0);
        assertThat(notModified.status()).isEqualTo(304);
        assertThat(notModified.body()).isEmpty();
        assertThat(notModified.header("etag")).isEqualTo(etag);

        EmbeddedGateway.exchange(channel, gateway.request("POST", "/v1/checkouts", 7, "k", reserveBody(7, "HOT", 1)));
        final Response changed = EmbeddedGateway.exchange(channel, conditional).get(0);
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.header("etag")).isNotEqualTo(etag);
    }

    @Test
    void refusesOversizedLinesHeadersAndBodiesAndCloses()
    {
        final EmbeddedChannel line = gateway.channel();
        final Response uri = EmbeddedGateway.exchange(line, "GET /" + "a".repeat(400) + " HTTP/1.1\r\nHost: x\r\n\r\n").get(0);
        assertThat(uri.status()).isEqualTo(414);
        assertThat(uri.header("content-type")).isEqualTo("application/problem+json");
        assertThat(Json.object(uri.body())).containsEntry("code", "URI_TOO_LONG");
        assertThat(line.isOpen()).isFalse();

        final EmbeddedChannel headers = gateway.channel();
        final Response header = EmbeddedGateway.exchange(headers, "GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: " +
            "b".repeat(2000) + "\r\n\r\n").get(0);
        assertThat(header.status()).isEqualTo(431);
        assertThat(headers.isOpen()).isFalse();

        final EmbeddedChannel body = gateway.channel();
        final Response tooLarge = EmbeddedGateway.exchange(body, gateway.request("POST", "/v1/checkouts", 7, "k",
            "{\"customerId\":7,\"pad\":\"" + "c".repeat(2000) + "\"}")).get(0);
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(Json.object(tooLarge.body())).containsEntry("code", "PAYLOAD_TOO_LARGE");
        assertThat(body.isOpen()).isFalse();
        assertThat(gateway.backend.publishedTemplates).isEmpty();
    }

    @Test
    void refusesGarbageAsBadRequestAndCloses()
    {
        final EmbeddedChannel channel = gateway.channel();
        final List<Response> responses = EmbeddedGateway.exchange(channel, "\u0001\u0002 nonsense \r\n\r\n");
        assertThat(responses).extracting(Response::status).containsExactly(400);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aSlowRequestTimesOutWith408AndTheConnectionCloses()
    {
        final EmbeddedChannel channel = gateway.channel();
        final String request = gateway.request("GET", "/health/live", 0, null, null);
        assertThat(EmbeddedGateway.exchange(channel, request.substring(0, 10))).isEmpty();
        channel.advanceTimeBy(1500, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
        final List<Response> responses = EmbeddedGateway.drain(channel);
        assertThat(responses).extracting(Response::status).containsExactly(408);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aPartialRequestBehindACompleteOneInTheSameReadStillTimesOut()
    {
        final String request = gateway.request("GET", "/health/live", 0, null, null);
        for (final int partial : new int[] {2, 30, request.length() - 3}) // request line, headers, all but the end
        {
            final EmbeddedChannel channel = gateway.channel();
            assertThat(EmbeddedGateway.exchange(channel, request + request.substring(0, partial)))
                .extracting(Response::status).as("the complete one is answered").containsExactly(200);
            channel.advanceTimeBy(1500, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
            channel.runPendingTasks();
            assertThat(EmbeddedGateway.drain(channel)).extracting(Response::status).as("%d bytes of the next", partial)
                .containsExactly(408);
            assertThat(channel.isOpen()).isFalse();
        }
    }

    @Test
    void aRequestCompletedInALaterReadIsTimedFromItsOwnFirstByte()
    {
        final EmbeddedChannel channel = gateway.channel();
        final String request = gateway.request("GET", "/health/live", 0, null, null);
        assertThat(EmbeddedGateway.exchange(channel, request.substring(0, 10))).isEmpty();
        channel.advanceTimeBy(900, TimeUnit.MILLISECONDS);
        // the first one completes, and the second starts, in the same read
        assertThat(EmbeddedGateway.exchange(channel, request.substring(10) + request.substring(0, 10)))
            .extracting(Response::status).containsExactly(200);
        channel.advanceTimeBy(900, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(EmbeddedGateway.exchange(channel, request.substring(10))).as("within its own second")
            .extracting(Response::status).containsExactly(200);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aHeadRequestIsRefusedWithoutABody()
    {
        final EmbeddedChannel channel = gateway.channel();
        final List<Response> responses = EmbeddedGateway.exchange(channel,
            gateway.request("HEAD", "/health/live", 0, null, null) + gateway.request("HEAD", "/nowhere", 0, null, null) +
            gateway.request("GET", "/health/live", 0, null, null));
        assertThat(responses).extracting(Response::status).containsExactly(405, 404, 200);
        assertThat(responses.get(0).header("allow")).isEqualTo("GET");
        assertThat(responses.get(0).body()).isEmpty();
        assertThat(responses.get(1).body()).isEmpty();
        assertThat(responses.get(2).body()).isEqualTo("live\n");
    }

    @Test
    void anIdleKeepAliveConnectionIsClosed()
    {
        final EmbeddedChannel channel = gateway.channel();
        assertThat(EmbeddedGateway.exchange(channel, gateway.request("GET", "/health/live", 0, null, null)))
            .extracting(Response::status).containsExactly(200);
        assertThat(channel.isOpen()).isTrue();
        channel.advanceTimeBy(6000, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void connectionCloseIsHonoured()
    {
        final EmbeddedChannel channel = gateway.channel();
        final Response response = EmbeddedGateway.exchange(channel, "GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").get(0);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("connection")).isEqualTo("close");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void nothingPipelinedBehindACloseRequestIsDecided()
    {
        final EmbeddedChannel channel = gateway.channel();
        EmbeddedGateway.exchange(channel, gateway.admin("PUT", "/v1/admin/skus/HOT", SKU_BODY));
        final int before = gateway.backend.publishedTemplates.size();
        final String closing = gateway.request("GET", "/v1/skus/HOT/availability", 0, null, null)
            .replace("Host: test\r\n", "Host: test\r\nConnection: close\r\n");
        final List<Response> responses = EmbeddedGateway.exchange(channel, closing +
            gateway.request("POST", "/v1/checkouts", 7, "after-close", reserveBody(7, "HOT", 1)));
        assertThat(responses).extracting(Response::status).containsExactly(200);
        assertThat(gateway.backend.publishedTemplates.size() - before).as("only the first was published").isEqualTo(1);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void anOversizedBodyAnnouncedWithExpectContinueGetsTheProblem413()
    {
        final EmbeddedChannel channel = gateway.channel();
        final List<Response> responses = EmbeddedGateway.exchange(channel, "POST /v1/checkouts HTTP/1.1\r\nHost: x\r\n" +
            "Expect: 100-continue\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n");
        assertThat(responses).extracting(Response::status).containsExactly(413);
        assertThat(Json.object(responses.get(0).body())).containsEntry("code", "PAYLOAD_TOO_LARGE");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aRefusedKeyDoesNotSpoilTheNextOne()
    {
        final EmbeddedChannel channel = gateway.channel();
        final String bad = "GET /v1/skus/HOT/availability HTTP/1.1\r\nHost: x\r\nX-Api-Key: abc\u00ff\r\n\r\n";
        assertThat(EmbeddedGateway.exchange(channel, bad)).extracting(Response::status).containsExactly(401);
        assertThat(EmbeddedGateway.exchange(channel, gateway.request("GET", "/v1/skus/NOPE/availability", 0, null, null)))
            .extracting(Response::status).containsExactly(404);
    }

    @Test
    void notModifiedCarriesNoContentLength()
    {
        final EmbeddedChannel channel = gateway.channel();
        EmbeddedGateway.exchange(channel, gateway.admin("PUT", "/v1/admin/skus/HOT", SKU_BODY));
        final String etag = EmbeddedGateway.exchange(channel, gateway.request("GET", "/v1/skus/HOT/availability", 0, null, null))
            .get(0).header("etag");
        final Response notModified = EmbeddedGateway.exchange(channel, gateway.request("GET", "/v1/skus/HOT/availability", 0, null, null)
            .replace("Host: test\r\n", "Host: test\r\nIf-None-Match: " + etag + "\r\n")).get(0);
        assertThat(notModified.status()).isEqualTo(304);
        assertThat(notModified.header("content-length")).isNull();
    }
}
