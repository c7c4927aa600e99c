package dev.flashsale.server.plot;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Latency over time: the p50, p99, p99.9 and maximum of each interval in ms, and below, in a
 * smaller panel on the same time axis, the values per second of each interval (the answers a
 * load run got). Each interval is drawn at its end, in seconds from the start of its log, so
 * that several logs start together. An interval without a value has no latency to draw: the
 * latency lines skip it, the rate shows its zero.
 */
final class TimelinePlot
{
    static final int WIDTH = 900;
    static final int HEIGHT = 500;
    private static final double NANOS_PER_MS = 1e6;
    private static final String RATE_COLOR_ONE_LOG = "#444444";

    /** One latency line of each interval, and how it is drawn. */
    private enum Series
    {
        P50("p50", LatencyLog.Interval::p50Nanos, "#1f77b4", null, 1.5),
        P99("p99", LatencyLog.Interval::p99Nanos, "#ff7f0e", "6 3", 1.5),
        P999("p99.9", LatencyLog.Interval::p999Nanos, "#d62728", "2 2", 1.5),
        MAX("max", LatencyLog.Interval::maxNanos, "#7f7f7f", "1 3", 1.2);

        final String label;
        final ToLongFunction<LatencyLog.Interval> nanos;
        final String color;
        final String dash;
        final double strokeWidth;

        Series(final String label, final ToLongFunction<LatencyLog.Interval> nanos, final String color, final String dash,
            final double strokeWidth)
        {
            this.label = label;
            this.nanos = nanos;
            this.color = color;
            this.dash = dash;
            this.strokeWidth = strokeWidth;
        }
    }

    private TimelinePlot()
    {
    }

    /** @return the SVG document. */
    static String render(final List<LatencyLog> logs, final String title)
    {
        double endSeconds = 0;
        double maxMs = 0;
        double maxRate = 0;
        for (final LatencyLog log : logs)
        {
            for (final LatencyLog.Interval interval : log.intervals())
            {
                endSeconds = Math.max(endSeconds, interval.endSeconds());
                maxMs = Math.max(maxMs, interval.maxNanos() / NANOS_PER_MS);
                maxRate = Math.max(maxRate, interval.ratePerSecond());
            }
        }
        final Scale time = Scale.zeroTo(endSeconds, 10, false);
        final Panel latency = new Panel(75, 72, WIDTH - 40, 330, time, Scale.zeroTo(maxMs, 6, false));
        final Panel rate = new Panel(75, 352, WIDTH - 40, HEIGHT - 60, time, Scale.zeroTo(maxRate, 3, true));
        final Svg svg = new Svg(WIDTH, HEIGHT, title);
        latency.draw(svg, null, "latency (ms)");
        rate.draw(svg, "time (s)", "per second");
        final boolean oneLog = logs.size() == 1;
        for (int i = 0; i < logs.size(); i++)
        {
            final LatencyLog log = logs.get(i);
            for (final Series series : Series.values())
            {
                drawLatency(svg, latency, log, series, oneLog ? series.color : Palette.file(i));
            }
            drawRate(svg, rate, log, oneLog ? RATE_COLOR_ONE_LOG : Palette.file(i));
        }
        svg.legend(latency.left, 50, legend(logs));
        return svg.finish();
    }

    private static List<Svg.LegendEntry> legend(final List<LatencyLog> logs)
    {
        final List<Svg.LegendEntry> entries = new ArrayList<>();
        if (logs.size() == 1)
        {
            for (final Series series : Series.values())
            {
                entries.add(new Svg.LegendEntry(series.label, series.color, series.dash));
            }
            entries.add(new Svg.LegendEntry("per second (below)", RATE_COLOR_ONE_LOG, null));
            return entries;
        }
        for (int i = 0; i < logs.size(); i++)
        {
            entries.add(new Svg.LegendEntry(logs.get(i).label(), Palette.file(i), null));
        }
        for (final Series series : Series.values())
        {
            entries.add(new Svg.LegendEntry(series.label, "#555555", series.dash));
        }
        return entries;
    }

    private static void drawLatency(final Svg svg, final Panel panel, final LatencyLog log, final Series series,
        final String color)
    {
        final List<LatencyLog.Interval> intervals = log.intervals();
        final double[] xs = new double[intervals.size()];
        final double[] ys = new double[intervals.size()];
        int count = 0;
        for (final LatencyLog.Interval interval : intervals)
        {
            if (interval.count() > 0)
            {
                xs[count] = panel.pixelX(interval.endSeconds());
                ys[count] = panel.pixelY(series.nanos.applyAsLong(interval) / NANOS_PER_MS);
                count++;
            }
        }
        svg.polyline(xs, ys, count, color, series.strokeWidth, series.dash, log.label() + " " + series.label);
    }

    private static void drawRate(final Svg svg, final Panel panel, final LatencyLog log, final String color)
    {
        final List<LatencyLog.Interval> intervals = log.intervals();
        final double[] xs = new double[intervals.size()];
        final double[] ys = new double[intervals.size()];
        for (int i = 0; i < intervals.size(); i++)
        {
            xs[i] = panel.pixelX(intervals.get(i).endSeconds());
            ys[i] = panel.pixelY(intervals.get(i).ratePerSecond());
        }
        svg.polyline(xs, ys, xs.length, color, 1.5, null, log.label() + " per second");
    }
}
