package dev.flashsale.gateway;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.pipeline.InputSlot;
import dev.flashsale.engine.pipeline.InputStage;
import dev.flashsale.engine.pipeline.OutputStage;
import dev.flashsale.engine.pipeline.Pipeline;
import dev.flashsale.engine.pipeline.PipelineConfig;
import dev.flashsale.gateway.auth.Credentials;
import dev.flashsale.gateway.auth.CustomerTokens;
import dev.flashsale.journal.JournalConfig;
import dev.flashsale.journal.NodeJournal;
import dev.flashsale.read.ReadServices;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.SystemEpochClock;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real gateway on a free port over an in-memory pipeline and engine (with read services on a
 * directory of the test's, if given), and a JDK HttpClient for it. Every answer read through
 * {@link #send} or {@link #BODY} with a JSON content type is parsed by Jackson: one that is not
 * well-formed fails the test.
 */
final class LiveGateway implements AutoCloseable
{
    /** The body as a String, after a JSON content type's body passed {@link Json#checkAnswer}. */
    static final HttpResponse.BodyHandler<String> BODY = info -> HttpResponse.BodySubscribers.mapping(
        HttpResponse.BodySubscribers.ofByteArray(), bytes ->
        {
            Json.checkAnswer(info.statusCode(), info.headers().firstValue("Content-Type").orElse(null), bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        });

    final Engine engine;
    final Pipeline pipeline;
    final Gateway gateway;
    /** Null unless started with a directory for them (and for the journal they read). */
    final ReadServices readServices;
    private final NodeJournal journal;
    final Credentials.Generated credentials = Credentials.generate();
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    private final CustomerTokens tokens = new CustomerTokens();

    LiveGateway(final GatewayConfig config, final PipelineConfig pipelineConfig, final List<InputStage> inputStages)
    {
        this(config, pipelineConfig, inputStages, null);
    }

    /** @param readDirectory where the read services keep their stores; null for a gateway without them. */
    LiveGateway(final GatewayConfig config, final PipelineConfig pipelineConfig, final List<InputStage> inputStages,
        final Path readDirectory)
    {
        final EngineConfig engineConfig = new EngineConfig();
        final Responder responder = new Responder(config.maxPending());
        final List<InputStage> inputs = new ArrayList<>(inputStages);
        final List<OutputStage> outputs = new ArrayList<>(List.of(responder));
        if (readDirectory == null)
        {
            journal = null;
            readServices = null;
            engine = new Engine(engineConfig);
        }
        else // the read services project the event journal: a journaled node
        {
            journal = NodeJournal.open(readDirectory.resolve("data"), engineConfig,
                new JournalConfig().snapshotEveryInputs(0).minFreeBytes(0), line -> { });
            readServices = ReadServices.start(readDirectory.resolve("data"), readDirectory.resolve("read"), 1_000, 1_000);
            engine = journal.engine();
            inputs.add(0, journal.journaller());
            outputs.add(0, journal.eventWriter());
        }
        final Gateway[] holder = new Gateway[1];
        pipeline = new Pipeline(engine, pipelineConfig, inputs, outputs, new SystemEpochClock(),
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
                return pipeline.state() == Pipeline.State.RUNNING && pipeline.isAccepting() ? null :
                    "pipeline " + (pipeline.isAccepting() ? pipeline.state() : "not accepting input");
            }

            @Override
            public void renderMetrics(final StringBuilder out)
            {
                PrometheusText.gauge(out, "flashsale_input_ring_used", "Inputs in the input ring.",
                    pipeline.inputRingSize() - pipeline.inputRingRemaining());
            }
        }, readServices, credentials.credentials(), responder, new SystemEpochClock());
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
        return client.send(request.build(), BODY);
    }

    /**
     * Writes {@code requests} (several, pipelined) in one write on a new connection and reads until
     * {@code answers} responses have come, or the connection closed.
     */
    List<EmbeddedGateway.Response> pipelined(final String requests, final int answers) throws IOException
    {
        try (Socket socket = new Socket("127.0.0.1", gateway.port()))
        {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(requests.getBytes(StandardCharsets.UTF_8));
            final ByteArrayOutputStream in = new ByteArrayOutputStream();
            final byte[] chunk = new byte[8192];
            int read;
            while (complete(in.toByteArray()) < answers && (read = socket.getInputStream().read(chunk)) > 0)
            {
                in.write(chunk, 0, read);
            }
            return EmbeddedGateway.parse(in.toByteArray());
        }
    }

    /** @return how many whole responses {@code bytes} holds. */
    private static int complete(final byte[] bytes)
    {
        final String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int count = 0;
        int at = 0;
        while (true)
        {
            final int headEnd = text.indexOf("\r\n\r\n", at);
            if (headEnd < 0)
            {
                return count;
            }
            final java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)\r\ncontent-length: *(\\d+)")
                .matcher(text.substring(at, headEnd));
            final int end = headEnd + 4 + (length.find() ? Integer.parseInt(length.group(1)) : 0);
            if (end > text.length())
            {
                return count;
            }
            count++;
            at = end;
        }
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
        return (String)Json.object(response.body()).get("checkoutId");
    }

    @Override
    public void close()
    {
        gateway.stopAccepting();
        pipeline.shutdown();
        gateway.close();
        if (readServices != null)
        {
            readServices.close();
            journal.close();
        }
    }
}
