package dev.flashsale.server.plot;

import org.HdrHistogram.HistogramIterationValue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The percentile distribution of each log, all intervals together, overlaid: latency in ms
 * against the percentile on the "nines" scale ({@link Scale#percentiles}), one line per log, the
 * tail on the right where it can be read. The axis reaches the nines the biggest log can show
 * (99 % for a hundred latencies, 99.9999 % for a million), never fewer than two.
 */
final class PercentilePlot
{
    static final int WIDTH = 900;
    static final int HEIGHT = 500;
    /** HdrHistogram's default resolution of a percentile distribution: 5 points per halving of the tail. */
    private static final int TICKS_PER_HALF_DISTANCE = 5;
    private static final int MIN_NINES = 2;
    private static final int MAX_NINES = 9;
    private static final double NANOS_PER_MS = 1e6;

    private PercentilePlot()
    {
    }

    /** @return the SVG document. */
    static String render(final List<LatencyLog> logs, final String title)
    {
        long biggest = 1;
        double maxMs = 0;
        for (final LatencyLog log : logs)
        {
            biggest = Math.max(biggest, log.total().getTotalCount());
            maxMs = Math.max(maxMs, log.total().getMaxValue() / NANOS_PER_MS);
        }
        final int nines = Math.max(MIN_NINES, Math.min(MAX_NINES, (int)Math.ceil(Math.log10(biggest))));
        final Panel panel = new Panel(75, 72, WIDTH - 40, HEIGHT - 60, Scale.percentiles(nines),
            Scale.zeroTo(maxMs, 8, false));
        final Svg svg = new Svg(WIDTH, HEIGHT, title);
        panel.draw(svg, "percentile", "latency (ms)");
        final List<Svg.LegendEntry> legend = new ArrayList<>(logs.size());
        for (int i = 0; i < logs.size(); i++)
        {
            final LatencyLog log = logs.get(i);
            final String color = Palette.file(i);
            drawDistribution(svg, panel, log, color);
            legend.add(new Svg.LegendEntry(String.format(Locale.ROOT, "%s (%,d values, max %.3f ms)", log.label(),
                log.total().getTotalCount(), log.total().getMaxValue() / NANOS_PER_MS), color, null));
        }
        svg.legend(panel.left, 50, legend);
        return svg.finish();
    }

    private static void drawDistribution(final Svg svg, final Panel panel, final LatencyLog log, final String color)
    {
        double[] xs = new double[256];
        double[] ys = new double[256];
        int count = 0;
        for (final HistogramIterationValue value : log.total().percentiles(TICKS_PER_HALF_DISTANCE))
        {
            if (count == xs.length)
            {
                xs = Arrays.copyOf(xs, count * 2);
                ys = Arrays.copyOf(ys, count * 2);
            }
            // Beyond the last nine (and at 100 %, the maximum) a point sits on the right edge.
            xs[count] = panel.pixelX(Math.min(Scale.position(value.getPercentileLevelIteratedTo()), panel.x.max));
            ys[count] = panel.pixelY(value.getValueIteratedTo() / NANOS_PER_MS);
            count++;
        }
        svg.polyline(xs, ys, count, color, 2, null, log.label());
    }
}
