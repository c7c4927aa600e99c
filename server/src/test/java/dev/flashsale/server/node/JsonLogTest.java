package dev.flashsale.server.node;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.flashsale.gateway.auth.ApiClient;
import dev.flashsale.gateway.auth.CustomerTokens;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node started as {@code flashsale run} starts it (a child JVM, {@link NodeProcess}) with
 * {@code FLASHSALE_LOG_FORMAT=json}: from its first line to its last after a SIGTERM, stderr is one
 * JSON object per line with the ECS fields; refusals and errors are in the access log with the
 * request id the answer carried; no line holds an API key, a customer token or the token secret,
 * which only stdout shows, once. {@code flashsale demo} and {@code flashsale token} honour the key
 * the same way.
 */
@Tag("slow")
@Timeout(120)
class JsonLogTest
{
    private static final String SKU = "TEE-LOG";
    private static final Pattern SECRET = Pattern.compile("customer token secret \\(client 1\\): (\\S+)");
    private static final Pattern STOREFRONT_KEY = Pattern.compile("storefront API key \\(client 1\\): (\\S+)");
    private static final Pattern ADMIN_KEY = Pattern.compile("admin API key +\\(client 2\\): (\\S+)");
    private static final Pattern GENERATED_ID = Pattern.compile("[0-9a-f]{12}-[0-9a-f]{13}");

