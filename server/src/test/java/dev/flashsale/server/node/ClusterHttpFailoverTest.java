package dev.flashsale.server.node;

import dev.flashsale.gateway.auth.Credentials;
import dev.flashsale.gateway.auth.CustomerTokens;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
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
import java.util.concurrent.CopyOnWriteArrayList;
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
 * is ready again, serves the reserves acknowledged before and takes new ones, and the new order shows
 * in the customer's order history through both members' read services. The members run under a
 * supervisor, as production's do: a member that fails itself (exit 1) is started again and said on
 * stdout; only the members the test kills stay down.
 */
@Tag("slow")
class ClusterHttpFailoverTest
{
    private static final int MEMBERS = ClusterProcesses.MEMBERS;
    private static final int SHOPPERS = 4;
    /** One SKU sells out (no oversell is then a real check), the other keeps taking reserves after the failover. */
    private static final Map<String, Integer> STOCK = Map.of("FAIL-A", 40, "FAIL-B", 1_000);
    private static final List<String> SKUS = List.of("FAIL-A", "FAIL-B");
    private static final Pattern CHECKOUT_ID = Pattern.compile("\"checkoutId\":\"(\\d+)\"");

    private final Map<Long, Reserved> acknowledged = new ConcurrentHashMap<>();
    private final AtomicReference<Throwable> shopperFailure = new AtomicReference<>();
    private ClusterProcesses cluster;
    private Credentials.Generated credentials;
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** The members this test killed, which the supervisor leaves down. */
    private final boolean[] killed = new boolean[MEMBERS];
    /** The members the supervisor started again (once each at most; guarded by {@link #killed}). */
    private final boolean[] restarted = new boolean[MEMBERS];
    /** What the supervisor did: a member that exited on its own, why (its log's line), and its restart. */
    private final List<String> restarts = new CopyOnWriteArrayList<>();
    private volatile long killedAtNs;
    private final AtomicLong firstAckAfterKillNs = new AtomicLong();
    /** How the requests sent after the kill ended: by status code, or "io" for no answer (refused, timed out). */
    private final Map<String, AtomicLong> afterKillOutcomes = new ConcurrentHashMap<>();

    record Reserved(long customerId, String sku, int qty)
    {
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void everyAcknowledgedReserveSurvivesTheLeadersKillNineThroughHttp() throws Exception
    {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        cluster = new ClusterProcesses(Path.of("target", "cluster-http-test", Long.toString(System.currentTimeMillis())), random);
        credentials = cluster.credentials();
        final Thread supervisor = new Thread(this::supervise, "supervisor");
        supervisor.setDaemon(true);
        try
        {
            cluster.startAll();
            cluster.awaitAllReady();
            supervisor.start();
            run(random);
            supervisor.interrupt();
            supervisor.join();
            cluster.close();
            ClusterProcesses.deleteRecursively(cluster.work());
        }
        catch (final AssertionError | Exception ex)
        {
            throw new AssertionError("seed " + seed + ", " + cluster.describe() + ": " + ex.getMessage() +
                (restarts.isEmpty() ? "" : "\nrestarted by the supervisor: " + restarts) + membersNow(), ex);
        }
        finally
        {
            supervisor.interrupt();
            supervisor.join(TimeUnit.SECONDS.toMillis(30));
            cluster.close();
        }
    }

