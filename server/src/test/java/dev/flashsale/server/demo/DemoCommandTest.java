package dev.flashsale.server.demo;

import dev.flashsale.server.FlashsaleCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(120)
class DemoCommandTest
{
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int demo(final String... options)
    {
        final String[] args = new String[options.length + 1];
        args[0] = "demo";
        System.arraycopy(options, 0, args, 1, options.length);
        return FlashsaleCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void aSmallSaleThroughHttpSellsOutAndEveryCheckPasses()
    {
        final int exit = demo("--stock", "300", "--customers", "5000", "--connections", "16", "--duration", "2",
            "--hold-seconds", "1");

        final String report = out.toString();
        assertThat(exit).as(report + err).isZero();
        assertThat(report).contains("node listening on http://127.0.0.1:", "reserve  201", "confirm  200",
            "\"sold\":", "ok     conservation", "ok     no oversell", "ok     every payment acknowledged",
            "ok     every hold was confirmed, cancelled or expired", "ok     every request got exactly one answer",
            "ok     engine invariants", "all checks passed").doesNotContain("FAILED");
        assertThat(report).containsPattern("409 x [1-9]"); // sold out: the sale outlasts the stock
    }

    @Test
    void brokenCountsAreReportedAndFailTheRun()
    {
        final DemoChecks oversold = new DemoChecks(100, 0, 1, 101, 120, 100, 10, 3, "SKU 0 held 1 != 0");

        assertThat(oversold.print(new PrintWriter(out, true))).isFalse();
        assertThat(out.toString()).contains("FAILED conservation", "FAILED no oversell",
            "FAILED every payment acknowledged (200) is a sold unit", "FAILED every hold was confirmed",
            "FAILED every request got exactly one answer (3 without)", "FAILED engine invariants, full scan: SKU 0 held 1 != 0",
            "6 check(s) FAILED");
    }
}
