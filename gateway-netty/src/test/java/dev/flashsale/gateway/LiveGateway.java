package dev.flashsale.gateway;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.pipeline.InputSlot;
import dev.flashsale.engine.pipeline.InputStage;
import dev.flashsale.engine.pipeline.Pipeline;
import dev.flashsale.engine.pipeline.PipelineConfig;
import dev.flashsale.gateway.auth.Credentials;
import dev.flashsale.gateway.auth.CustomerTokens;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.SystemEpochClock;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** A real gateway on a free port over an in-memory pipeline and engine, and a JDK HttpClient for it. */
final class LiveGateway implements AutoCloseable
{
    final Engine engine;
    final Pipeline pipeline;
    final Gateway gateway;
    final Credentials.Generated credentials = Credentials.generate();
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    private final CustomerTokens tokens = new CustomerTokens();

    LiveGateway(final GatewayConfig config, final PipelineConfig pipelineConfig, final List<InputStage> inputStages)
    {
        final EngineConfig engineConfig = new EngineConfig();
        engine = new Engine(engineConfig);
        final Responder responder = new Responder(config.maxPending());
        final Gateway[] holder = new Gateway[1];
        pipeline = new Pipeline(engine, pipelineConfig, inputStages, List.of(responder), new SystemEpochClock(),
            (stage, cause) -> holder[0].onPipelineFailure());
        gateway = new Gateway(config.port(0).bindAddress("127.0.0.1"), engineConfig, new NodeBackend()
        {
            @Override
            public long tryPublish(final DirectBuffer command, final int offset, final int length, final long correlationId)
            {
                return pipeline.tryPublish(command, offset, length, correlationId);
            }

            @Override
            public String notReadyReason()
            {
                return pipeline.state() == Pipeline.State.RUNNING ? null : "pipeline " + pipeline.state();
            }

            @Override
            public void renderMetrics(final StringBuilder out)
            {
                PrometheusText.gauge(out, "flashsale_input_ring_used", "Inputs in the input ring.",
                    pipeline.inputRingSize() - pipeline.inputRingRemaining());
            }
        }, null, credentials.credentials(), responder, new SystemEpochClock());
        holder[0] = gateway;
    }

    /** What a test input stage does with each slot. */
    @FunctionalInterface
    interface SlotAction
    {
        void accept(InputSlot slot) throws Exception;
    }

    /** An input stage (standing in for the journaller) that runs {@code action} on every input. */
    static InputStage inputStage(final String name, final SlotAction action)
    {
        return new InputStage()
        {
            @Override
            public String name()
            {
                return name;
            }

            @Override
            public void onSlot(final InputSlot slot, final boolean endOfBatch) throws Exception
            {
                action.accept(slot);
            }
        };
    }

    URI uri(final String path)
    {
        return URI.create("http://127.0.0.1:" + gateway.port() + path);
    }

    String token(final long customerId)
    {
        return tokens.sign(credentials.storefront(), customerId, System.currentTimeMillis() / 1000 + 3600);
    }

    HttpRequest.Builder storefront(final String path, final long customerId)
    {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
            .header("X-Api-Key", credentials.storefrontKey());
        if (customerId > 0)
        {
            builder.header("X-Customer-Token", token(customerId));
        }
        return builder;
    }

    HttpRequest.Builder admin(final String path)
    {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).header("X-Api-Key", credentials.adminKey());
    }

    static HttpRequest.BodyPublisher json(final String body)
    {
        return HttpRequest.BodyPublishers.ofString(body);
    }

    HttpResponse<String> send(final HttpRequest.Builder request) throws IOException, InterruptedException
    {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> putSku(final String sku, final int stock, final int limit) throws IOException, InterruptedException
    {
        return send(admin("/v1/admin/skus/" + sku).header("Content-Type", "application/json").PUT(json(
            "{\"totalStock\":" + stock + ",\"perCustomerLimit\":" + limit + ",\"priceMinor\":1999,\"currency\":\"EUR\"}")));
    }

    HttpResponse<String> reserve(final long customerId, final String key, final String sku, final int qty)
        throws IOException, InterruptedException
    {
        return send(storefront("/v1/checkouts", customerId).header("Content-Type", "application/json")
            .header("Idempotency-Key", key)
            .POST(json("{\"customerId\":" + customerId + ",\"lines\":[{\"sku\":\"" + sku + "\",\"qty\":" + qty + "}]}")));
    }

    static String checkoutId(final HttpResponse<String> response)
    {
        final String body = response.body();
        final int at = body.indexOf("\"checkoutId\":\"") + 14;
        return body.substring(at, body.indexOf('"', at));
    }

    @Override
    public void close()
    {
        gateway.stopAccepting();
        pipeline.shutdown();
        gateway.close();
    }
}
