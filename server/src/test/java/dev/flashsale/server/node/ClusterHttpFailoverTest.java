package dev.flashsale.server.node;

import dev.flashsale.gateway.auth.Credentials;
import dev.flashsale.gateway.auth.CustomerTokens;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three {@code flashsale run} processes in cluster mode, started as production starts them. Shoppers
 * reserve through a follower's HTTP gateway; the leader is killed with SIGKILL; they keep reserving
 * through both survivors' gateways. Every reserve that got a 201 is then readable, held, through a
 * survivor, and no SKU sold or held more than its stock. Prints the failover an HTTP client saw:
 * from the kill to the first 201 of a reserve sent after it. Then the new leader is killed too: the
 * member left alone has no majority, and its gateway must say it is not ready rather than take
 * requests nobody decides; the first killed member restarts on its data directory, and the one left
 * is ready again, serves the reserves acknowledged before and takes new ones.
 */
@Tag("slow")
class ClusterHttpFailoverTest
{
    private static final int MEMBERS = 3;
    private static final int SHOPPERS = 4;
    /** One SKU sells out (no oversell is then a real check), the other keeps taking reserves after the failover. */
    private static final Map<String, Integer> STOCK = Map.of("FAIL-A", 40, "FAIL-B", 1_000);
    private static final List<String> SKUS = List.of("FAIL-A", "FAIL-B");
    private static final Pattern CHECKOUT_ID = Pattern.compile("\"checkoutId\":\"(\\d+)\"");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<Long, Reserved> acknowledged = new ConcurrentHashMap<>();
    private final AtomicReference<Throwable> shopperFailure = new AtomicReference<>();
    private final int[] httpPorts = new int[MEMBERS];
    private final Process[] members = new Process[MEMBERS];
    private Credentials.Generated credentials;
    private volatile long killedAtNs;
    private final AtomicLong firstAckAfterKillNs = new AtomicLong();
    /** How the requests sent after the kill ended: by status code, or "io" for no answer (refused, timed out). */
    private final Map<String, AtomicLong> afterKillOutcomes = new ConcurrentHashMap<>();

