package dev.flashsale.server.plot;

import java.util.Locale;

/**
 * One axis' range and ticks: values from {@link #min} to {@link #max} map linearly onto the axis,
 * with a label at each tick. The latency and rate axes start at zero and end at a round number
 * above the data; the percentile axis is linear in {@code log10(1 / (1 - p))}, so that each
 * "nine" (90 %, 99 %, 99.9 %...) takes the same room, as HdrHistogram's own plots draw it.
 */
final class Scale
{
    final double min;
    final double max;
    final double[] ticks;
    final String[] labels;

    private Scale(final double min, final double max, final double[] ticks, final String[] labels)
    {
        this.min = min;
        this.max = max;
        this.ticks = ticks;
        this.labels = labels;
    }

    /** @return where {@code value} lies on the axis, 0 at {@link #min} and 1 at {@link #max}, clamped. */
    double fraction(final double value)
    {
        return Math.max(0, Math.min(1, (value - min) / (max - min)));
    }

    /**
     * From zero to a round number at or above {@code dataMax}, with about {@code targetTicks}
     * ticks at steps of 1, 2, 2.5 or 5 times a power of ten.
     *
     * @param thousands whether labels of 10,000 and above are written in thousands ("40k").
     */
    static Scale zeroTo(final double dataMax, final int targetTicks, final boolean thousands)
    {
        final double top = dataMax > 0 && Double.isFinite(dataMax) ? dataMax : 1;
        final double step = niceStep(top / targetTicks);
        // A value a hair above a tick (a last interval of 20.007 s) is clamped to it rather than adding a step.
        final int count = Math.max(1, (int)Math.ceil(top / step - 0.01));
        final double[] ticks = new double[count + 1];
        final String[] labels = new String[count + 1];
        final boolean inThousands = thousands && count * step >= 10_000;
        for (int i = 0; i <= count; i++)
        {
            ticks[i] = i * step;
            labels[i] = i == 0 ? "0" : inThousands ? format(ticks[i] / 1000, step / 1000) + "k" : format(ticks[i], step);
        }
        return new Scale(0, count * step, ticks, labels);
    }

    /**
     * The percentile axis from 0 % to {@code nines} nines (2 = 99 %, 4 = 99.99 %), with ticks at
     * 0 %, 50 % and each nine. Its values are {@link #position} of a percentile.
     */
    static Scale percentiles(final int nines)
    {
        final double[] ticks = new double[nines + 2];
        final String[] labels = new String[nines + 2];
        ticks[0] = 0;
        labels[0] = "0%";
        ticks[1] = position(50);
        labels[1] = "50%";
        for (int nine = 1; nine <= nines; nine++)
        {
            ticks[nine + 1] = nine;
            labels[nine + 1] = nine == 1 ? "90%" : "99" + (nine == 2 ? "" : "." + "9".repeat(nine - 2)) + "%";
        }
        return new Scale(0, nines, ticks, labels);
    }

    /** @return {@code log10(1 / (1 - percentile / 100))}: 0 at 0 %, 1 at 90 %, 2 at 99 %; infinite at 100 %. */
    static double position(final double percentile)
    {
        return percentile >= 100 ? Double.POSITIVE_INFINITY : -Math.log10(1 - percentile / 100);
    }

    /** @return 1, 2, 2.5 or 5 times a power of ten, the smallest at or above {@code rough}. */
    static double niceStep(final double rough)
    {
        final double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
        final double normalised = rough / magnitude;
        final double nice = normalised <= 1 ? 1 : normalised <= 2 ? 2 : normalised <= 2.5 ? 2.5 : normalised <= 5 ? 5 : 10;
        return nice * magnitude;
    }

    /** @return the value with as many decimals as the step needs (0.25 needs two, 5 none). */
    static String format(final double value, final double step)
    {
        int decimals = 0;
        while (decimals < 9 && Math.abs(step * Math.pow(10, decimals) - Math.rint(step * Math.pow(10, decimals))) > 1e-6)
        {
            decimals++;
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
