package dev.flashsale.server.plot;

/**
 * The colours and dashes of the plots: one colour per log (Tableau's ten, told apart by most
 * colour-blind readers), and for the latency over time one style per series. With one log the
 * series take the colours; with several the logs do and the series take the dashes.
 */
final class Palette
{
    /** The most logs a plot takes: each gets a colour of its own. */
    static final int MAX_FILES = 8;

    private static final String[] FILES = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
        "#e377c2", "#17becf"};

    private Palette()
    {
    }

    /** @return the colour of the i-th log. */
    static String file(final int index)
    {
        return FILES[index % FILES.length];
    }
}