    record Reserved(long customerId, String sku, int qty)
    {
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void everyAcknowledgedReserveSurvivesTheLeadersKillNineThroughHttp() throws Exception
    {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final int basePort = ClusterBackendTest.freeBasePort(random);
        final Path work = Files.createDirectories(Path.of("target", "cluster-http-test", Long.toString(System.currentTimeMillis())))
            .toAbsolutePath();
        try
        {
            run(random, basePort, work);
            deleteRecursively(work);
        }
        catch (final AssertionError | RuntimeException ex)
        {
            throw new AssertionError("seed " + seed + ", cluster.base-port " + basePort + ", HTTP ports " +
                java.util.Arrays.toString(httpPorts) + ", logs in " + work + ": " + ex.getMessage() + membersNow(work), ex);
        }
        finally
        {
            for (final Process member : members)
            {
                if (member != null)
                {
                    member.destroyForcibly();
                    member.waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    private void run(final Random random, final int basePort, final Path work) throws Exception
    {
        final Credentials[] loaded = new Credentials[1];
        final Path credentialsFile = work.resolve("credentials.properties");
        credentials = Credentials.loadOrCreate(credentialsFile, loaded);
        for (int id = 0; id < MEMBERS; id++)
        {
            httpPorts[id] = freePort();
            members[id] = start(id, basePort, credentialsFile, work);
        }
        for (int id = 0; id < MEMBERS; id++)
        {
            awaitReady(id, work);
        }
        final int leader = leader();
        final int entry = (leader + 1) % MEMBERS;
        final int other = (leader + 2) % MEMBERS;
        for (final String sku : SKUS)
        {
            final HttpResponse<String> created = send(HttpRequest.newBuilder(uri(entry, "/v1/admin/skus/" + sku))
                .header("X-Api-Key", credentials.adminKey()).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"totalStock\":" + STOCK.get(sku) + ",\"perCustomerLimit\":5," +
                    "\"priceMinor\":500,\"currency\":\"EUR\"}")));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        }

        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong answered = new AtomicLong();
        final List<Thread> shoppers = new ArrayList<>();
        for (int s = 0; s < SHOPPERS; s++)
        {
            final long shopperSeed = random.nextLong();
            final int afterKill = s % 2 == 0 ? entry : other; // after the kill, half of them move to the other survivor
            final Thread shopper = new Thread(() ->
            {
                try
                {
                    shop(shopperSeed, entry, afterKill, running, answered);
                }
                catch (final RuntimeException | AssertionError ex)
                {
                    shopperFailure.compareAndSet(null, ex);
                }
            }, "shopper-" + s);
            shopper.start();
            shoppers.add(shopper);
        }
        awaitAtLeast(answered, 60);
        killedAtNs = System.nanoTime();
        members[leader].destroyForcibly(); // SIGKILL
        assertThat(members[leader].waitFor(30, TimeUnit.SECONDS)).isTrue();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (firstAckAfterKillNs.get() == 0 && System.nanoTime() < deadline && shopperFailure.get() == null)
        {
            Thread.sleep(5);
        }
        final long reservesAfterFailover = answered.get();
        awaitAtLeast(answered, reservesAfterFailover + 60);
        running.set(false);
        for (final Thread shopper : shoppers)
        {
            shopper.join(30_000);
        }
        if (shopperFailure.get() != null)
        {
            throw new AssertionError("a shopper failed", shopperFailure.get());
        }
        assertThat(firstAckAfterKillNs.get()).as("a reserve sent after the kill was acknowledged by a survivor (leader %d" +
            " killed; requests sent after the kill ended %s)", leader, afterKillOutcomes).isPositive();
        System.out.printf("cluster http failover: leader %d killed; first 201 through a surviving gateway %d ms after the kill;" +
                " %d answers, %d acknowledged reserves%n", leader,
            TimeUnit.NANOSECONDS.toMillis(firstAckAfterKillNs.get() - killedAtNs), answered.get(), acknowledged.size());

        assertThat(acknowledged).hasSizeGreaterThan(20);
        checkEveryAcknowledgedReserve(other);
        checkStock(entry);
        noMajorityThenRecovered(leader, basePort, credentialsFile, work);
    }

    /**
     * What each member said when the test failed, for a failure seen only in CI's output: its cluster
     * gauges and counters, and the last lines of its log that are not access lines.
     */
    private String membersNow(final Path work)
    {
        final StringBuilder out = new StringBuilder();
        for (int id = 0; id < MEMBERS; id++)
        {
            out.append("\n--- member ").append(id).append(members[id] == null ? " not started" :
                members[id].isAlive() ? " alive" : " exited " + members[id].exitValue());
            if (members[id] != null && members[id].isAlive())
            {
                try
                {
                    final String metrics = http.send(HttpRequest.newBuilder(uri(id, "/metrics")).timeout(Duration.ofSeconds(2))
                        .header("X-Api-Key", credentials.adminKey()).build(), HttpResponse.BodyHandlers.ofString()).body();
                    metrics.lines().filter(line -> line.startsWith("flashsale_cluster_") && !line.endsWith(" 0"))
                        .forEach(line -> out.append("\n  ").append(line));
                }
                catch (final IOException | InterruptedException | RuntimeException ex)
                {
                    out.append("\n  /metrics: ").append(ex);
                }
            }
            try
            {
                final List<String> lines = Files.readAllLines(work.resolve("member-" + id + ".log")).stream()
                    .filter(line -> !line.contains("] INFO access - ") && !line.startsWith("\tat ")).toList();
                lines.subList(Math.max(0, lines.size() - 15), lines.size())
                    .forEach(line -> out.append("\n  ").append(line, 0, Math.min(line.length(), 240)));
            }
            catch (final IOException ex)
            {
                out.append("\n  log: ").append(ex);
            }
        }
        return out.toString();
    }

    private void noMajorityThenRecovered(final int firstKilled, final int basePort, final Path credentialsFile,
        final Path work) throws Exception
    {
        final int second = leader();
        members[second].destroyForcibly(); // SIGKILL: one member of three left
        assertThat(members[second].waitFor(30, TimeUnit.SECONDS)).isTrue();
        final int alone = MEMBERS - firstKilled - second;
        assertThat(awaitReadiness(alone, 503)).as("member %d alone, without a majority, says it is not ready", alone)
            .isTrue();

        members[firstKilled] = start(firstKilled, basePort, credentialsFile, work); // its history, as kill -9 left it
        awaitReady(firstKilled, work);
        assertThat(awaitReadiness(alone, 200)).as("member %d ready again once a majority is back", alone).isTrue();
        checkEveryAcknowledgedReserve(alone);
        final CustomerTokens tokens = new CustomerTokens();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int status = 0;
        while (status != 201 && System.nanoTime() < deadline)
        {
            final HttpResponse<String> held = send(storefront(alone, "/v1/checkouts", tokens, 424_242)
                .header("Idempotency-Key", "after-the-majority-is-back").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"customerId\":424242,\"lines\":[{\"sku\":\"FAIL-B\",\"qty\":1}]}")));
            status = held.statusCode();
            assertThat(status).as(held.body()).isIn(201, 503);
            if (status == 503)
            {
                pause();
            }
        }
        assertThat(status).as("a reserve through member %d once a majority is back", alone).isEqualTo(201);
    }

