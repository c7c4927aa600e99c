package dev.flashsale.server.node;

import dev.flashsale.gateway.auth.Credentials;
import dev.flashsale.replication.ClusterNodeConfig;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three {@code flashsale run} members as separate processes, started as production starts them
 * ({@link NodeProcess}: the launcher's JVM flags, no {@code -ea}), each with its data directory
 * {@code member-<id>} and its log {@code member-<id>.log} (appended to across restarts) under one
 * work directory. For the slow process tests of a cluster's life: start, stop, kill, restart.
 */
final class ClusterProcesses implements AutoCloseable
{
    static final int MEMBERS = 3;
    /** Longer than a member's election watchdog (30 s) and its exit take. */
    private static final long JOIN_WAIT_S = 75;
    private static final Pattern ELECTION_CLOSED = Pattern.compile("(?m)^flashsale_cluster_election_state\\{state=\"closed\"} 1$");

    private final Path work;
    private final int basePort;
    private final Path credentialsFile;
    private final Credentials.Generated credentials;
    private final int[] httpPorts = new int[MEMBERS];
    /** Read by a test's threads while one of them starts a member again: each slot is read and set atomically. */
    private final AtomicReferenceArray<Process> members = new AtomicReferenceArray<>(MEMBERS);
    private final Map<String, String> extraEnvironment = new HashMap<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2)).build();

    ClusterProcesses(final Path work, final Random random) throws IOException
    {
        this.work = Files.createDirectories(work).toAbsolutePath();
        this.basePort = freeBasePort(random);
        credentialsFile = this.work.resolve("credentials.properties");
        credentials = Credentials.loadOrCreate(credentialsFile, new Credentials[1]);
        for (int id = 0; id < MEMBERS; id++)
        {
            httpPorts[id] = freePort();
        }
    }

    /** Sets an environment variable for every member started from now on. */
    ClusterProcesses environment(final String name, final String value)
    {
        extraEnvironment.put(name, value);
        return this;
    }

    Path work()
    {
        return work;
    }

    Path dataDirectory(final int id)
    {
        return work.resolve("member-" + id);
    }

    Path log(final int id)
    {
        return work.resolve("member-" + id + ".log");
    }

    Process process(final int id)
    {
        return members.get(id);
    }

    Credentials.Generated credentials()
    {
        return credentials;
    }

    String describe()
    {
        return "cluster.base-port " + basePort + ", HTTP ports " + java.util.Arrays.toString(httpPorts) + ", logs in " + work;
    }

    void startAll() throws IOException
    {
        for (int id = 0; id < MEMBERS; id++)
        {
            start(id);
        }
    }

    /** Starts member {@code id} (again), its output appended to its log. */
    Process start(final int id) throws IOException
    {
        final Process started = processBuilder(id).redirectOutput(ProcessBuilder.Redirect.appendTo(log(id).toFile())).start();
        members.set(id, started);
        return started;
    }

    /** @return the command line and environment of member {@code id}, its output not yet redirected. */
    ProcessBuilder processBuilder(final int id)
    {
        final ProcessBuilder builder = new ProcessBuilder(NodeProcess.memberCommand(dataDirectory(id), httpPorts[id]))
            .redirectErrorStream(true);
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
        environment.putAll(extraEnvironment);
        return builder;
    }

    void awaitAllReady() throws Exception
    {
        for (int id = 0; id < MEMBERS; id++)
        {
            awaitReady(id);
        }
    }

    /**
     * Waits until member {@code id} answers 200 on /health/ready and follows or leads the cluster's
     * log (its election closed). A member that cannot follow the log fails itself and exits 1
     * (docs/REPLICATION.md, "Stopping, failing, restarting": Aeron leaves some start-ups unable to
     * join, rarely); it is started again once, as a service manager would, and said on stdout.
     */
    void awaitReady(final int id) throws Exception
    {
        for (int attempt = 1; ; attempt++)
        {
            NodeProcess.awaitReady(members.get(id), httpPorts[id], log(id), Duration.ofSeconds(90));
            if (awaitJoined(id))
            {
                return;
            }
            if (attempt == 2)
            {
                throw new AssertionError("member " + id + " failed itself twice: " + Files.readString(log(id)));
            }
            System.out.printf("member %d could not follow the cluster's log and failed itself (exit 1; %s): started again%n",
                id, failureLine(id));
            start(id);
        }
    }

    /** @return the last line of member {@code id}'s log that says why it failed, or a note that none does. */
    String failureLine(final int id)
    {
        try
        {
            return Files.readAllLines(log(id)).stream().filter(line -> line.contains(" failed: "))
                .reduce((first, second) -> second).map(String::strip).orElse("no line of its log says why");
        }
        catch (final IOException ex)
        {
            return "its log: " + ex;
        }
    }

    /** @return true once the member's election is closed; false if it exited 1 first (it failed itself). */
    private boolean awaitJoined(final int id) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(JOIN_WAIT_S);
        while (true)
        {
            final Process member = members.get(id);
            if (!member.isAlive())
            {
                if (member.exitValue() == 1)
                {
                    return false;
                }
                throw new AssertionError("member " + id + " exited (" + member.exitValue() + "): " + Files.readString(log(id)));
            }
            try
            {
                if (ELECTION_CLOSED.matcher(metrics(id)).find())
                {
                    return true;
                }
            }
            catch (final IOException ex)
            {
                // stopping
            }
            assertThat(System.nanoTime() - deadline).as("member %d not following the cluster's log after %d s; %s", id,
                JOIN_WAIT_S, describe()).isNegative();
            Thread.sleep(100);
        }
    }

    /** @return the member whose metrics say it leads, among those running. */
    int leader() throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline)
        {
            for (int id = 0; id < MEMBERS; id++)
            {
                final Process member = members.get(id);
                if (member == null || !member.isAlive())
                {
                    continue;
                }
                try
                {
                    if (metrics(id).contains("\nflashsale_cluster_member_leader 1\n"))
                    {
                        return id;
                    }
                }
                catch (final IOException ex)
                {
                    // stopping or paused
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no member says it leads");
    }

    String metrics(final int id) throws IOException, InterruptedException
    {
        return send(HttpRequest.newBuilder(uri(id, "/metrics")).timeout(Duration.ofSeconds(5))
            .header("X-Api-Key", credentials.adminKey())).body();
    }

    HttpResponse<String> send(final HttpRequest.Builder request) throws IOException, InterruptedException
    {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    URI uri(final int member, final String path)
    {
        return URI.create("http://127.0.0.1:" + httpPorts[member] + path);
    }

    /** Kills every member still running (SIGKILL) and waits for each. */
    @Override
    public void close() throws InterruptedException
    {
        for (int id = 0; id < MEMBERS; id++)
        {
            final Process member = members.get(id);
            if (member != null)
            {
                member.destroyForcibly();
                member.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    static void deleteRecursively(final Path directory) throws IOException
    {
        try (var files = Files.walk(directory))
        {
            for (final Path file : files.sorted(java.util.Comparator.reverseOrder()).toList())
            {
                Files.delete(file);
            }
        }
    }

    /** A base port in 21000..21969 whose three members' UDP ports are all free now. */
    static int freeBasePort(final Random random)
    {
        for (int attempt = 0; attempt < 1_000; attempt++)
        {
            final int base = 21_000 + random.nextInt(97) * 10;
            boolean free = true;
            for (int port = base; port < base + MEMBERS * ClusterNodeConfig.PORTS_PER_MEMBER && free; port++)
            {
                try (DatagramSocket socket = new DatagramSocket(port, InetAddress.getLoopbackAddress()))
                {
                    socket.getLocalPort();
                }
                catch (final SocketException ex)
                {
                    free = false;
                }
            }
            if (free)
            {
                return base;
            }
        }
        throw new AssertionError("no free cluster.base-port in 21000..21969");
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }
}
