package dev.flashsale.gateway;

import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.pipeline.PipelineConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A customer over {@code engine.max-keys-per-customer}, as a client and an operator see it. */
@Timeout(60)
class KeysPerCustomerHttpTest
{
    @Test
    void aCustomerOverItsKeysGetsA422OfItsOwnAndOthersAreServed() throws Exception
    {
        final int bound = new EngineConfig().maxKeysPerCustomer();
        try (LiveGateway g = new LiveGateway(new GatewayConfig().customerRatePerSecond(0),
            new PipelineConfig().inputRingSize(1024).outputRingSize(4096), List.of()))
        {
            assertThat(g.putSku("SHOE", 10, 5).statusCode()).isEqualTo(200);
            for (int i = 0; i < bound; i++)
            {
                final HttpResponse<String> held = g.reserve(5, "fresh-" + i, "SHOE", 1);
                assertThat(held.statusCode()).isEqualTo(201);
                assertThat(g.send(g.storefront("/v1/checkouts/" + LiveGateway.checkoutId(held) + "/cancel", 5)
                    .POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(200);
            }

            final HttpResponse<String> refused = g.reserve(5, "fresh-more", "SHOE", 1);
            assertThat(refused.statusCode()).isEqualTo(422);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(refused.headers().firstValue("Retry-After")).as("retrying soon does not help").isEmpty();
            assertThat(Json.object(refused.body())).containsEntry("code", "TOO_MANY_KEYS")
                .containsEntry("type", "urn:flashsale:problem:too-many-keys");
            final HttpResponse<String> retry = g.reserve(5, "fresh-0", "SHOE", 1);
            assertThat(retry.statusCode()).as("a retry of a stored key is answered").isEqualTo(201);
            assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
            assertThat(g.reserve(6, "fresh-0", "SHOE", 1).statusCode()).isEqualTo(201);

            final HttpResponse<String> metrics = g.send(HttpRequest.newBuilder(g.uri("/metrics")));
            assertThat(metrics.body()).contains("flashsale_engine_results_total{command=\"reserve\",code=\"TOO_MANY_KEYS\"} 1");
        }
    }
}
