package dev.flashsale.server.node;

import dev.flashsale.gateway.auth.ApiClient;
import dev.flashsale.gateway.auth.CustomerTokens;
import dev.flashsale.journal.tools.JournalTools;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
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
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end through HTTP: a child process runs {@code flashsale run}; concurrent HTTP clients
 * reserve, confirm and cancel; the test kills the child with SIGKILL at random moments and
 * restarts it on the same data directory. Afterwards every checkout that got a 2xx is there in its
 * acknowledged state (or in the state of a later request whose answer the kill swallowed),
 * nothing is oversold, stock is conserved, and the journal verifies.
 */
@Tag("slow")
@Timeout(300)
class HttpCrashTest
{
    private static final int KILLS = 3;
    private static final int CLIENTS = 12;
    private static final int STOCK = 400;
    private static final List<String> SKUS = List.of("CRASH-A", "CRASH-B", "CRASH-C");
    private static final Pattern SECRET = Pattern.compile("customer token secret \\(client 1\\): (\\S+)");
    private static final Pattern STOREFRONT_KEY = Pattern.compile("storefront API key \\(client 1\\): (\\S+)");
    private static final Pattern ADMIN_KEY = Pattern.compile("admin API key +\\(client 2\\): (\\S+)");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<Long, Acknowledged> acknowledged = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicReference<Throwable> shopperFailure =
        new java.util.concurrent.atomic.AtomicReference<>();
    private String storefrontKey;
    private String adminKey;
    private ApiClient storefront;
    private int port;

    /** What a client was told about a checkout, and what it asked for without hearing the answer. */
    static final class Acknowledged
    {
        final long customerId;
        final String sku;
        final int qty;
        volatile String state;
        final Set<String> unanswered = ConcurrentHashMap.newKeySet();

        Acknowledged(final long customerId, final String sku, final int qty, final String state)
        {
            this.customerId = customerId;
            this.sku = sku;
            this.qty = qty;
            this.state = state;
        }
    }

