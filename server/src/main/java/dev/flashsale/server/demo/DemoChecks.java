package dev.flashsale.server.demo;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

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
        final List<String> failed = new ArrayList<>();
        check(out, failed, available + held + sold == stock, "conservation: available " + available + " + held " + held +
            " + sold " + sold + " = stock " + stock);
        check(out, failed, sold <= stock && available >= 0, "no oversell: sold " + sold + " of " + stock);
        check(out, failed, sold == confirmed, "every payment acknowledged (200) is a sold unit, and nothing else: sold " +
            sold + ", confirmed " + confirmed);
        check(out, failed, held == 0 && holds >= confirmed + cancelled, "every hold was confirmed, cancelled or expired: " +
            holds + " holds, " + confirmed + " confirmed, " + cancelled + " cancelled, " + Math.max(0, holds - confirmed -
            cancelled) + " expired, " + held + " still held");
        check(out, failed, unanswered == 0, "every request got exactly one answer (" + unanswered + " without)");
        check(out, failed, invariantFailure == null, "engine invariants, full scan" +
            (invariantFailure == null ? "" : ": " + invariantFailure));
        out.println(failed.isEmpty() ? "all checks passed" : failed.size() + " check(s) FAILED");
        out.flush();
        return failed.isEmpty();
    }

    private static void check(final PrintWriter out, final List<String> failed, final boolean passed, final String what)
    {
        out.println((passed ? "ok     " : "FAILED ") + what);
        if (!passed)
        {
            failed.add(what);
        }
    }
}
