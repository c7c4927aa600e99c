package dev.flashsale.server.plot;

import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One HdrHistogram interval log ({@code .hlog}) read whole: the per-interval figures the latency
 * over time needs, and the sum of the intervals for the percentile distribution. Values are
 * latencies in nanoseconds, as {@code flashsale loadgen --hlog} writes them. Immutable once read.
 */
final class LatencyLog
{
    /**
     * The most intervals a log may hold: eleven days at one a second. A bound, so that a wrong file
     * (or a log of a month) is refused with a message instead of drawing a million-point line.
     */
    static final int MAX_INTERVALS = 1_000_000;

    /** One interval: where it lies from the start of the log, how many latencies it holds, and its tail. */
    record Interval(double startSeconds, double lengthSeconds, long count, long p50Nanos, long p99Nanos,
        long p999Nanos, long maxNanos)
    {
        double endSeconds()
        {
            return startSeconds + lengthSeconds;
        }

        /** @return latencies recorded per second of the interval; 0 for an interval of no length. */
        double ratePerSecond()
        {
            return lengthSeconds > 0 ? count / lengthSeconds : 0;
        }
    }

    private final String label;
    private final List<Interval> intervals;
    private final Histogram total;

    private LatencyLog(final String label, final List<Interval> intervals, final Histogram total)
    {
        this.label = label;
        this.intervals = Collections.unmodifiableList(intervals);
        this.total = total;
    }

    /**
     * Reads a whole log.
     *
     * @throws IllegalArgumentException (a usage error) if the file is missing, unreadable, not an
     *                                  interval log, holds no interval, or more than {@link #MAX_INTERVALS}.
     */
    static LatencyLog read(final Path file)
    {
        if (!Files.exists(file))
        {
            throw new IllegalArgumentException(file + ": no such file");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file))
        {
            throw new IllegalArgumentException(file + ": not a readable file");
        }
        final List<Interval> intervals = new ArrayList<>();
        final Histogram total = new Histogram(3);
        try (InputStream in = Files.newInputStream(file))
        {
            final HistogramLogReader reader = new HistogramLogReader(in);
            for (EncodableHistogram next = next(reader, file); next != null; next = next(reader, file))
            {
                if (!(next instanceof Histogram interval))
                {
                    throw new IllegalArgumentException(file + ": holds " + next.getClass().getSimpleName() +
                        " intervals; flashsale plot reads integer latencies in nanoseconds");
                }
                if (intervals.size() == MAX_INTERVALS)
                {
                    throw new IllegalArgumentException(file + ": more than " + MAX_INTERVALS + " intervals");
                }
                intervals.add(interval(interval, reader.getStartTimeSec()));
                total.add(interval);
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException(file + ": cannot read: " + ex.getMessage(), ex);
        }
        if (intervals.isEmpty())
        {
            throw new IllegalArgumentException(file + ": no intervals: empty, or not an HdrHistogram interval log");
        }
        return new LatencyLog(label(file), intervals, total);
    }

    /** @return the next interval, or null at the end (or at a line the reader cannot parse, as it does). */
    private static EncodableHistogram next(final HistogramLogReader reader, final Path file)
    {
        try
        {
            return reader.nextIntervalHistogram();
        }
        catch (final RuntimeException ex)
        {
            // The reader's decoding errors (bad base64, a damaged compressed histogram) are unchecked.
            throw new IllegalArgumentException(file + ": not an HdrHistogram interval log: " + ex.getMessage(), ex);
        }
    }

    private static Interval interval(final Histogram histogram, final double logStartSeconds)
    {
        final double startSeconds = histogram.getStartTimeStamp() / 1000.0 - logStartSeconds;
        final double lengthSeconds = (histogram.getEndTimeStamp() - histogram.getStartTimeStamp()) / 1000.0;
        return new Interval(startSeconds, lengthSeconds, histogram.getTotalCount(),
            histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(99), histogram.getValueAtPercentile(99.9),
            histogram.getMaxValue());
    }

    /** @return the file name without its {@code .hlog}: what the legend calls the run. */
    static String label(final Path file)
    {
        final String name = file.getFileName().toString();
        return name.endsWith(".hlog") && name.length() > ".hlog".length() ?
            name.substring(0, name.length() - ".hlog".length()) : name;
    }

    String label()
    {
        return label;
    }

    List<Interval> intervals()
    {
        return intervals;
    }

    /** @return the sum of every interval: the run's whole latency distribution (do not modify). */
    Histogram total()
    {
        return total;
    }
}
