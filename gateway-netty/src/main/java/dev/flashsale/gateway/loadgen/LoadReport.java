package dev.flashsale.gateway.loadgen;

import org.HdrHistogram.Histogram;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Formatter;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * What a {@link LoadGenerator} run measured. Answers and latencies are those of the requests sent
 * in the measured window, whenever their answer came (up to the grace period); a latency runs from
 * the request's intended start in an open loop, from its sending in a closed loop. Failures count
 * over the whole run, warm-up included. Immutable.
 */
public final class LoadReport
{
    private static final double NANOS_PER_MS = 1_000_000.0;
    private static final double[] PERCENTILES = {50, 90, 99, 99.9, 99.99};

    private final String workload;
    private final String target;
    private final long targetRate;
    private final int connections;
    private final int ioThreads;
    private final String transport;
    private final int warmupSeconds;
    private final int durationSeconds;
    private final Histogram latencyNanos;
    private final Histogram sentLateNanos;
    private final long[][] answers;
    private final Failures failures;
    private final ServerCpu.Usage serverCpu;

    /** What went wrong during a run. */
    record Failures(long connectFailures, long connectionsLost, long exceptions, long unanswered, String first)
    {
    }

    LoadReport(final LoadOptions options, final String transport, final Histogram latencyNanos,
        final Histogram sentLateNanos, final long[][] answers, final Failures failures, final ServerCpu.Usage serverCpu)
    {
        this.workload = workload(options);
        this.target = LoadPlan.hostAndPort(options);
        this.targetRate = options.rate();
        this.connections = options.connections();
        this.ioThreads = options.ioThreads();
        this.transport = transport;
        this.warmupSeconds = options.warmupSeconds();
        this.durationSeconds = options.durationSeconds();
        this.latencyNanos = latencyNanos;
        this.sentLateNanos = sentLateNanos;
        this.answers = answers;
        this.failures = failures;
        this.serverCpu = serverCpu;
    }

    /** @return the requests per second the run was asked for; 0 for a closed loop. */
    public long targetRate()
    {
        return targetRate;
    }

    public int connections()
    {
        return connections;
    }

    /** @return the length of the measured window. */
    public int durationSeconds()
    {
        return durationSeconds;
    }

    /** @return answers per second over the measured window. */
    public double achievedRate()
    {
        return (double)answers() / durationSeconds;
    }

    /** @return answers to the requests of the measured window. */
    public long answers()
    {
        long total = 0;
        for (final RequestKind kind : RequestKind.values())
        {
            total += answers(kind);
        }
        return total;
    }

    /** @return answers of one kind, any status. */
    public long answers(final RequestKind kind)
    {
        long total = 0;
        for (final long count : answers[kind.ordinal()])
        {
            total += count;
        }
        return total;
    }

    /** @return answers with one status, any kind. */
    public long answers(final int status)
    {
        long total = 0;
        for (final RequestKind kind : RequestKind.values())
        {
            total += answers(kind, status);
        }
        return total;
    }

    /** @return answers of one kind with one status. */
    public long answers(final RequestKind kind, final int status)
    {
        return status >= 0 && status < LoopState.STATUS_LIMIT ? answers[kind.ordinal()][status] : 0;
    }

    /** @return connections that could not be opened (the run went on with the others). */
    public long connectFailures()
    {
        return failures.connectFailures();
    }

    /** @return connections the server closed during the run. */
    public long connectionsLost()
    {
        return failures.connectionsLost();
    }

    /** @return connections closed after an exception: a reset, an invalid or oversized answer. */
    public long exceptions()
    {
        return failures.exceptions();
    }

    /** @return connections that failed in any of the three ways; each fails at most once. */
    public long errors()
    {
        return connectFailures() + connectionsLost() + exceptions();
    }

    /** @return requests sent that got no answer: in flight when their connection failed or the run stopped. */
    public long unanswered()
    {
        return failures.unanswered();
    }

    /** @return what the first failure was, or null if there was none. */
    public String firstFailure()
    {
        return failures.first();
    }

    /** @return a copy of the latency distribution of the measured answers, in nanoseconds. */
    public Histogram latencyNanos()
    {
        return latencyNanos.copy();
    }

    /**
     * @return open loop: a copy of how late the load generator sent the measured requests that waited for
     *     their intended start, in nanoseconds (empty for a closed loop). Part of every latency: a tail
     *     here is the load generator's (a busy machine, its own pauses), not the server's.
     */
    public Histogram sentLateNanos()
    {
        return sentLateNanos.copy();
    }

    /** @return cores the server used on average in the measured window; NaN if it was not measured. */
    public double serverCores()
    {
        return serverCpu == null ? Double.NaN : serverCpu.cores();
    }

