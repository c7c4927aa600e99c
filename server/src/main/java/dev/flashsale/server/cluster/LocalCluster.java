package dev.flashsale.server.cluster;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Three {@code flashsale run} processes on this machine, members 0, 1 and 2 of one cluster: started,
 * killed with SIGKILL, frozen and let run again (SIGSTOP, SIGCONT), restarted, and stopped with
 * SIGTERM. Member {@code m} journals to {@code member-m/} under the demo's directory, logs to
 * {@code member-m.log} beside it (appended across restarts), listens for HTTP on
 * {@code base-port + 30 + m} and uses the cluster's UDP ports from {@code base-port}
 * ({@code cluster.base-port}). Its state is read over HTTP: {@code /health/ready}
 * and the cluster series of {@code /metrics}.
 *
 * <p>It supervises the members as a service manager would: a member that exits on its own (a member
 * that can no longer follow the log fails itself, exit 1) is started again, at most
 * {@link #MAX_RESTARTS} times, and said on the output; a member stopped or killed on purpose is not.
 *
 * <p>Members reach each other at 127.0.0.1, or, built with names, by name ({@link MemberNames}): then
 * {@link #moveToNewAddress} gives a member that is not running a new address under the same name.
 */
final class LocalCluster
{
    static final int MEMBERS = 3;
    static final int HTTP_PORT_OFFSET = 30;
    private static final Pattern LEADER = Pattern.compile("(?m)^flashsale_cluster_member_leader (\\d+)");
    private static final Pattern TERM = Pattern.compile("(?m)^flashsale_cluster_leadership_term_id (-?\\d+)");
    private static final Pattern APPLIED = Pattern.compile("(?m)^flashsale_inputs_applied_total (\\d+)");
    private static final Pattern ELECTION = Pattern.compile("(?m)^flashsale_cluster_election_state\\{state=\"([a-z_]+)\"} 1$");
    static final int MAX_RESTARTS = 3;
    private static final long SUPERVISE_EVERY_MS = 200;

    private final Path root;
    private final int basePort;
    private final Path configFile;
    private final Path credentialsFile;
    private final String adminKey;
    private final PrintWriter out;
    private final MemberNames names; // null: every member at 127.0.0.1
    private final Process[] processes = new Process[MEMBERS]; // guarded by this
    private final boolean[] wanted = new boolean[MEMBERS]; // guarded by this: started, not stopped or killed on purpose
    private final int[] restartCounts = new int[MEMBERS]; // guarded by this
    private final List<String> restarts = new ArrayList<>(); // guarded by this
    private Thread supervisor; // guarded by this
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(1)).build();

    /** @param byName members reach each other by name, through a hosts file under {@code root} ({@link MemberNames}). */
    LocalCluster(final Path root, final int basePort, final Path configFile, final Path credentialsFile, final String adminKey,
        final PrintWriter out, final boolean byName)
    {
        this.root = root;
        this.basePort = basePort;
        this.configFile = configFile;
        this.credentialsFile = credentialsFile;
        this.adminKey = adminKey;
        this.out = out;
        this.names = byName ? new MemberNames(root.resolve("hosts"), MEMBERS) : null;
    }

    /**
     * Points the name of a member that is not running at a new loopback address: started again, it
     * listens there, and the others find it by resolving its name again.
     *
     * @return the new address.
     */
    synchronized String moveToNewAddress(final int member)
    {
        if (names == null)
        {
            throw new IllegalStateException("the members are not reached by name");
        }
        if (alive(member))
        {
            throw new IllegalStateException("member " + member + " is running: stop it before it moves");
        }
        return names.move(member);
    }

    int httpPort(final int member)
    {
        return basePort + HTTP_PORT_OFFSET + member;
    }

    int[] httpPorts()
    {
        final int[] ports = new int[MEMBERS];
        for (int m = 0; m < MEMBERS; m++)
        {
            ports[m] = httpPort(m);
        }
        return ports;
    }

    Path dataDirectory(final int member)
    {
        return root.resolve("member-" + member);
    }

    Path log(final int member)
    {
        return root.resolve("member-" + member + ".log");
    }

    synchronized boolean alive(final int member)
    {
        return processes[member] != null && processes[member].isAlive();
    }

    /** @return one line per member the supervisor started again after it exited on its own. */
    synchronized List<String> restarts()
    {
        return List.copyOf(restarts);
    }

    /** Starts the member's process; its output is appended to its log. From now on it is supervised. */
    synchronized void start(final int member) throws IOException
    {
        final Path log = log(member);
        Files.writeString(log, "=== flashsale cluster-demo starts member " + member + " at " + Instant.now() + "\n",
            StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        final ProcessBuilder builder = new ProcessBuilder(MemberCommandLine.command(dataDirectory(member), httpPort(member),
            configFile, names == null ? List.of() : names.jvmOptions()))
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        final Map<String, String> environment = builder.environment();
        environment.put("FLASHSALE_CLUSTER_MEMBER_ID", Integer.toString(member));
        environment.put("FLASHSALE_CLUSTER_MEMBERS", names == null ? "0=127.0.0.1,1=127.0.0.1,2=127.0.0.1" : names.members());
        environment.put("FLASHSALE_CLUSTER_BASE_PORT", Integer.toString(basePort));
        environment.put("FLASHSALE_GATEWAY_BIND_ADDRESS", "127.0.0.1");
        environment.put("FLASHSALE_GATEWAY_CREDENTIALS_FILE", credentialsFile.toAbsolutePath().toString());
        processes[member] = builder.start();
        wanted[member] = true;
        if (supervisor == null)
        {
            supervisor = new Thread(this::supervise, "cluster-demo-supervisor");
            supervisor.setDaemon(true);
            supervisor.start();
        }
    }

    /** Until every member is stopped on purpose: starts again a wanted member whose process exited. */
    private void supervise()
    {
        try
        {
            while (true)
            {
                Thread.sleep(SUPERVISE_EVERY_MS);
                synchronized (this)
                {
                    for (int m = 0; m < MEMBERS; m++)
                    {
                        if (wanted[m] && !processes[m].isAlive())
                        {
                            restartExited(m);
                        }
                    }
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** Holds the lock. A member that exited 2 (refused configuration, port taken) would only exit 2 again. */
    private void restartExited(final int member)
    {
        final int code = processes[member].exitValue();
        final String why = failureLine(member);
        final boolean again = code != 2 && restartCounts[member] < MAX_RESTARTS;
        final String line = "member " + member + " exited on its own with code " + code + (why.isEmpty() ? "" : " (" + why + ")") +
            (again ? "; started again, as a supervisor would" : "; not started again (" + (code == 2 ?
                "exit 2 is a refused configuration" : MAX_RESTARTS + " restarts already") + ")");
        restarts.add(line);
        out.println("  " + line);
        out.flush();
        if (!again)
        {
            wanted[member] = false;
            return;
        }
        restartCounts[member]++;
        try
        {
            start(member);
        }
        catch (final IOException ex)
        {
            wanted[member] = false;
            out.println("  member " + member + " could not be started again: " + ex);
        }
    }

    /** @return the member's last "cluster member N failed" line from its log, without the time and thread; empty if none. */
    private String failureLine(final int member)
    {
        try
        {
            final String needle = "cluster member " + member + " failed";
            final String[] lines = logTail(member).split("\n");
            for (int i = lines.length - 1; i >= 0; i--)
            {
                final int at = lines[i].indexOf(needle);
                if (at >= 0)
                {
                    final String found = lines[i].substring(at);
                    return found.length() > 300 ? found.substring(0, 300) + "..." : found;
                }
            }
            return "";
        }
        catch (final IOException ex)
        {
            return "";
        }
    }

    /** Starts the member and waits until its gateway is ready. @return milliseconds from the start to ready. */
    long startAndAwaitReady(final int member, final long timeoutMs) throws IOException, InterruptedException
    {
        final long startNs = System.nanoTime();
        start(member);
        awaitStarted(member, timeoutMs);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
    }

    /** Waits until a member started with {@link #start} is ready. @throws IllegalStateException with its log's tail if not. */
    void awaitStarted(final int member, final long timeoutMs) throws IOException, InterruptedException
    {
        if (!awaitReady(member, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs)))
        {
            final String state;
            synchronized (this)
            {
                state = processes[member].isAlive() ? " was not ready within " + timeoutMs + " ms" :
                    " exited with code " + processes[member].exitValue() + " and is not started again";
            }
            throw new IllegalStateException("member " + member + state + "; its log: " + log(member) +
                " (its last lines but the access log's):\n" + tail(logTail(member, 1 << 20)));
        }
    }

    /**
     * @return true once the member answers {@code /health/ready} 200; false if the deadline passed or its
     * process exited and is not started again.
     */
    private boolean awaitReady(final int member, final long deadlineNs) throws InterruptedException
    {
        while (System.nanoTime() - deadlineNs < 0)
        {
            synchronized (this)
            {
                if (!wanted[member] && !processes[member].isAlive())
                {
                    return false;
                }
            }
            final HttpResponse<String> ready = get(member, "/health/ready");
            if (ready != null && ready.statusCode() == 200)
            {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** @return the live member whose metrics say it leads, once one does; -1 if none within the timeout. */
    int awaitLeader(final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() - deadline < 0)
        {
            for (int m = 0; m < MEMBERS; m++)
            {
                if (alive(m) && metric(m, LEADER) == 1)
                {
                    return m;
                }
            }
            Thread.sleep(20);
        }
        return -1;
    }

    /**
     * Waits until every member follows or leads the log: no election under way on it (a member not running
     * counts as not following: call it when all should run).
     *
     * @return one line per member that still did not at the deadline, with its election state; empty if all do.
     */
    List<String> awaitJoined(final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true)
        {
            final List<String> waiting = new ArrayList<>();
            for (int m = 0; m < MEMBERS; m++)
            {
                final String state = electionState(m);
                if (!"closed".equals(state))
                {
                    waiting.add("member " + m + ": " + (state == null ? "not answering" : "election state " + state));
                }
            }
            if (waiting.isEmpty() || System.nanoTime() - deadline >= 0)
            {
                return waiting;
            }
            Thread.sleep(100);
        }
    }

    /** @return the member's election state as its metrics say ({@code closed} when it follows or leads), null if unreadable. */
    private String electionState(final int member)
    {
        if (!alive(member))
        {
            return null;
        }
        final HttpResponse<String> metrics = get(member, "/metrics");
        if (metrics == null || metrics.statusCode() != 200)
        {
            return null;
        }
        final Matcher matcher = ELECTION.matcher(metrics.body());
        return matcher.find() ? matcher.group(1) : null;
    }

    /** @return the sequence of the last input the member's engine applied, or -1 if it cannot be read now. */
    long appliedSequence(final int member)
    {
        return alive(member) ? metric(member, APPLIED) : -1;
    }

    /** @return the highest leadership term the live members have applied, -1 if none can be read. */
    long leadershipTerm()
    {
        long term = -1;
        for (int m = 0; m < MEMBERS; m++)
        {
            term = Math.max(term, alive(m) ? metric(m, TERM) : -1);
        }
        return term;
    }

    /** Sends SIGKILL and waits for the process to be gone. @return {@link System#nanoTime()} when it was gone. */
    long kill(final int member) throws InterruptedException
    {
        final Process process;
        synchronized (this)
        {
            wanted[member] = false;
            process = processes[member];
        }
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            throw new IllegalStateException("member " + member + " still runs 30 s after SIGKILL");
        }
        return System.nanoTime();
    }

    /** @return true if the member's metrics say it leads now; false if it does not or cannot be read. */
    boolean leads(final int member)
    {
        return alive(member) && metric(member, LEADER) == 1;
    }

    /** Freezes the member's process with SIGSTOP: it neither runs nor exits until {@link #resume}. */
    void pause(final int member) throws IOException, InterruptedException
    {
        signal(member, "STOP");
    }

    /** Lets a member frozen by {@link #pause} run again (SIGCONT). */
    void resume(final int member) throws IOException, InterruptedException
    {
        signal(member, "CONT");
    }

    /** Under the lock, so the supervisor cannot put a new process in the member's place meanwhile. */
    private synchronized void signal(final int member, final String signal) throws IOException, InterruptedException
    {
        final long pid = processes[member].pid();
        final Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
        final String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (kill.waitFor() != 0)
        {
            throw new IllegalStateException("kill -" + signal + " of member " + member + " (pid " + pid + ") failed: " + output);
        }
    }

    /**
     * Sends SIGTERM to every live member and waits up to the timeout for each to exit; sends SIGKILL
     * to any still alive then.
     *
     * @return one line per member killed after the timeout; empty if all stopped on SIGTERM.
     */
    List<String> stop(final long timeoutMs) throws InterruptedException
    {
        final List<String> killed = new ArrayList<>();
        final Process[] all = unsupervise();
        for (final Process process : all)
        {
            if (process != null && process.isAlive())
            {
                process.destroy(); // SIGTERM
            }
        }
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        for (int m = 0; m < MEMBERS; m++)
        {
            final Process process = all[m];
            if (process == null)
            {
                continue;
            }
            if (!process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS))
            {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
                killed.add("member " + m + " (pid " + process.pid() + ") still ran " + timeoutMs + " ms after SIGTERM:" +
                    " killed with SIGKILL");
            }
        }
        return killed;
    }

    /** Kills whatever still runs, without waiting for an orderly stop: for a demo that fails half-way. */
    void killAll()
    {
        for (final Process process : unsupervise())
        {
            if (process != null && process.isAlive())
            {
                process.destroyForcibly();
            }
        }
    }

    /** Stops the supervisor and wants no member any more. @return the members' processes (null where never started). */
    private synchronized Process[] unsupervise()
    {
        java.util.Arrays.fill(wanted, false);
        if (supervisor != null)
        {
            supervisor.interrupt();
            supervisor = null;
        }
        return processes.clone();
    }

    private long metric(final int member, final Pattern series)
    {
        final HttpResponse<String> metrics = get(member, "/metrics");
        if (metrics == null || metrics.statusCode() != 200)
        {
            return -1;
        }
        final Matcher matcher = series.matcher(metrics.body());
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    /** @return the answer, or null if the member cannot be reached now. */
    private HttpResponse<String> get(final int member, final String path)
    {
        try
        {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort(member) + path))
                .timeout(Duration.ofSeconds(2)).header("X-Api-Key", adminKey).build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (final IOException ex)
        {
            return null;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * @return the member's last {@code count} WARN and ERROR lines (of the last 64 KiB of its log),
     * each cut to 300 characters, or why they cannot be read: what a failed demo prints to say why.
     */
    String lastProblems(final int member, final int count)
    {
        try
        {
            final List<String> found = new ArrayList<>();
            final String[] lines = logTail(member).split("\n");
            for (int i = lines.length - 1; i >= 0 && found.size() < count; i--)
            {
                final String line = lines[i];
                if ((line.contains(" WARN ") || line.contains(" ERROR ")) && !line.contains(" access - "))
                {
                    found.add(0, "  " + (line.length() > 300 ? line.substring(0, 300) + "..." : line));
                }
            }
            return found.isEmpty() ? "  (none)" : String.join("\n", found);
        }
        catch (final IOException ex)
        {
            return "  (its log " + log(member) + " cannot be read: " + ex.getMessage() + ")";
        }
    }

    /** @return the last 64 KiB of the member's log. */
    private String logTail(final int member) throws IOException
    {
        return logTail(member, 64 << 10);
    }

    /** @return the last {@code bytes} of the member's log. */
    private String logTail(final int member, final int window) throws IOException
    {
        try (RandomAccessFile file = new RandomAccessFile(log(member).toFile(), "r"))
        {
            final long offset = Math.max(0, file.length() - window);
            file.seek(offset);
            final byte[] bytes = new byte[(int)(file.length() - offset)];
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** @return the last 20 lines of {@code log} that are not access lines (a readiness poll writes one every 50 ms). */
    private static String tail(final String log)
    {
        final List<String> lines = log.lines().filter(line -> !line.contains(" access - ")).toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }
}
