package dev.flashsale.server.plot;

/**
 * A rectangle of the drawing with an x and a y {@link Scale}: turns data into pixels, and draws
 * its frame, grid lines, ticks, tick labels and axis titles. Series are drawn by the plots.
 */
final class Panel
{
    private static final String AXIS_COLOR = "#333333";
    private static final String GRID_COLOR = "#e4e4e4";

    final double left;
    final double top;
    final double right;
    final double bottom;
    final Scale x;
    final Scale y;

    Panel(final double left, final double top, final double right, final double bottom, final Scale x, final Scale y)
    {
        this.left = left;
        this.top = top;
        this.right = right;
        this.bottom = bottom;
        this.x = x;
        this.y = y;
    }

    double pixelX(final double value)
    {
        return left + x.fraction(value) * (right - left);
    }

    double pixelY(final double value)
    {
        return bottom - y.fraction(value) * (bottom - top);
    }

    /**
     * Grid lines at every tick, the axes, tick marks with labels, and the axis titles.
     *
     * @param xTitle the x axis' title; null draws its ticks without labels (a panel above another
     *               that shares its x axis).
     */
    void draw(final Svg svg, final String xTitle, final String yTitle)
    {
        for (int i = 0; i < x.ticks.length; i++)
        {
            final double px = pixelX(x.ticks[i]);
            svg.line(px, top, px, bottom, GRID_COLOR, 1);
            svg.line(px, bottom, px, bottom + 5, AXIS_COLOR, 1);
            if (xTitle != null)
            {
                svg.text(px, bottom + 18, "middle", x.labels[i]);
            }
        }
        for (int i = 0; i < y.ticks.length; i++)
        {
            final double py = pixelY(y.ticks[i]);
            svg.line(left, py, right, py, GRID_COLOR, 1);
            svg.line(left - 5, py, left, py, AXIS_COLOR, 1);
            svg.text(left - 8, py + 4, "end", y.labels[i]);
        }
        svg.line(left, bottom, right, bottom, AXIS_COLOR, 1);
        svg.line(left, top, left, bottom, AXIS_COLOR, 1);
        if (xTitle != null)
        {
            svg.text((left + right) / 2, bottom + 38, "middle", xTitle);
        }
        svg.verticalText(left - 52, (top + bottom) / 2, yTitle);
    }
}