    @Test
    void acknowledgedCheckoutsSurviveKillNineThroughHttp() throws Exception
    {
        final Path work = Files.createDirectories(Path.of("target", "http-crash-test", Long.toString(System.currentTimeMillis())))
            .toAbsolutePath();
        final Path data = work.resolve("data");
        port = freePort();
        final SplittableRandom random = new SplittableRandom(System.nanoTime());
        final AtomicLong answered = new AtomicLong();

        Process child = start(data, work.resolve("child-0.log"), 0);
        final String firstLog = Files.readString(work.resolve("child-0.log"), StandardCharsets.UTF_8);
        storefrontKey = find(STOREFRONT_KEY, firstLog);
        adminKey = find(ADMIN_KEY, firstLog);
        storefront = new ApiClient(1, "storefront", ApiClient.Role.STOREFRONT, new byte[32],
            Base64.getUrlDecoder().decode(find(SECRET, firstLog)));
        for (final String sku : SKUS)
        {
            final HttpResponse<String> created = send(HttpRequest.newBuilder(uri("/v1/admin/skus/" + sku))
                .header("X-Api-Key", adminKey).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"totalStock\":" + STOCK + ",\"perCustomerLimit\":3," +
                    "\"priceMinor\":500,\"currency\":\"EUR\"}")));
            assertThat(created.statusCode()).isEqualTo(200);
        }

        final AtomicBoolean running = new AtomicBoolean(true);
        final List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++)
        {
            final long seed = random.nextLong();
            final Thread client = new Thread(() ->
            {
                try
                {
                    shop(seed, running, answered);
                }
                catch (final RuntimeException | AssertionError ex)
                {
                    shopperFailure.compareAndSet(null, ex); // an assertion in a shopper fails the test, not just its thread
                }
            }, "shopper-" + c);
            client.start();
            clients.add(client);
        }
        for (int round = 1; round <= KILLS; round++)
        {
            final long target = answered.get() + 300 + random.nextInt(1_500);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (answered.get() < target && System.nanoTime() < deadline)
            {
                Thread.sleep(5);
            }
            child.destroyForcibly(); // SIGKILL in the middle of the traffic
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            child = start(data, work.resolve("child-" + round + ".log"), round);
        }
        Thread.sleep(500 + random.nextInt(1_000));
        running.set(false);
        for (final Thread client : clients)
        {
            client.join(30_000);
        }
        if (shopperFailure.get() != null)
        {
            throw new AssertionError("a shopper failed", shopperFailure.get());
        }

        System.out.printf("http crash test: %d kills, %d answers, %d acknowledged checkouts (%d confirmed, %d released)%n",
            KILLS, answered.get(), acknowledged.size(),
            acknowledged.values().stream().filter(a -> a.state.equals("CONFIRMED")).count(),
            acknowledged.values().stream().filter(a -> a.state.equals("RELEASED")).count());
        try
        {
            assertThat(acknowledged).hasSizeGreaterThan(100);
            checkEveryAcknowledgedCheckout();
            checkStock();
            // An orderly stop (SIGTERM), then a start on the history it left: everything is still there.
            child.destroy();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("SIGTERM stops the node").isTrue();
            child = start(data, work.resolve("child-after-sigterm.log"), KILLS + 1);
            checkEveryAcknowledgedCheckout();
            checkStock();
        }
        finally
        {
            child.destroy(); // SIGTERM: an orderly stop, so verify sees a closed journal
            child.waitFor(30, TimeUnit.SECONDS);
        }
        final StringWriter verifyOut = new StringWriter();
        assertThat(JournalTools.verify(data, false, new PrintWriter(verifyOut, true))).as(verifyOut.toString()).isTrue();
        deleteRecursively(work);
    }

    private void shop(final long seed, final AtomicBoolean running, final AtomicLong answered)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final CustomerTokens tokens = new CustomerTokens();
        int n = 0;
        while (running.get())
        {
            final long customer = 1 + random.nextInt(3_000);
            final String token = tokens.sign(storefront, customer, System.currentTimeMillis() / 1000 + 3600);
            final String sku = SKUS.get(random.nextInt(SKUS.size()));
            final int qty = 1 + random.nextInt(2);
            final String key = Thread.currentThread().getName() + "-" + seed + "-" + n++;
            try
            {
                final HttpResponse<String> held = send(storefrontRequest("/v1/checkouts", token).header("Idempotency-Key", key)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"customerId\":" + customer + ",\"lines\":[{\"sku\":\"" +
                        sku + "\",\"qty\":" + qty + "}]}")));
                answered.incrementAndGet();
                assertJson(held.body());
                if (held.statusCode() != 201)
                {
                    assertThat(held.statusCode()).as(held.body()).isIn(409, 422);
                    continue;
                }
                final long id = Long.parseLong(held.body().replaceAll(".*\"checkoutId\":\"(\\d+)\".*", "$1"));
                final Acknowledged ack = new Acknowledged(customer, sku, qty, "HELD");
                acknowledged.put(id, ack);
                final int next = random.nextInt(10);
                if (next < 5)
                {
                    transition(ack, id, token, "confirm", "CONFIRMED", "{\"paymentRef\":\"pay-" + id + "\"}");
                }
                else if (next < 8)
                {
                    transition(ack, id, token, "cancel", "RELEASED", null);
                }
                answered.incrementAndGet();
            }
            catch (final IOException ex)
            {
                pause(); // the node is down or restarting: whatever was in flight is unacknowledged
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void transition(final Acknowledged ack, final long id, final String token, final String action, final String state,
        final String body) throws InterruptedException
    {
        ack.unanswered.add(state);
        try
        {
            final HttpResponse<String> response = send(storefrontRequest("/v1/checkouts/" + id + "/" + action, token)
                .header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
            assertThat(response.statusCode()).as(response.body()).isIn(200, 503);
            assertJson(response.body());
            if (response.statusCode() == 200)
            {
                ack.state = state;
                ack.unanswered.remove(state);
            }
        }
        catch (final IOException ex)
        {
            pause();
        }
    }

    private void checkEveryAcknowledgedCheckout() throws Exception
    {
        final CustomerTokens tokens = new CustomerTokens();
        for (final Map.Entry<Long, Acknowledged> entry : acknowledged.entrySet())
        {
            final Acknowledged ack = entry.getValue();
            final String token = tokens.sign(storefront, ack.customerId, System.currentTimeMillis() / 1000 + 3600);
            final HttpResponse<String> read = send(storefrontRequest("/v1/checkouts/" + entry.getKey(), token));
            assertThat(read.statusCode()).as("checkout %d: %s", entry.getKey(), read.body()).isEqualTo(200);
            assertJson(read.body());
            final String state = read.body().replaceAll(".*\"status\":\"([A-Z]+)\".*", "$1");
            final Set<String> allowed = new java.util.HashSet<>(ack.unanswered);
            allowed.add(ack.state);
            assertThat(state).as("checkout %d acknowledged %s, unanswered %s", entry.getKey(), ack.state, ack.unanswered)
                .isIn(allowed);
            assertThat(read.body()).contains("\"sku\":\"" + ack.sku + "\",\"qty\":" + ack.qty);
        }
    }

    private void checkStock() throws Exception
    {
        for (final String sku : SKUS)
        {
            final HttpResponse<String> availability = send(HttpRequest.newBuilder(uri("/v1/admin/skus/" + sku))
                .header("X-Api-Key", adminKey));
            final String body = availability.body();
            assertJson(body);
            final long total = field(body, "totalStock");
            final long available = field(body, "available");
            final long held = field(body, "held");
            final long sold = field(body, "sold");
            assertThat(total).isEqualTo(STOCK);
            assertThat(available + held + sold).as("conservation of %s: %s", sku, body).isEqualTo(total);
            assertThat(available).isNotNegative();
            final long acknowledgedSold = acknowledged.values().stream()
                .filter(a -> a.sku.equals(sku) && a.state.equals("CONFIRMED")).mapToLong(a -> a.qty).sum();
            assertThat(sold).as("every acknowledged sale of %s is sold, and no more than the stock", sku)
                .isBetween(acknowledgedSold, (long)STOCK);
        }
    }

    private HttpRequest.Builder storefrontRequest(final String path, final String token)
    {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
            .header("X-Api-Key", storefrontKey).header("X-Customer-Token", token);
    }

    private HttpResponse<String> send(final HttpRequest.Builder request) throws IOException, InterruptedException
    {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(final String path)
    {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /**
     * Starts {@code flashsale run} as a child. Starts take turns: the layout the node chooses on this
     * machine (the event loop on a small one, with this journal), a thread per stage, the core
     * thread: each recovers what another journaled.
     */
    private Process start(final Path data, final Path log, final int round) throws Exception
    {
        final String layout = switch (round % 3)
        {
            case 0 -> null;
            case 1 -> "thread-per-stage";
            default -> "core-thread";
        };
        final ProcessBuilder builder = new ProcessBuilder(NodeProcess.command(data, port)).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("FLASHSALE_GATEWAY_BIND_ADDRESS", "127.0.0.1");
        builder.environment().put("FLASHSALE_GATEWAY_CUSTOMER_RATE_PER_SECOND", "0");
        builder.environment().put("FLASHSALE_JOURNAL_SNAPSHOT_EVERY_INPUTS", "2000");
        builder.environment().put("FLASHSALE_ENGINE_CUSTOMER_CAPACITY", "100000");
        builder.environment().put("FLASHSALE_ENGINE_CHECKOUT_CAPACITY", "100000");
        builder.environment().put("FLASHSALE_ENGINE_IDEMPOTENCY_CAPACITY", "100000");
        if (layout != null)
        {
            builder.environment().put("FLASHSALE_PIPELINE_THREAD_LAYOUT", layout);
        }
        final Process child = builder.start();
        NodeProcess.awaitReady(child, port, log, Duration.ofSeconds(60));
        final String expected = layout != null ? layout :
            dev.flashsale.engine.pipeline.ThreadLayout.AUTO.resolveWithEventLoop(Runtime.getRuntime().availableProcessors(), false)
                .name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        assertThat(waitForLine(log, "pipeline on ")).as("the layout the node runs")
            .contains("pipeline on " + expected + " (");
        return child;
    }

    /** Every answer body is one well-formed JSON object, whatever its status. */
    private static void assertJson(final String body)
    {
        try (com.fasterxml.jackson.core.JsonParser parser = new com.fasterxml.jackson.core.JsonFactory().createParser(body))
        {
            assertThat(parser.nextToken()).as("a JSON object: %s", body).isEqualTo(com.fasterxml.jackson.core.JsonToken.START_OBJECT);
            parser.skipChildren();
            assertThat(parser.nextToken()).as("nothing after the object: %s", body).isNull();
        }
        catch (final IOException ex)
        {
            throw new AssertionError("not JSON: " + body, ex);
        }
    }

    /** @return the log's first line containing {@code text}, waiting a little for it to be flushed. */
    private static String waitForLine(final Path log, final String text) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true)
        {
            for (final String line : Files.readAllLines(log, StandardCharsets.UTF_8))
            {
                if (line.contains(text))
                {
                    return line;
                }
            }
            if (System.nanoTime() > deadline)
            {
                return "";
            }
            Thread.sleep(20);
        }
    }

    private static String find(final Pattern pattern, final String text)
    {
        final Matcher matcher = pattern.matcher(text);
        assertThat(matcher.find()).as("the first start prints %s: %s", pattern, text).isTrue();
        return matcher.group(1);
    }

    private static long field(final String json, final String name)
    {
        final Matcher matcher = Pattern.compile("\"" + name + "\":(-?\\d+)").matcher(json);
        assertThat(matcher.find()).as(json).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }

    private static void pause()
    {
        try
        {
            Thread.sleep(20);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteRecursively(final Path directory) throws IOException
    {
        try (var files = Files.walk(directory))
        {
            for (final Path file : files.sorted(java.util.Comparator.reverseOrder()).toList())
            {
                Files.delete(file);
            }
        }
    }
}
