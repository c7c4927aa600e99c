package dev.flashsale.gateway.loadgen;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The latencies of a run as an HdrHistogram interval log ({@code .hlog}): one histogram a second,
 * in nanoseconds, merged over the event loops, written with {@link HistogramLogWriter} so that
 * {@link org.HdrHistogram.HistogramLogReader}, HdrHistogram's own tools and {@code flashsale plot}
 * read it.
 *
 * <p>An answer goes to the interval in which it arrived (as jHiccup and wrk2 log), and the first
 * interval starts with the measured window: warm-up answers are never recorded. Answers to the
 * window's requests that arrive after the window are not dropped either, so that the intervals
 * add up to the run's whole histogram (the report's and the {@code .hgrm}'s): the window's last
 * interval runs on through the second after the window, which in a closed loop holds the last
 * requests in flight (one interval per measured second, the last a little longer); a backlog that
 * lasts longer, an open loop behind its schedule, gets intervals of its own until the grace period
 * ends. Each interval carries its real start and length, so its rate is its count over its length.
 *
 * <p>Single-threaded, on the caller's thread of {@link LoadGenerator#run}: {@link #start} before
 * the load, {@link #roll} at each boundary while the event loops record, a last {@link #roll} and
 * {@link #close} after they terminated. Each loop's {@link LoopState#intervalNanos} is a
 * single-writer recorder, so a roll swaps histograms with the loop without a lock and without
 * allocating, once the first roll has taken one spare histogram per loop. Times are
 * {@link System#nanoTime()}; the log's base time is the window's start in epoch milliseconds,
 * anchored once.
 */
final class LatencyIntervalLog implements AutoCloseable
{
    private static final double NANOS_PER_SECOND = 1e9;

    private final Path file;
    private final PrintStream out;
    private final HistogramLogWriter writer;
    private final LoopState[] loops;
    /** Per loop, the histogram handed back to its recorder at the next roll. */
    private final Histogram[] spares;
    private final Histogram merged;
    private final String description;
    private long windowStartNanos;
    private long intervalStartNanos;
    private boolean started;

    private LatencyIntervalLog(final Path file, final PrintStream out, final LoopState[] loops,
        final long highestTrackableNanos, final String description)
    {
        this.file = file;
        this.out = out;
        this.writer = new HistogramLogWriter(out);
        this.loops = loops;
        this.spares = new Histogram[loops.length];
        this.merged = new Histogram(highestTrackableNanos, 3);
        this.description = description;
    }

    /**
     * Creates (or truncates) the file before the run, so that a path that cannot be written stops
     * the run before it loads a server for nothing.
     *
     * @param loops every loop's state, each with an {@link LoopState#intervalNanos} recorder.
     * @throws UncheckedIOException if the file cannot be created.
     */
    static LatencyIntervalLog create(final Path file, final LoopState[] loops, final long highestTrackableNanos,
        final String description)
    {
        for (final LoopState loop : loops)
        {
            if (loop.intervalNanos == null)
            {
                throw new IllegalArgumentException("every loop needs an interval recorder");
            }
        }
        try
        {
            final PrintStream out = new PrintStream(new BufferedOutputStream(Files.newOutputStream(file)), false,
                StandardCharsets.US_ASCII);
            return new LatencyIntervalLog(file, out, loops, highestTrackableNanos, description);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + file + ": " + ex, ex);
        }
    }

    /** Writes the header: the first interval starts at {@code windowStartNanos}, the log's time zero. */
    void start(final long windowStartNanos, final long nowNanos, final long nowEpochMs)
    {
        final long windowStartEpochMs = nowEpochMs + (windowStartNanos - nowNanos) / 1_000_000;
        this.windowStartNanos = windowStartNanos;
        this.intervalStartNanos = windowStartNanos;
        this.started = true;
        writer.outputComment(description);
        writer.outputLogFormatVersion();
        writer.outputStartTime(windowStartEpochMs);
        writer.outputBaseTime(windowStartEpochMs);
        writer.outputLegend();
    }

    /**
     * Ends the current interval at {@code nowNanos}: takes what every loop recorded since the last
     * roll and writes it as one interval. Nothing is written before the window started (a run
     * that failed in its warm-up has no intervals).
     */
    void roll(final long nowNanos)
    {
        if (!started || nowNanos <= intervalStartNanos)
        {
            return;
        }
        for (int i = 0; i < loops.length; i++)
        {
            spares[i] = loops[i].intervalNanos.getIntervalHistogram(spares[i]);
            merged.add(spares[i]);
        }
        writer.outputIntervalHistogram((intervalStartNanos - windowStartNanos) / NANOS_PER_SECOND,
            (nowNanos - windowStartNanos) / NANOS_PER_SECOND, merged);
        merged.reset();
        intervalStartNanos = nowNanos;
    }

    /** @throws UncheckedIOException if any write failed (a PrintStream keeps only that it did). */
    @Override
    public void close()
    {
        out.flush();
        final boolean failed = out.checkError();
        out.close();
        if (failed)
        {
            throw new UncheckedIOException("cannot write " + file, new IOException("the interval log's stream failed"));
        }
    }
}