    /** @return a readable multi-line account of the run (no trailing line break). */
    public String summary()
    {
        final StringBuilder text = new StringBuilder(1024);
        final Formatter out = new Formatter(text, Locale.ROOT);
        out.format("flashsale loadgen: %s, against %s", workload, target);
        line(out, "mode", targetRate == 0 ?
            "closed loop: each connection sends its next request when the answer to the previous one arrives" :
            String.format(Locale.ROOT, "open loop at %,d requests/s; latency from each request's intended start " +
                "(corrected for coordinated omission)", targetRate));
        line(out, "connections", String.format(Locale.ROOT, "%,d on %d I/O thread%s (%s), at most one request in flight each",
            connections, ioThreads, ioThreads == 1 ? "" : "s", transport));
        line(out, "duration", String.format(Locale.ROOT, "%,d s measured after %,d s of warm-up", durationSeconds,
            warmupSeconds));
        line(out, "achieved", String.format(Locale.ROOT, "%,.1f answers/s (%,d answers)", achievedRate(), answers()));
        if (latencyNanos.getTotalCount() == 0)
        {
            line(out, "latency", "no answers in the measured window");
        }
        else
        {
            line(out, "latency ms", distribution(latencyNanos));
        }
        if (sentLateNanos.getTotalCount() > 0)
        {
            line(out, "sent late ms", distribution(sentLateNanos) + String.format(Locale.ROOT, "  (%,d requests that" +
                " waited for their start: the load generator's own delay, inside the latency above)",
                sentLateNanos.getTotalCount()));
        }
        String label = "answers";
        for (final RequestKind kind : RequestKind.values())
        {
            if (answers(kind) == 0)
            {
                continue;
            }
            final StringJoiner statuses = new StringJoiner("  ", String.format(Locale.ROOT, "%-9s", kind.label()), "");
            for (int status = 0; status < LoopState.STATUS_LIMIT; status++)
            {
                if (answers(kind, status) != 0)
                {
                    statuses.add(String.format(Locale.ROOT, "%d x %,d", status, answers(kind, status)));
                }
            }
            line(out, label, statuses.toString());
            label = "";
        }
        serverCpu(out);
        if (errors() == 0 && unanswered() == 0)
        {
            line(out, "errors", "none");
        }
        else
        {
            line(out, "errors", String.format(Locale.ROOT, "%,d connections failed (%,d could not connect, " +
                "%,d closed by the server, %,d after an exception), %,d requests unanswered", errors(), connectFailures(),
                connectionsLost(), exceptions(), unanswered()));
            line(out, "first", firstFailure() == null ? "requests unanswered at the stop" : firstFailure());
        }
        return text.toString();
    }

    /** The server's CPU in the window, if a pid was given: cores, answers per core-second, the busiest threads. */
    private void serverCpu(final Formatter out)
    {
        if (serverCpu == null)
        {
            return;
        }
        line(out, "server cpu", String.format(Locale.ROOT, "%.2f cores (pid %d, over %.1f s), %,.0f answers per server " +
            "core-second", serverCpu.cores(), serverCpu.pid(), serverCpu.seconds(),
            serverCpu.cores() > 0 ? achievedRate() / serverCpu.cores() : 0.0));
        final StringJoiner threads = new StringJoiner("  ");
        for (final ServerCpu.ThreadUsage thread : serverCpu.threads())
        {
            threads.add(String.format(Locale.ROOT, "%s %.2f", thread.name(), thread.cores()));
        }
        line(out, "cpu threads", threads.toString());
    }

    /**
     * Writes the latency percentile distribution in HdrHistogram's text format, in milliseconds
     * (the {@code .hgrm} that HdrHistogram's plotter reads).
     */
    public void writeHgrm(final Path file) throws IOException
    {
        try (PrintStream out = new PrintStream(new BufferedOutputStream(Files.newOutputStream(file)), false,
            StandardCharsets.US_ASCII))
        {
            latencyNanos.outputPercentileDistribution(out, NANOS_PER_MS);
            if (out.checkError())
            {
                throw new IOException("cannot write " + file);
            }
        }
    }

    /** @return the percentiles and the maximum of a distribution in nanoseconds, in milliseconds. */
    private static String distribution(final Histogram nanos)
    {
        final StringJoiner text = new StringJoiner("  ");
        for (final double percentile : PERCENTILES)
        {
            text.add(String.format(Locale.ROOT, "p%s %.3f", percentileLabel(percentile),
                nanos.getValueAtPercentile(percentile) / NANOS_PER_MS));
        }
        text.add(String.format(Locale.ROOT, "max %.3f", nanos.getMaxValue() / NANOS_PER_MS));
        return text.toString();
    }

    private static void line(final Formatter out, final String label, final String value)
    {
        out.format("%n  %-13s %s", label, value);
    }

    private static String percentileLabel(final double percentile)
    {
        return percentile == Math.rint(percentile) ? Long.toString((long)percentile) : Double.toString(percentile);
    }

    /** @return one line that says what a run measures, for the head of its interval log. */
    static String describe(final LoadOptions options)
    {
        return String.format(Locale.ROOT, "flashsale loadgen: %s, against %s, %s; latency in ns from each request's " +
            "intended start, one interval a second from the start of the measured window", workload(options),
            LoadPlan.hostAndPort(options), options.rate() == 0 ? "closed loop" :
            String.format(Locale.ROOT, "open loop at %d requests/s", options.rate()));
    }

    private static String workload(final LoadOptions options)
    {
        return switch (options.scenario())
        {
            case HELLO -> "HELLO, GET " + options.path();
            case HOT -> String.format(Locale.ROOT, "HOT, reserves of %sHOT by %,d customers%s", options.skuPrefix(),
                options.customers(), followUps(options));
            case SPREAD -> String.format(Locale.ROOT, "SPREAD, reserves of %,d SKUs %s0..%d by %,d customers%s",
                options.skus(), options.skuPrefix(), options.skus() - 1, options.customers(), followUps(options));
        };
    }

    private static String followUps(final LoadOptions options)
    {
        return String.format(Locale.ROOT, " (%.0f%% then confirmed, %.0f%% cancelled)", 100 * options.confirmFraction(),
            100 * options.cancelFraction());
    }
}
