package dev.flashsale.server.demo;

/**
 * The demo's correlation ids: a kind in the top byte and an index below, so the observer knows
 * what each result answers without a map.
 */
final class Correlation
{
    static final int ADMIN = 1;
    static final int RESERVE = 2;
    static final int RESERVE_RETRY = 3;
    static final int CONFIRM = 4;
    static final int CANCEL = 5;

    private static final int KIND_SHIFT = 56;
    private static final long INDEX_MASK = (1L << KIND_SHIFT) - 1;

    private Correlation()
    {
    }

    static long of(final int kind, final long index)
    {
        return (long)kind << KIND_SHIFT | index;
    }

    static int kind(final long correlation)
    {
        return (int)(correlation >>> KIND_SHIFT);
    }

    static int index(final long correlation)
    {
        return (int)(correlation & INDEX_MASK);
    }
}
