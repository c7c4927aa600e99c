package dev.flashsale.server.demo;

import java.io.PrintWriter;

/**
 * What the demo checks at the end of its sale, from the counts of HTTP answers and the SKU's
 * counters read back through the API, plus the engine's own full invariant check.
 *
 * @param stock            units put on sale.
 * @param available        the SKU's counters at the end.
 * @param held             the SKU's counters at the end, after the holds' time-to-live.
 * @param sold             the SKU's counters at the end.
 * @param holds            reserves answered 201.
 * @param confirmed        confirms answered 200.
 * @param cancelled        cancels answered 200.
 * @param unanswered       requests sent without an answer, and connection errors.
 * @param invariantFailure the engine's invariant violation, or null.
 */
record DemoChecks(long stock, long available, long held, long sold, long holds, long confirmed, long cancelled,
    long unanswered, String invariantFailure)
{
    /** Prints one line per check. @return true if every check passed. */
    boolean print(final PrintWriter out)
    {
        final CheckList checks = new CheckList(out);
        checks.check(available + held + sold == stock, "conservation: available " + available + " + held " + held +
            " + sold " + sold + " = stock " + stock);
        checks.check(sold <= stock && available >= 0, "no oversell: sold " + sold + " of " + stock);
        checks.check(sold == confirmed, "every payment acknowledged (200) is a sold unit, and nothing else: sold " +
            sold + ", confirmed " + confirmed);
        checks.check(held == 0 && holds >= confirmed + cancelled, "every hold was confirmed, cancelled or expired: " +
            holds + " holds, " + confirmed + " confirmed, " + cancelled + " cancelled, " + Math.max(0, holds - confirmed -
            cancelled) + " expired, " + held + " still held");
        checks.check(unanswered == 0, "every request got exactly one answer (" + unanswered + " without)");
        checks.check(invariantFailure == null, "engine invariants, full scan" +
            (invariantFailure == null ? "" : ": " + invariantFailure));
        return checks.finish();
    }
}