    /** @return true once {@code member}'s {@code /health/ready} answers {@code status}, within 60 s. */
    private boolean awaitReadiness(final int member, final int status) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline)
        {
            if (send(HttpRequest.newBuilder(uri(member, "/health/ready")).timeout(Duration.ofSeconds(2))).statusCode() == status)
            {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private void shop(final long seed, final int before, final int after, final AtomicBoolean running, final AtomicLong answered)
    {
        final Random random = new Random(seed);
        final CustomerTokens tokens = new CustomerTokens();
        int n = 0;
        while (running.get())
        {
            final long sentNs = System.nanoTime();
            final boolean afterKill = killedAtNs != 0 && sentNs - killedAtNs > 0;
            final int member = afterKill ? after : before;
            final long customer = 1 + random.nextInt(100_000);
            final String sku = SKUS.get(random.nextInt(SKUS.size()));
            final int qty = 1 + random.nextInt(2);
            final String key = Thread.currentThread().getName() + "-" + seed + "-" + n++;
            try
            {
                final HttpResponse<String> held = send(storefront(member, "/v1/checkouts", tokens, customer)
                    .header("Idempotency-Key", key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"customerId\":" + customer + ",\"lines\":[{\"sku\":\"" +
                        sku + "\",\"qty\":" + qty + "}]}")));
                answered.incrementAndGet();
                if (afterKill)
                {
                    afterKillOutcomes.computeIfAbsent(Integer.toString(held.statusCode()), code -> new AtomicLong()).incrementAndGet();
                }
                if (held.statusCode() == 201)
                {
                    final Matcher id = CHECKOUT_ID.matcher(held.body());
                    assertThat(id.find()).as(held.body()).isTrue();
                    acknowledged.put(Long.parseLong(id.group(1)), new Reserved(customer, sku, qty));
                    if (afterKill)
                    {
                        firstAckAfterKillNs.compareAndSet(0, System.nanoTime());
                    }
                }
                else
                {
                    // 409 sold out, 503 while there is no leader or the outcome is unknown
                    assertThat(held.statusCode()).as(held.body()).isIn(409, 503);
                    if (held.statusCode() == 503)
                    {
                        pause();
                    }
                }
            }
            catch (final IOException ex)
            {
                if (afterKill)
                {
                    afterKillOutcomes.computeIfAbsent("io", code -> new AtomicLong()).incrementAndGet();
                }
                pause(); // a connection to the killed member, or a timeout: unacknowledged
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void checkEveryAcknowledgedReserve(final int member) throws Exception
    {
        final CustomerTokens tokens = new CustomerTokens();
        for (final Map.Entry<Long, Reserved> entry : acknowledged.entrySet())
        {
            final Reserved reserved = entry.getValue();
            final HttpResponse<String> read = send(storefront(member, "/v1/checkouts/" + entry.getKey(), tokens,
                reserved.customerId()));
            assertThat(read.statusCode()).as("checkout %d: %s", entry.getKey(), read.body()).isEqualTo(200);
            assertThat(read.body()).as("checkout %d", entry.getKey()).contains("\"status\":\"HELD\"")
                .contains("\"sku\":\"" + reserved.sku() + "\",\"qty\":" + reserved.qty());
        }
    }

    private void checkStock(final int member) throws Exception
    {
        for (final String sku : SKUS)
        {
            final String body = send(HttpRequest.newBuilder(uri(member, "/v1/admin/skus/" + sku))
                .header("X-Api-Key", credentials.adminKey())).body();
            final long total = field(body, "totalStock");
            final long available = field(body, "available");
            final long held = field(body, "held");
            final long sold = field(body, "sold");
            final long acknowledgedUnits = acknowledged.values().stream().filter(r -> r.sku().equals(sku))
                .mapToLong(Reserved::qty).sum();
            assertThat(total).isEqualTo((long)STOCK.get(sku));
            assertThat(available).as("%s: %s", sku, body).isNotNegative();
            assertThat(available + held + sold).as("conservation of %s: %s", sku, body).isEqualTo(total);
            assertThat(held).as("every acknowledged hold of %s is held, and no more than the stock: %s", sku, body)
                .isBetween(acknowledgedUnits, total);
            if (sku.equals("FAIL-A"))
            {
                assertThat(available).as("%s sold out: %s", sku, body).isLessThan(2);
            }
        }
    }

    private Process start(final int id, final int basePort, final Path credentialsFile, final Path work) throws IOException
    {
        final ProcessBuilder builder = new ProcessBuilder(NodeProcess.memberCommand(work.resolve("member-" + id), httpPorts[id]))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("member-" + id + ".log").toFile())); // a restart appends
        final Map<String, String> environment = builder.environment();
        environment.put("FLASHSALE_CLUSTER_MEMBER_ID", Integer.toString(id));
        environment.put("FLASHSALE_CLUSTER_MEMBERS", "0=localhost,1=localhost,2=localhost");
        environment.put("FLASHSALE_CLUSTER_BASE_PORT", Integer.toString(basePort));
        environment.put("FLASHSALE_CLUSTER_TERM_LENGTH_BYTES", Integer.toString(256 * 1024));
        environment.put("FLASHSALE_GATEWAY_CREDENTIALS_FILE", credentialsFile.toString());
        environment.put("FLASHSALE_GATEWAY_BIND_ADDRESS", "127.0.0.1");
        environment.put("FLASHSALE_GATEWAY_CUSTOMER_RATE_PER_SECOND", "0");
        environment.put("FLASHSALE_GATEWAY_ENGINE_TIMEOUT_MS", "5000");
        environment.put("FLASHSALE_JOURNAL_SNAPSHOT_EVERY_INPUTS", "0");
        environment.put("FLASHSALE_ENGINE_CUSTOMER_CAPACITY", "100000");
        environment.put("FLASHSALE_ENGINE_CHECKOUT_CAPACITY", "20000");
        environment.put("FLASHSALE_ENGINE_IDEMPOTENCY_CAPACITY", "20000");
        environment.put("FLASHSALE_READ_CUSTOMERS", "10000");
        return builder.start();
    }

    private void awaitReady(final int id, final Path work) throws Exception
    {
        final Path log = work.resolve("member-" + id + ".log");
        NodeProcess.awaitReady(members[id], httpPorts[id], log, Duration.ofSeconds(90));
        assertThat(Files.readString(log)).contains("flashsale cluster member " + id + " of ");
    }

    /** @return the live member whose metrics say it leads. */
    private int leader() throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline)
        {
            for (int id = 0; id < MEMBERS; id++)
            {
                if (!members[id].isAlive())
                {
                    continue;
                }
                final String metrics = send(HttpRequest.newBuilder(uri(id, "/metrics"))
                    .header("X-Api-Key", credentials.adminKey())).body();
                if (metrics.contains("\nflashsale_cluster_member_leader 1\n"))
                {
                    return id;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no member says it leads");
    }

    private HttpRequest.Builder storefront(final int member, final String path, final CustomerTokens tokens, final long customer)
    {
        return HttpRequest.newBuilder(uri(member, path)).timeout(Duration.ofSeconds(15))
            .header("X-Api-Key", credentials.storefrontKey())
            .header("X-Customer-Token", tokens.sign(credentials.storefront(), customer, System.currentTimeMillis() / 1000 + 3600));
    }

    private HttpResponse<String> send(final HttpRequest.Builder request) throws IOException, InterruptedException
    {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(final int member, final String path)
    {
        return URI.create("http://127.0.0.1:" + httpPorts[member] + path);
    }

    private void awaitAtLeast(final AtomicLong answered, final long count) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (answered.get() < count && System.nanoTime() < deadline && shopperFailure.get() == null)
        {
            Thread.sleep(5);
        }
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
