package dev.flashsale.server.demo;

import dev.flashsale.engine.SkuSnapshot;
import dev.flashsale.engine.codec.ResultCode;
import org.HdrHistogram.Histogram;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints what a sale operator wants to see after the sale, and checks what must hold: stock is
 * conserved, nothing is oversold, every held unit ended sold, released or expired, every request
 * was answered exactly once, and the engine's full invariant check passes.
 */
final class DemoReport
{
    private final DemoOutcome outcome;
    private final List<String> failedChecks = new ArrayList<>();

    DemoReport(final DemoOutcome outcome)
    {
        this.outcome = outcome;
    }

    /** @return true if every check passed. */
    boolean print(final PrintWriter out)
    {
        final DemoScenario s = outcome.scenario();
        final DemoObserver o = outcome.observer();
        final SkuSnapshot sku = outcome.sku();
        out.printf("flashsale demo: a flash sale of %s, %,d units, at most %d per customer%n", s.sku(), s.stock(),
            s.perCustomerLimit());
        out.printf("  %,d reserve attempts from %,d customers, %s, %d producer threads, holds of %,d ms%n",
            s.attempts(), s.customers(), s.ratePerSecond() == 0 ? "as fast as accepted" :
                String.format("%,d attempts/s", s.ratePerSecond()), s.producers(), s.holdTtlMs());
        out.printf("  pipeline: %s%n%n", outcome.pipelineConfig());

        out.println("Stock");
        out.printf("  sold           %,10d units in %,d confirmed checkouts%n", sku.sold(), o.confirmedCount);
        out.printf("  held           %,10d units%n", sku.held());
        out.printf("  available      %,10d units%n", sku.available());
        out.printf("  expired        %,10d holds (%,d units) returned to stock%n", o.expiredCount, o.expiredUnits);
        out.printf("  cancelled      %,10d holds (%,d units) returned to stock%n", o.releasedCount, o.releasedUnits);
        out.printf("  sold out after %,10d ms (first time available stock reached 0)%n%n",
            o.firstSoldOutAtMs == 0 ? -1 : o.firstSoldOutAtMs - o.saleStartMs);

        out.println("Reserve results");
        printCodes(out, o.reserveCodes);
        out.printf("  idempotent replays   %,10d (a retried request got its original answer)%n", o.replayed);
        out.println("Payments (confirm) and cancellations");
        out.printf("  planned: %,d confirms, %,d cancels, %,d walked away%n", o.plannedConfirms, o.plannedCancels,
            o.abandoned);
        printCodes(out, o.confirmCodes, "confirm ");
        printCodes(out, o.cancelCodes, "cancel  ");
        out.println();

        final Histogram latency = o.reserveLatencyNanos;
        final double elapsedSeconds = outcome.elapsedNanos() / 1e9;
        out.println("Throughput and latency");
        out.printf("  attempts offered in  %,.3f s: %,.0f attempts/s (producers retried %,d times on a full ring)%n",
            outcome.offeredNanos() / 1e9, s.attempts() / (outcome.offeredNanos() / 1e9), outcome.ringFullRetries());
        out.printf("  inputs applied       %,d in %,.3f s (ticks, confirms and cancels included)%n",
            outcome.appliedInputs(), elapsedSeconds);
        out.printf("  reserve, publish to result: p50 %s  p99 %s  p99.9 %s  max %s%n%n",
            micros(latency.getValueAtPercentile(50)), micros(latency.getValueAtPercentile(99)),
            micros(latency.getValueAtPercentile(99.9)), micros(latency.getMaxValue()));

        out.println("Checks");
        check(out, outcome.failure() == null, "pipeline ran without a stage failure" +
            (outcome.failure() == null ? "" : ": " + outcome.failure()));
        check(out, outcome.drained(), "pipeline drained on shutdown");
        check(out, sku.conserved() && sku.totalStock() == s.stock(),
            String.format("conservation: available %,d + held %,d + sold %,d == total %,d", sku.available(), sku.held(),
                sku.sold(), s.stock()));
        check(out, sku.sold() <= s.stock() && sku.sold() == o.confirmedUnits,
            String.format("no oversell: sold %,d <= stock %,d, and equals confirmed units %,d", sku.sold(), s.stock(),
                o.confirmedUnits));
        check(out, sku.held() == 0, "every hold was confirmed, cancelled or expired by the end");
        check(out, o.heldUnits == o.confirmedUnits + o.releasedUnits + o.expiredUnits + sku.held(),
            String.format("every held unit accounted for: %,d held = %,d sold + %,d cancelled + %,d expired + %,d held",
                o.heldUnits, o.confirmedUnits, o.releasedUnits, o.expiredUnits, sku.held()));
        check(out, o.reserveAnswers == outcome.reservesPublished() && o.duplicateAnswers == 0 &&
            o.followUpAnswers == outcome.followUpsPublished(),
            String.format("one answer per request: %,d reserves, %,d confirms and cancels", outcome.reservesPublished(),
                outcome.followUpsPublished()));
        check(out, o.confirmCodes[ResultCode.OK.value()] == o.confirmedCount, "every OK confirm is a confirmed checkout");
        check(out, outcome.invariantViolation() == null, "engine invariants, full scan" +
            (outcome.invariantViolation() == null ? "" : ": " + outcome.invariantViolation()));
        out.printf("  state hash %016x%n", outcome.stateHash());
        if (!failedChecks.isEmpty())
        {
            out.printf("%n%d check(s) FAILED%n", failedChecks.size());
        }
        out.flush();
        return failedChecks.isEmpty();
    }

    private void check(final PrintWriter out, final boolean passed, final String what)
    {
        out.printf("  %-6s %s%n", passed ? "ok" : "FAILED", what);
        if (!passed)
        {
            failedChecks.add(what);
        }
    }

    private static void printCodes(final PrintWriter out, final long[] counts)
    {
        printCodes(out, counts, "");
    }

    private static void printCodes(final PrintWriter out, final long[] counts, final String prefix)
    {
        for (final ResultCode code : ResultCode.values())
        {
            if (code != ResultCode.NULL_VAL && counts[code.value()] > 0)
            {
                out.printf("  %s%-20s %,10d%n", prefix, code, counts[code.value()]);
            }
        }
    }

    private static String micros(final long nanos)
    {
        return nanos >= 10_000_000 ? String.format("%,d ms", nanos / 1_000_000) : String.format("%,d us", nanos / 1_000);
    }
}