    @TempDir
    Path work;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2)).build();
    private int port;

    @Test
    void everyLineIsAnEcsObjectAndRefusalsCarryTheirRequestIdAndNoSecret() throws Exception
    {
        port = freePort();
        final Path out = work.resolve("stdout.txt");
        final Path err = work.resolve("stderr.txt");
        final Process node = start(out, err);
        final List<String> secrets = new ArrayList<>();
        final Map<String, Integer> expectedStatusById = new LinkedHashMap<>();
        final List<String> successIds = new ArrayList<>();
        final String notFoundId;
        try
        {
            final String printed = Files.readString(out, StandardCharsets.UTF_8);
            final String storefrontKey = find(STOREFRONT_KEY, printed);
            final String adminKey = find(ADMIN_KEY, printed);
            final String secret = find(SECRET, printed);
            final ApiClient storefront = new ApiClient(1, "storefront", ApiClient.Role.STOREFRONT, new byte[32],
                Base64.getUrlDecoder().decode(secret));
            final String token1 = new CustomerTokens().sign(storefront, 1, System.currentTimeMillis() / 1000 + 3600);
            final String token2 = new CustomerTokens().sign(storefront, 2, System.currentTimeMillis() / 1000 + 3600);
            secrets.addAll(List.of(storefrontKey, adminKey, secret, token1, token2, "not-a-key-but-secret-looking"));

            final HttpResponse<String> created = send(HttpRequest.newBuilder(uri("/v1/admin/skus/" + SKU))
                .header("X-Api-Key", adminKey).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(
                    "{\"totalStock\":1,\"perCustomerLimit\":1,\"priceMinor\":1999,\"currency\":\"EUR\"}")));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            assertThat(requestId(created)).as("a success carries a request id too").matches(GENERATED_ID);
            successIds.add(requestId(created));

            final HttpResponse<String> held = reserve(storefrontKey, token1, 1, "log-1", null);
            assertThat(held.statusCode()).as(held.body()).isEqualTo(201);
            assertThat(held.headers().firstValue("Location")).as("a reserve's answer names its checkout")
                .hasValueSatisfying(location -> assertThat(location).matches("/v1/checkouts/\\d+"));
            assertThat(held.headers().firstValue("Idempotent-Replayed")).isEmpty();
            successIds.add(requestId(held));
            final HttpResponse<String> replayed = reserve(storefrontKey, token1, 1, "log-1", "client.replay-1");
            assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(201);
            assertThat(replayed.headers().firstValue("Idempotent-Replayed")).hasValue("true");
            assertThat(replayed.headers().firstValue("Location")).isEqualTo(held.headers().firstValue("Location"));
            assertThat(requestId(replayed)).as("a client's id comes back on a success too").isEqualTo("client.replay-1");
            successIds.add("client.replay-1");
            final HttpResponse<String> soldOut = reserve(storefrontKey, token2, 2, "log-2", "client-chosen.id:42");
            assertThat(soldOut.statusCode()).as(soldOut.body()).isEqualTo(409);
            assertThat(requestId(soldOut)).as("a well-formed client id comes back").isEqualTo("client-chosen.id:42");
            expectedStatusById.put("client-chosen.id:42", 409);

            final HttpResponse<String> badKey = send(HttpRequest.newBuilder(uri("/v1/checkouts/1"))
                .header("X-Api-Key", "not-a-key-but-secret-looking").header("Authorization", "Bearer " + token1)
                .header("X-Request-Id", "has spaces, so not taken"));
            assertThat(badKey.statusCode()).isEqualTo(401);
            assertThat(requestId(badKey)).as("a malformed client id is replaced").matches(GENERATED_ID);
            expectedStatusById.put(requestId(badKey), 401);

            final HttpResponse<String> notFound = send(HttpRequest.newBuilder(uri("/v1/nowhere?token=" + token1)));
            assertThat(notFound.statusCode()).isEqualTo(404);
            notFoundId = requestId(notFound);
            expectedStatusById.put(notFoundId, 404);

            node.destroy(); // SIGTERM
            assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("SIGTERM stops the node").isTrue();
        }
        finally
        {
            node.destroyForcibly();
            node.waitFor(30, TimeUnit.SECONDS);
        }

        final List<Map<String, String>> events = ecsLines(err);
        final String log = Files.readString(err, StandardCharsets.UTF_8);
        for (final String secret : secrets)
        {
            assertThat(log).as("no secret in the log").doesNotContain(secret);
        }
        assertThat(events).anySatisfy(e -> assertThat(e.get("message")).contains("listening on"));
        assertThat(events).as("the shutdown hook's lines are written before logging stops")
            .anySatisfy(e -> assertThat(e.get("message")).startsWith("stopping"))
            .anySatisfy(e -> assertThat(e.get("message")).startsWith("stopped at input"));

        final Map<String, Map<String, String>> accessById = new LinkedHashMap<>();
        for (final Map<String, String> event : events)
        {
            if ("flashsale.access".equals(event.get("log.logger")))
            {
                accessById.put(event.get("http.request.id"), event);
            }
        }
        assertThat(accessById.keySet()).as("one access line per refusal").containsAll(expectedStatusById.keySet())
            .as("none for a success").doesNotContainAnyElementsOf(successIds);
        accessById.forEach((id, line) -> assertThat(expectedStatusById.containsKey(id) ||
            "/health/ready".equals(line.get("url.path")) && "503".equals(line.get("http.response.status_code")))
            .as("no other refusal than the test's own and readiness while starting: %s", line).isTrue());
        for (final Map.Entry<String, Integer> expected : expectedStatusById.entrySet())
        {
            final Map<String, String> line = accessById.get(expected.getKey());
            assertThat(line.get("http.response.status_code")).isEqualTo(Integer.toString(expected.getValue()));
            assertThat(line.get("log.level")).isEqualTo("INFO");
            assertThat(line.get("client.address")).isEqualTo("127.0.0.1");
            assertThat(Long.parseLong(line.get("event.duration"))).isGreaterThanOrEqualTo(0);
            assertThat(line.get("message")).contains(expected.getKey(), Integer.toString(expected.getValue()));
        }
        final Map<String, String> soldOutLine = accessById.get("client-chosen.id:42");
        assertThat(soldOutLine).containsEntry("http.request.method", "POST").containsEntry("url.path", "/v1/checkouts")
            .containsEntry("error.code", "SOLD_OUT");
        final Map<String, String> notFoundLine = accessById.get(notFoundId);
        assertThat(notFoundLine).as("the path without its query string").containsEntry("url.path", "/v1/nowhere")
            .containsEntry("error.code", "NOT_FOUND");

        assertThat(Files.readString(out, StandardCharsets.UTF_8)).as("stdout has the credentials, once")
            .containsOnlyOnce("storefront API key");
    }

    @Test
    void demoLogsOneEcsObjectPerLineAndKeepsItsReportOnStdout() throws Exception
    {
        final Path out = work.resolve("demo-stdout.txt");
        final Path err = work.resolve("demo-stderr.txt");
        final ProcessBuilder builder = new ProcessBuilder(NodeProcess.flashsale("demo", "--data-dir",
            work.resolve("demo-data").toString(), "--stock", "50", "--customers", "300", "--connections", "4", "--duration", "1",
            "--hold-seconds", "1")).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("FLASHSALE_LOG_FORMAT", "json");
        builder.environment().put("FLASHSALE_ENGINE_CUSTOMER_CAPACITY", "10000"); // the child has 512 MiB
        builder.environment().put("FLASHSALE_ENGINE_CHECKOUT_CAPACITY", "10000");
        builder.environment().put("FLASHSALE_ENGINE_IDEMPOTENCY_CAPACITY", "10000");
        builder.environment().put("FLASHSALE_READ_ENABLED", "false");
        final Process demo = runToEnd(builder, 90);
        final String report = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(demo.exitValue()).as(report + Files.readString(err, StandardCharsets.UTF_8)).isZero();
        assertThat(report).contains("all checks passed").doesNotContain("\"log.level\"");
        final List<Map<String, String>> events = ecsLines(err);
        assertThat(events).as("the demo's node logged").anySatisfy(e -> assertThat(e.get("log.logger")).startsWith("dev.flashsale."));
    }

    @Test
    void tokenLogsOneEcsObjectPerLineAndNeverAToken() throws Exception
    {
        final Path data = Files.createDirectories(work.resolve("token-data"));
        final dev.flashsale.gateway.auth.Credentials[] credentials = new dev.flashsale.gateway.auth.Credentials[1];
        dev.flashsale.gateway.auth.Credentials.loadOrCreate(data.resolve("credentials.properties"), credentials);
        final Path tokens = work.resolve("tokens.txt");
        final Path err = work.resolve("token-stderr.txt");
        final ProcessBuilder builder = new ProcessBuilder(NodeProcess.flashsale("token", "--data-dir", data.toString(),
            "--customers", "1..3", "--out", tokens.toString())).redirectOutput(work.resolve("token-stdout.txt").toFile())
            .redirectError(err.toFile());
        builder.environment().put("FLASHSALE_LOG_FORMAT", "json");
        final Process token = runToEnd(builder, 60);
        assertThat(token.exitValue()).as(Files.readString(err, StandardCharsets.UTF_8)).isZero();
        final List<String> signed = Files.readAllLines(tokens, StandardCharsets.US_ASCII);
        assertThat(signed).hasSize(3);
        final List<Map<String, String>> events = ecsLines(err);
        assertThat(events).anySatisfy(e -> assertThat(e.get("message")).contains("signed 3 customer tokens, customers 1..3"));
        final String log = Files.readString(err, StandardCharsets.UTF_8);
        for (final String secret : signed)
        {
            assertThat(log).as("no token in the log").doesNotContain(secret);
        }
    }

    /** @return the process started by {@code builder}, ended within {@code seconds} (else killed and failed). */
    private static Process runToEnd(final ProcessBuilder builder, final int seconds) throws Exception
    {
        final Process process = builder.start();
        try
        {
            assertThat(process.waitFor(seconds, TimeUnit.SECONDS)).as("%s ends", builder.command()).isTrue();
        }
        finally
        {
            process.destroyForcibly();
        }
        return process;
    }

    /** @return every line of {@code log} parsed: each must be one JSON object with the ECS fields; at least one line. */
    private static List<Map<String, String>> ecsLines(final Path log) throws IOException
    {
        final List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertThat(lines).as("something was logged").isNotEmpty();
        final List<Map<String, String>> events = new ArrayList<>();
        for (final String line : lines)
        {
            final Map<String, String> event = parse(line);
            assertThat(event).as("ECS fields of %s", line).containsKeys("@timestamp", "log.level", "message", "log.logger",
                "process.thread.name", "ecs.version");
            assertThat(event.get("@timestamp")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
            assertThat(event.get("service.name")).isEqualTo("flashsale");
            events.add(event);
        }
        return events;
    }

    private HttpResponse<String> reserve(final String key, final String token, final long customer,
        final String idempotencyKey, final String requestId) throws IOException, InterruptedException
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(uri("/v1/checkouts")).header("X-Api-Key", key)
            .header("X-Customer-Token", token).header("Idempotency-Key", idempotencyKey)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"customerId\":" + customer + ",\"lines\":[{\"sku\":\"" + SKU +
                "\",\"qty\":1}]}"));
        if (requestId != null)
        {
            request.header("X-Request-Id", requestId);
        }
        return send(request);
    }

    private static String requestId(final HttpResponse<String> response)
    {
        return response.headers().firstValue("X-Request-Id").orElseThrow(() ->
            new AssertionError("no X-Request-Id on " + response.statusCode() + " " + response.body()));
    }

    /** @return the top-level fields of one JSON object, each as text; fails unless the line is exactly one object. */
    private static Map<String, String> parse(final String line) throws IOException
    {
        final Map<String, String> fields = new LinkedHashMap<>();
        try (JsonParser parser = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build()
            .createParser(line))
        {
            assertThat(parser.nextToken()).as("a JSON object: %s", line).isEqualTo(JsonToken.START_OBJECT);
            while (parser.nextToken() == JsonToken.FIELD_NAME)
            {
                final String name = parser.currentName();
                final JsonToken value = parser.nextToken();
                if (value.isStructStart())
                {
                    parser.skipChildren();
                    fields.put(name, "(structure)");
                }
                else
                {
                    fields.put(name, parser.getText());
                }
            }
            assertThat(parser.currentToken()).isEqualTo(JsonToken.END_OBJECT);
            assertThat(parser.nextToken()).as("one object per line: %s", line).isNull();
        }
        return fields;
    }

    private Process start(final Path out, final Path err) throws Exception
    {
        final ProcessBuilder builder = new ProcessBuilder(NodeProcess.command(work.resolve("data"), port))
            .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("FLASHSALE_LOG_FORMAT", "json");
        builder.environment().put("FLASHSALE_GATEWAY_BIND_ADDRESS", "127.0.0.1");
        builder.environment().put("FLASHSALE_ENGINE_CUSTOMER_CAPACITY", "10000");
        builder.environment().put("FLASHSALE_ENGINE_CHECKOUT_CAPACITY", "10000");
        builder.environment().put("FLASHSALE_ENGINE_IDEMPOTENCY_CAPACITY", "10000");
        builder.environment().put("FLASHSALE_READ_ENABLED", "false");
        final Process child = builder.start();
        NodeProcess.awaitReady(child, port, err, Duration.ofSeconds(60));
        return child;
    }

    private HttpResponse<String> send(final HttpRequest.Builder request) throws IOException, InterruptedException
    {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(final String path)
    {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static String find(final Pattern pattern, final String text)
    {
        final Matcher matcher = pattern.matcher(text);
        assertThat(matcher.find()).as("the first start prints %s: %s", pattern, text).isTrue();
        return matcher.group(1);
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }
}
