package dev.flashsale.server.node;

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
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node with history restarted as an operator would, in a child JVM started like
 * {@code java -jar flashsale.jar run} (Chronicle's single-thread checks on, as in production):
 * after a SIGTERM stop and after a kill -9, both projections are up and an order made after the
 * restart shows in the customer's order history and in the product's live availability, and the page
 * warmer keeps both journals' next pages cached ahead of their writers; on
 * Linux, after every start, the snapshotter and the projections run under {@code SCHED_IDLE} where
 * the node may take their priority back ({@code CAP_SYS_NICE}), else at {@code pipeline.background-nice}
 * (10 by default), and the event loop at normal priority.
 */
@Tag("slow")
@Timeout(240)
class ReadSideRestartTest
{
    private static final String SKU = "TEE-RESTART";
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final Pattern SECRET = Pattern.compile("customer token secret \\(client 1\\): (\\S+)");
    private static final Pattern STOREFRONT_KEY = Pattern.compile("storefront API key \\(client 1\\): (\\S+)");
    private static final Pattern ADMIN_KEY = Pattern.compile("admin API key +\\(client 2\\): (\\S+)");

    @TempDir
    Path work;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2)).build();
    private final CustomerTokens tokens = new CustomerTokens();
    private String storefrontKey;
    private ApiClient storefront;
    private int port;

    @Test
    void projectionsFollowNewInputsAfterASigtermAndAKillNine() throws Exception
    {
        final Path data = work.resolve("data");
        port = freePort();
        Process node = start(data, work.resolve("first.log"));
        try
        {
            final String log = Files.readString(work.resolve("first.log"), StandardCharsets.UTF_8);
            storefrontKey = find(STOREFRONT_KEY, log);
            storefront = new ApiClient(1, "storefront", ApiClient.Role.STOREFRONT, new byte[32],
                Base64.getUrlDecoder().decode(find(SECRET, log)));
            final String adminKey = find(ADMIN_KEY, log);
            assertThat(send(admin("/v1/admin/skus/" + SKU, adminKey).PUT(HttpRequest.BodyPublishers.ofString(
                "{\"totalStock\":100,\"perCustomerLimit\":5,\"priceMinor\":1999,\"currency\":\"EUR\"}"))).statusCode()).isEqualTo(200);
            assertThat(send(admin("/v1/admin/products/" + SKU, adminKey).PUT(HttpRequest.BodyPublishers.ofString(
                "{\"title\":\"Tee\",\"brand\":\"Acme\",\"category\":\"shirts\",\"displayPriceMinor\":1999,\"currency\":\"EUR\"}")))
                .statusCode()).isEqualTo(200);
            orderAndSeeItInTheReadSide(1, "the first start");
            assertFollowersAtLowerPriority(node, "the first start");

            node.destroy(); // SIGTERM: an orderly stop
            assertThat(node.waitFor(30, TimeUnit.SECONDS)).as("SIGTERM stops the node").isTrue();
            node = start(data, work.resolve("after-sigterm.log"));
            orderAndSeeItInTheReadSide(2, "after a SIGTERM stop and a start");
            assertFollowersAtLowerPriority(node, "after a SIGTERM stop and a start");

            node.destroyForcibly(); // SIGKILL
            assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
            node = start(data, work.resolve("after-kill.log"));
            orderAndSeeItInTheReadSide(3, "after a kill -9 and a start");
            assertFollowersAtLowerPriority(node, "after a kill -9 and a start");
            assertThat(Files.readString(work.resolve("after-kill.log"), StandardCharsets.UTF_8))
                .as("no projection error in the log").doesNotContain("projections stopped");
        }
        finally
        {
            node.destroy();
            node.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Customer {@code n} holds one unit; the read side shows it, and {@code n} units held in all. */
    private void orderAndSeeItInTheReadSide(final long customer, final String when) throws Exception
    {
        final String token = tokens.sign(storefront, customer, System.currentTimeMillis() / 1000 + 3600);
        final HttpResponse<String> held = send(storefront("/v1/checkouts").header("X-Customer-Token", token)
            .header("Idempotency-Key", "restart-" + customer).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"customerId\":" + customer + ",\"lines\":[{\"sku\":\"" + SKU +
                "\",\"qty\":1}]}")));
        assertThat(held.statusCode()).as(held.body()).isEqualTo(201);
        final String checkout = field(held.body(), "checkoutId");

        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String orders = "";
        String product = "";
        while (System.nanoTime() < deadline)
        {
            orders = send(storefront("/v1/me/orders").header("X-Customer-Token", token)).body();
            product = send(storefront("/v1/products/" + SKU)).body();
            if (orders.contains("\"checkoutId\":\"" + checkout + "\"") && product.contains("\"held\":" + customer + ","))
            {
                break;
            }
            Thread.sleep(50);
        }
        final String metrics = send(HttpRequest.newBuilder(uri("/metrics"))).body().lines()
            .filter(line -> line.startsWith("flashsale_projection")).collect(java.util.stream.Collectors.joining("\n"));
        assertThat(metrics).as("%s: the projections are up", when)
            .contains("flashsale_projection_up{projection=\"orders\"} 1", "flashsale_projection_up{projection=\"catalog\"} 1");
        assertJournalsWarmedAhead(when);
        assertThat(orders).as("%s: the new order is in the customer's history", when)
            .contains("\"checkoutId\":\"" + checkout + "\"");
        assertThat(product).as("%s: the product page shows the new hold", when).contains("\"held\":" + customer + ",");
        // every body is JSON, and says the same read as JSON
        assertThat(JSON.readTree(held.body()).path("checkoutId").asText()).as("%s: the checkout's answer", when)
            .isEqualTo(checkout);
        assertThat(JSON.readTree(orders).findValuesAsText("checkoutId")).as("%s: the order history, as JSON", when)
            .contains(checkout);
        assertThat(JSON.readTree(product).findPath("held").asLong(-1)).as("%s: the product page, as JSON", when)
            .isEqualTo(customer);
    }

    /**
     * The page warmer holds both journals' next pages in the page cache ahead of their writers
     * ({@code journal.warm-ahead-bytes}, 16 MiB by default; the file's end may come first).
     */
    private void assertJournalsWarmedAhead(final String when) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        java.util.Map<String, Long> ahead = java.util.Map.of();
        while (System.nanoTime() < deadline)
        {
            ahead = send(HttpRequest.newBuilder(uri("/metrics"))).body().lines()
                .filter(line -> line.startsWith("flashsale_journal_") && line.contains("_warm_ahead_bytes "))
                .collect(java.util.stream.Collectors.toMap(line -> line.substring(0, line.indexOf(' ')),
                    line -> (long)Double.parseDouble(line.substring(line.indexOf(' ') + 1))));
            if (ahead.size() == 2 && ahead.values().stream().allMatch(bytes -> bytes >= 1 << 20))
            {
                return;
            }
            Thread.sleep(50);
        }
        assertThat(ahead).as("%s: at least 1 MiB of each journal's file cached past its writer", when)
            .containsOnlyKeys("flashsale_journal_input_warm_ahead_bytes", "flashsale_journal_event_warm_ahead_bytes")
            .allSatisfy((name, bytes) -> assertThat(bytes).isGreaterThanOrEqualTo(1 << 20));
    }

    /**
     * The node's threads' nice values and scheduling policies (fields 19 and 41 of
     * /proc/PID/task/TID/stat), by thread name (Linux only).
     */
    private static void assertFollowersAtLowerPriority(final Process node, final String when) throws IOException
    {
        if (!System.getProperty("os.name").startsWith("Linux"))
        {
            return;
        }
        final java.util.Map<String, String> sched = new java.util.HashMap<>();
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(node.pid()), "task")))
        {
            for (final Path task : (Iterable<Path>)tasks::iterator)
            {
                final String stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
                final String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                sched.put(name, "policy " + fields[38] + " nice " + fields[16]);
            }
        }
        final java.util.List<String> loops = sched.entrySet().stream().filter(e -> e.getKey().startsWith("flashsale-http"))
            .map(java.util.Map.Entry::getValue).distinct().toList();
        assertThat(loops).as("%s: the event loops keep the priority the node started with", when).hasSize(1);
        assertThat(loops.get(0)).as("%s: the event loops' policy is the normal one", when).startsWith("policy 0 ");
        final int loopNice = Integer.parseInt(loops.get(0).substring(loops.get(0).lastIndexOf(' ') + 1));
        final String followers = mayTakePriorityBack()
            ? "policy 5 nice 0" // SCHED_IDLE, checked first that it can go back to nice 0
            : "policy 0 nice " + Math.max(loopNice, 10); // a node started above 10 cannot go back down to it
        assertThat(sched).as("%s: the followers' threads (names cut to 15 characters)", when)
            .containsEntry("flashsale-snaps", followers).containsEntry("flashsale-proje", followers);
    }

    /** @return true if this process (and so the node it starts) has CAP_SYS_NICE (bit 23 of CapEff). */
    private static boolean mayTakePriorityBack() throws IOException
    {
        for (final String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII))
        {
            if (line.startsWith("CapEff:"))
            {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 1L << 23) != 0;
            }
        }
        return false;
    }

    private Process start(final Path data, final Path log) throws Exception
    {
        final ProcessBuilder builder = new ProcessBuilder(NodeProcess.command(data, port)).redirectErrorStream(true)
            .redirectOutput(log.toFile());
        builder.environment().put("FLASHSALE_GATEWAY_BIND_ADDRESS", "127.0.0.1");
        builder.environment().put("FLASHSALE_GATEWAY_CUSTOMER_RATE_PER_SECOND", "0");
        builder.environment().put("FLASHSALE_ENGINE_CUSTOMER_CAPACITY", "10000");
        builder.environment().put("FLASHSALE_ENGINE_CHECKOUT_CAPACITY", "10000");
        builder.environment().put("FLASHSALE_ENGINE_IDEMPOTENCY_CAPACITY", "10000");
        final Process child = builder.start();
        NodeProcess.awaitReady(child, port, log, Duration.ofSeconds(60));
        return child;
    }

    private HttpRequest.Builder storefront(final String path)
    {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).header("X-Api-Key", storefrontKey);
    }

    private HttpRequest.Builder admin(final String path, final String key)
    {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).header("X-Api-Key", key)
            .header("Content-Type", "application/json");
    }

    private HttpResponse<String> send(final HttpRequest.Builder request) throws IOException, InterruptedException
    {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
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

    private static String field(final String json, final String name)
    {
        final Matcher matcher = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
        assertThat(matcher.find()).as(json).isTrue();
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
