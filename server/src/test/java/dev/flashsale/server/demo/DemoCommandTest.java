package dev.flashsale.server.demo;

import dev.flashsale.engine.EngineStats;
import dev.flashsale.engine.SkuSnapshot;
import dev.flashsale.engine.pipeline.PipelineConfig;
import dev.flashsale.server.FlashsaleCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
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
    void aSmallSaleSellsOutAndEveryCheckPasses()
    {
        final int exit = demo("--stock", "500", "--customers", "5000", "--attempts", "20000", "--rate", "20000",
            "--warmup", "0", "--hold-ttl-ms", "1000");

        final String report = out.toString();
        assertThat(exit).as(report + err).isZero();
        assertThat(report).contains("Stock", "Reserve results", "SOLD_OUT", "Throughput and latency",
            "ok     conservation", "ok     no oversell", "ok     every hold was confirmed, cancelled or expired",
            "ok     engine invariants").doesNotContain("FAILED");
    }

    @Test
    void aBrokenInvariantIsReportedAndFailsTheRun()
    {
        final DemoScenario scenario = new DemoScenario("FLASH-1", 100, 2, 10, 10, 0, 1, 1_000, 50, 10, 0, 1);
        final DemoObserver observer = new DemoObserver(scenario, new long[10], new java.util.ArrayDeque<>());
        observer.heldUnits = 100;
        observer.confirmedUnits = 60;
        final SkuSnapshot oversold = new SkuSnapshot("FLASH-1", 100, 0, 0, 101, 2, 4_999, "EUR", 0, 1, false);
        final DemoOutcome outcome = new DemoOutcome(scenario, observer, oversold,
            new EngineStats(1, 0, 0, 0, 0, 0, 0), 0, 10, 10, 0, 0, 1, 1, true, null, "SKU 0 held 1 != 0",
            new PipelineConfig());

        final boolean passed = new DemoReport(outcome).print(new PrintWriter(out, true));

        assertThat(passed).isFalse();
        assertThat(out.toString()).contains("FAILED conservation", "FAILED no oversell",
            "FAILED every held unit accounted for", "FAILED engine invariants, full scan: SKU 0 held 1 != 0",
            "check(s) FAILED");
    }
}