    /**
     * What a service manager does for {@code flashsale run} (docs/REPLICATION.md, "Stopping, failing,
     * restarting"): a member that exits 1 on its own, having stopped working, is started again, once
     * per member here; the test's own kills stay down. Seen in CI (December 2026, the second of two
     * failures with no 201 after the kill): a survivor failed itself about 25 s after the last member
     * was ready, and the one member left had no majority for the rest of the test. Why was not in CI's output (access lines pushed it out). Two
     * known ways there: a member that never joined the log at start-up, which the test used to miss
     * (it waited for HTTP readiness only; {@link ClusterProcesses#awaitReady} also waits for the
     * member to follow the log, and starts it again once if it failed itself, as happened to one
     * member in a local run), failed by its election watchdog after 30 s; and a new leader whose
     * service container cannot join the new term's log (Aeron issue 1923, "Cluster log must be
     * contiguous" when the service lagged the commit position). Each restart is printed with the
     * line of the member's log that says why.
     */
    private void supervise()
    {
        try
        {
            while (!Thread.currentThread().isInterrupted())
            {
                for (int id = 0; id < MEMBERS; id++)
                {
                    final Process member = cluster.process(id);
                    synchronized (killed)
                    {
                        if (killed[id] || restarted[id] || member.isAlive() || member.exitValue() != 1)
                        {
                            continue;
                        }
                        restarted[id] = true;
                        final String restart = "member " + id + " exited " + member.exitValue() + " (" + cluster.failureLine(id) +
                            "): started again";
                        restarts.add(restart);
                        System.out.println(restart);
                        cluster.start(id);
                    }
                }
                Thread.sleep(100);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final IOException ex)
        {
            shopperFailure.compareAndSet(null, new AssertionError("the supervisor could not start a member", ex));
        }
    }

    /** Waits until every member the supervisor started again is ready and follows the log. */
    private void awaitRestartedReady() throws Exception
    {
        for (int id = 0; id < MEMBERS; id++)
        {
            final boolean wait;
            synchronized (killed)
            {
                wait = restarted[id] && !killed[id];
            }
            if (wait)
            {
                cluster.awaitReady(id);
            }
        }
    }

    /** Kills member {@code id} with SIGKILL and waits for it; the supervisor leaves it down. */
    private void kill(final int id) throws InterruptedException
    {
        final Process member;
        synchronized (killed)
        {
            killed[id] = true;
            member = cluster.process(id);
        }
        member.destroyForcibly();
        assertThat(member.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    private void run(final Random random) throws Exception
    {
        final int leader = cluster.leader();
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
        kill(leader);
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
        awaitRestartedReady();
        assertThat(firstAckAfterKillNs.get()).as("a reserve sent after the kill was acknowledged by a survivor (leader %d" +
            " killed; requests sent after the kill ended %s)", leader, afterKillOutcomes).isPositive();
        System.out.printf("cluster http failover: leader %d killed; first 201 through a surviving gateway %d ms after the kill;" +
                " %d answers, %d acknowledged reserves%n", leader,
            TimeUnit.NANOSECONDS.toMillis(firstAckAfterKillNs.get() - killedAtNs), answered.get(), acknowledged.size());

        assertThat(acknowledged).hasSizeGreaterThan(20);
        checkEveryAcknowledgedReserve(other);
        checkStock(entry);
        noMajorityThenRecovered(leader);
    }

    /**
     * What each member said when the test failed, for a failure seen only in CI's output: its cluster
     * gauges and counters, and the last lines of its log that are not access lines.
     */
    private String membersNow()
    {
        final StringBuilder out = new StringBuilder();
        for (int id = 0; id < MEMBERS; id++)
        {
            final Process member = cluster.process(id);
            out.append("\n--- member ").append(id).append(member == null ? " not started" :
                member.isAlive() ? " alive" : " exited " + member.exitValue());
            if (member != null && member.isAlive())
            {
                try
                {
                    final String metrics = cluster.metrics(id);
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
                // access lines of either level left out: a member without a leader writes a WARN line per
                // 503, and those pushed the line that said why member 0 stopped out of CI's output once
                final List<String> lines = Files.readAllLines(cluster.log(id)).stream()
                    .filter(line -> !line.contains(" access - ") && !line.startsWith("\tat ")).toList();
                lines.subList(Math.max(0, lines.size() - 25), lines.size())
                    .forEach(line -> out.append("\n  ").append(line, 0, Math.min(line.length(), 300)));
            }
            catch (final IOException ex)
            {
                out.append("\n  log: ").append(ex);
            }
        }
        return out.toString();
    }

    private void noMajorityThenRecovered(final int firstKilled) throws Exception
    {
        final int second = cluster.leader();
        kill(second); // one member of three left
        final int alone = MEMBERS - firstKilled - second;
        assertThat(awaitReadiness(alone, 503)).as("member %d alone, without a majority, says it is not ready", alone)
            .isTrue();

        synchronized (killed)
        {
            killed[firstKilled] = false;
            cluster.start(firstKilled); // its history, as kill -9 left it
        }
        cluster.awaitReady(firstKilled);
        assertThat(awaitReadiness(alone, 200)).as("member %d ready again once a majority is back", alone).isTrue();
        checkEveryAcknowledgedReserve(alone);
        final CustomerTokens tokens = new CustomerTokens();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int status = 0;
        String body = "";
        while (status != 201 && System.nanoTime() < deadline)
        {
            final HttpResponse<String> held = send(storefront(alone, "/v1/checkouts", tokens, 424_242)
                .header("Idempotency-Key", "after-the-majority-is-back").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"customerId\":424242,\"lines\":[{\"sku\":\"FAIL-B\",\"qty\":1}]}")));
            status = held.statusCode();
            body = held.body();
            assertThat(status).as(body).isIn(201, 503);
            if (status == 503)
            {
                pause();
            }
        }
        assertThat(status).as("a reserve through member %d once a majority is back", alone).isEqualTo(201);
        final String checkoutId = JSON.readTree(body).get("checkoutId").asText();
        for (final int member : new int[] {alone, firstKilled})
        {
            assertOrderInHistory(member, tokens, 424_242, checkoutId);
        }
    }

    /**
     * The member's read services (started with it, the restarted one's after a kill -9 on its history)
     * follow the cluster's new events: the customer's order history, read through that member's
     * gateway, shows the checkout within 15 s. Every answer is JSON.
     */
    private void assertOrderInHistory(final int member, final CustomerTokens tokens, final long customer,
        final String checkoutId) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        List<String> seen = List.of();
        while (System.nanoTime() < deadline)
        {
            final HttpResponse<String> orders = send(storefront(member, "/v1/me/orders", tokens, customer));
            assertThat(orders.statusCode()).as(orders.body()).isEqualTo(200);
            seen = JSON.readTree(orders.body()).findValuesAsText("checkoutId");
            if (seen.contains(checkoutId))
            {
                return;
            }
            Thread.sleep(50);
        }
        assertThat(seen).as("member %d's order history of customer %d", member, customer).contains(checkoutId);
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

    private HttpRequest.Builder storefront(final int member, final String path, final CustomerTokens tokens, final long customer)
    {
        return HttpRequest.newBuilder(uri(member, path)).timeout(Duration.ofSeconds(15))
            .header("X-Api-Key", credentials.storefrontKey())
            .header("X-Customer-Token", tokens.sign(credentials.storefront(), customer, System.currentTimeMillis() / 1000 + 3600));
    }

    private HttpResponse<String> send(final HttpRequest.Builder request) throws IOException, InterruptedException
    {
        return cluster.send(request);
    }

    private URI uri(final int member, final String path)
    {
        return cluster.uri(member, path);
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
}
