package dev.flashsale.replication;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Lets a member's log say an error a few times per window, and count the rest. Aeron's agents retry
 * what failed at every duty cycle: a member whose peer's name does not resolve yet (a pod not
 * scheduled, DNS behind) reported the same two errors, with their stacks, 360 times a second, 50,000
 * log lines in 40 s of waiting. The first {@code burst} occurrences of an error in a window are said
 * (so rare events, a heartbeat timeout at each of two quick failovers, are never hidden); later ones
 * in that window are counted, not said; the first after the window is said with the count. The count
 * of the last window is said only if the error comes again.
 *
 * <p>Any thread (Aeron's agents share one error handler). Errors are told apart by their text (class
 * and message); past {@link #MAX_KINDS} kinds the memory starts afresh, so unbounded variety costs a
 * repeated line, never unbounded memory.
 */
final class RepeatLimiter
{
    static final int MAX_KINDS = 1024;
    static final long SAID = 0;
    static final long QUIET = -1;

    private final long windowNs;
    private final int burst;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    private static final class Window
    {
        long openedNs;
        int said = 1;
        long repeats;

        Window(final long openedNs)
        {
            this.openedNs = openedNs;
        }
    }

    /** @param burst occurrences of one error said per window, at least 1. */
    RepeatLimiter(final long windowNs, final int burst, final LongSupplier nanoClock)
    {
        if (windowNs <= 0 || burst < 1)
        {
            throw new IllegalArgumentException("a repeat window must be > 0 ns and its burst >= 1: " + windowNs + ", " + burst);
        }
        this.windowNs = windowNs;
        this.burst = burst;
        this.nanoClock = nanoClock;
    }

    /**
     * @param kind the error's text.
     * @return {@link #QUIET} when it is a repeat beyond the window's burst (not to be said); otherwise
     *     how many repeats were kept quiet since it was last said ({@link #SAID}, 0, if none).
     */
    long admit(final String kind)
    {
        final long now = nanoClock.getAsLong();
        final long[] result = new long[1];
        windows.compute(kind, (key, window) ->
        {
            if (window == null)
            {
                result[0] = SAID;
                return new Window(now);
            }
            if (now - window.openedNs >= windowNs)
            {
                result[0] = window.repeats;
                window.openedNs = now;
                window.said = 1;
                window.repeats = 0;
                return window;
            }
            if (window.said < burst)
            {
                window.said++;
                result[0] = SAID;
                return window;
            }
            window.repeats++;
            result[0] = QUIET;
            return window;
        });
        if (windows.size() > MAX_KINDS)
        {
            windows.clear();
        }
        return result[0];
    }
}
