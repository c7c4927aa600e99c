package dev.flashsale.gateway;

import dev.flashsale.engine.pipeline.PipelineConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code X-Request-Id} on every answer: the client's when well formed, else a new one. */
@Timeout(60)
class RequestIdTest
{
    private static final String GENERATED = "[0-9a-f]{12}-[0-9a-f]{13}";

    private LiveGateway live;

    @AfterEach
    void stop()
    {
        if (live != null)
        {
            live.close();
        }
    }

    @Test
    void everyAnswerCarriesTheClientsWellFormedIdOrANewOne() throws Exception
    {
        live = new LiveGateway(new GatewayConfig(), new PipelineConfig().inputRingSize(1024).outputRingSize(4096), List.of());
        final HttpResponse<String> created = live.putSku("TSHIRT", 1, 1);
        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(id(created)).as("an engine answer").matches(GENERATED);

        final HttpResponse<String> held = live.send(reserve(1, "k-1").header("X-Request-Id", "3f1c2b9e-7d4a-4c1e-9a55-0b6f2d8e1a77"));
        assertThat(held.statusCode()).isEqualTo(201);
        assertThat(id(held)).as("a UUID comes back").isEqualTo("3f1c2b9e-7d4a-4c1e-9a55-0b6f2d8e1a77");
        final HttpResponse<String> soldOut = live.send(reserve(2, "k-2").header("X-Request-Id", "trace.1:a~b_c"));
        assertThat(soldOut.statusCode()).isEqualTo(409);
        assertThat(id(soldOut)).as("an engine refusal").isEqualTo("trace.1:a~b_c");

        final String tooLong = "a".repeat(RequestIds.MAX_CLIENT_ID_LENGTH + 1);
        for (final String malformed : List.of("with space", tooLong, "semi;colon"))
        {
            final HttpResponse<String> answer = live.send(HttpRequest.newBuilder(live.uri("/health/live"))
                .header("X-Request-Id", malformed));
            assertThat(id(answer)).as("'%s' is replaced", malformed).matches(GENERATED);
        }
        final String longest = "b".repeat(RequestIds.MAX_CLIENT_ID_LENGTH);
        assertThat(id(live.send(HttpRequest.newBuilder(live.uri("/nowhere")).header("X-Request-Id", longest))))
            .as("a refusal of the gateway, with the longest id taken").isEqualTo(longest);

        final Set<String> made = new HashSet<>();
        for (int i = 0; i < 50; i++)
        {
            final HttpResponse<String> answer = live.send(HttpRequest.newBuilder(live.uri(i % 2 == 0 ? "/health/live" : "/nowhere")));
            assertThat(made.add(id(answer))).as("ids are unique").isTrue();
        }
    }

    @Test
    void onlyIdsThatCannotBreakALogLineAreTaken()
    {
        assertThat(RequestIds.wellFormed("")).isFalse();
        assertThat(RequestIds.wellFormed("a\nb")).isFalse();
        assertThat(RequestIds.wellFormed("a\"b")).isFalse();
        assertThat(RequestIds.wellFormed("A-z_0.9:~")).isTrue();
        final RequestIds ids = new RequestIds();
        assertThat(ids.of(null)).matches(GENERATED);
        assertThat(ids.of("mine")).isEqualTo("mine");
        assertThat(ids.next()).isNotEqualTo(ids.next());
    }

    private HttpRequest.Builder reserve(final long customerId, final String key)
    {
        return live.storefront("/v1/checkouts", customerId).header("Idempotency-Key", key)
            .header("Content-Type", "application/json")
            .POST(LiveGateway.json("{\"customerId\":" + customerId + ",\"lines\":[{\"sku\":\"TSHIRT\",\"qty\":1}]}"));
    }

    private static String id(final HttpResponse<String> response)
    {
        return response.headers().firstValue("X-Request-Id").orElseThrow(() ->
            new AssertionError("no X-Request-Id on " + response.statusCode()));
    }
}
