package dev.flashsale.server.plot;

import java.util.Formatter;
import java.util.List;
import java.util.Locale;

/**
 * A minimal SVG 1.1 writer, enough for line charts: lines, polylines, text and a legend row. Our
 * own because the project takes no dependency for two files of markup. Coordinates are pixels
 * from the top left, written with one decimal; every text is escaped, so file names and titles
 * may hold any character.
 */
final class Svg
{
    /** One legend entry: a short line of the series' style, then its label. */
    record LegendEntry(String label, String color, String dash)
    {
    }

    private static final double LEGEND_SAMPLE_PX = 22;
    /** A generous average width of a 12 px sans-serif character, to lay the legend out without a font. */
    private static final double CHAR_WIDTH_PX = 7;

    private final StringBuilder text = new StringBuilder(64 * 1024);
    private final Formatter out = new Formatter(text, Locale.ROOT);
    private final int width;

    Svg(final int width, final int height, final String title)
    {
        this.width = width;
        out.format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>%n");
        out.format("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" " +
            "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", width, height, width, height);
        out.format("<title>%s</title>%n", escape(title));
        out.format("<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height);
        text(width / 2.0, 24, "middle", 16, "bold", title);
    }

    int width()
    {
        return width;
    }

    void line(final double x1, final double y1, final double x2, final double y2, final String color, final double strokeWidth)
    {
        out.format("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%.1f\"/>%n",
            x1, y1, x2, y2, color, strokeWidth);
    }

    void text(final double x, final double y, final String anchor, final String value)
    {
        out.format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>%n", x, y, anchor, escape(value));
    }

    void text(final double x, final double y, final String anchor, final int size, final String weight, final String value)
    {
        out.format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\" font-weight=\"%s\">%s</text>%n",
            x, y, anchor, size, weight, escape(value));
    }

    /** Text turned a quarter counter-clockwise about its anchor, for a vertical axis' title. */
    void verticalText(final double x, final double y, final String value)
    {
        out.format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 %.1f %.1f)\">%s</text>%n",
            x, y, x, y, escape(value));
    }

    /**
     * A series: the first {@code count} points joined, without fill; its name as a {@code <title>}
     * (a viewer shows it on hover, a test finds the series by it). A single point is drawn as a dot.
     *
     * @param dash an SVG dash array, or null for a solid line.
     */
    void polyline(final double[] xs, final double[] ys, final int count, final String color, final double strokeWidth,
        final String dash, final String name)
    {
        out.format("<polyline class=\"series\" fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\" stroke-linejoin=\"round\"",
            color, strokeWidth);
        if (dash != null)
        {
            out.format(" stroke-dasharray=\"%s\"", dash);
        }
        text.append(" stroke-linecap=\"round\" points=\"");
        for (int i = 0; i < count; i++)
        {
            out.format(i == 0 ? "%.1f,%.1f" : " %.1f,%.1f", xs[i], ys[i]);
        }
        if (count == 1)
        {
            out.format(" %.1f,%.1f", xs[0], ys[0]); // a lone point: a segment of no length, drawn as a dot by its round cap
        }
        out.format("\"><title>%s</title></polyline>%n", escape(name));
    }

    /** The entries left to right from {@code x}, wrapping to a new row at the right margin. */
    void legend(final double x, final double y, final List<LegendEntry> entries)
    {
        double left = x;
        double baseline = y;
        for (final LegendEntry entry : entries)
        {
            final double entryWidth = LEGEND_SAMPLE_PX + 6 + CHAR_WIDTH_PX * entry.label().length() + 16;
            if (left > x && left + entryWidth > width - 10)
            {
                left = x;
                baseline += 16;
            }
            out.format("<g class=\"legend\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" " +
                "stroke-width=\"2.5\"%s/>", left, baseline - 4, left + LEGEND_SAMPLE_PX, baseline - 4, entry.color(),
                entry.dash() == null ? "" : " stroke-dasharray=\"" + entry.dash() + "\"");
            out.format("<text x=\"%.1f\" y=\"%.1f\">%s</text></g>%n", left + LEGEND_SAMPLE_PX + 6, baseline,
                escape(entry.label()));
            left += entryWidth;
        }
    }

    /** @return the whole document. */
    String finish()
    {
        text.append("</svg>\n");
        return text.toString();
    }

    static String escape(final String value)
    {
        final StringBuilder escaped = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                default -> escaped.append(c < 0x20 ? ' ' : c); // XML 1.0 has no control characters but tab and line breaks
            }
        }
        return escaped.toString();
    }
}
