package dev.flashsale.gateway.loadgen;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Short real runs against a {@link HelloServer} on a free port: what the files hold, not how fast. */
@Timeout(60)
class LoadGeneratorTest
{
    @TempDir
    Path dir;

    @Test
    void aHelloRunWritesAnIntervalLogThatAddsUpToItsReport() throws Exception
    {
        final Path hlog = dir.resolve("hello.hlog");
        final Path hgrm = dir.resolve("hello.hgrm");
        final LoadReport report;
        try (HelloServer server = new HelloServer("127.0.0.1", 0, 1))
        {
            report = new LoadGenerator().run(new LoadOptions()
                .port(server.port()).scenario(LoadOptions.Scenario.HELLO).connections(4).ioThreads(2)
                .warmupSeconds(1).durationSeconds(2).hlogFile(hlog).hgrmFile(hgrm));
        }
        assertThat(report.answers()).isPositive();
        assertThat(report.errors()).isZero();
        assertThat(Files.readString(hgrm)).contains("Percentile");

        assertThat(Files.readString(hlog)).startsWith("#flashsale loadgen: HELLO, GET /, against 127.0.0.1:");
        final HistogramLogReader reader = new HistogramLogReader(hlog.toFile());
        final List<Histogram> intervals = LatencyIntervalLogTest.readAll(reader);
        assertThat(intervals).as("one interval per measured second at least").hasSizeGreaterThanOrEqualTo(2);
        final long startMs = Math.round(reader.getStartTimeSec() * 1000);
        assertThat(intervals.get(0).getStartTimeStamp()).as("the first interval starts with the window").isEqualTo(startMs);
        final Histogram sum = new Histogram(3);
        long previousEndMs = startMs;
        for (final Histogram interval : intervals)
        {
            assertThat(interval.getStartTimeStamp()).as("intervals follow each other").isEqualTo(previousEndMs);
            previousEndMs = interval.getEndTimeStamp();
            sum.add(interval);
        }
        final Histogram whole = report.latencyNanos();
        assertThat(sum.getTotalCount()).as("every measured answer, none of the warm-up").isEqualTo(report.answers());
        assertThat(sum.getMaxValue()).isEqualTo(whole.getMaxValue());
        assertThat(sum.getValueAtPercentile(99)).isEqualTo(whole.getValueAtPercentile(99));
    }

    @Test
    void anOpenLoopReportsHowLateItSentWhatWaitedForItsStartAndAClosedLoopDoesNot()
    {
        try (HelloServer server = new HelloServer("127.0.0.1", 0, 1))
        {
            final LoadOptions open = new LoadOptions().port(server.port()).scenario(LoadOptions.Scenario.HELLO)
                .connections(4).warmupSeconds(1).durationSeconds(2).rate(200);
            final LoadReport openReport = new LoadGenerator().run(open);
            final Histogram sentLate = openReport.sentLateNanos();
            assertThat(sentLate.getTotalCount()).as("at 200/s on 4 connections each request waits for its start")
                .isPositive().isLessThanOrEqualTo(openReport.answers() + open.connections());
            assertThat(sentLate.getMaxValue()).as("within the latency it is part of")
                .isLessThanOrEqualTo(openReport.latencyNanos().getMaxValue());
            assertThat(openReport.summary()).contains("sent late ms", "p99 ");

            final LoadReport closed = new LoadGenerator().run(new LoadOptions().port(server.port())
                .scenario(LoadOptions.Scenario.HELLO).connections(4).warmupSeconds(1).durationSeconds(1));
            assertThat(closed.sentLateNanos().getTotalCount()).isZero();
            assertThat(closed.summary()).doesNotContain("sent late");
        }
    }

    @Test
    void anIntervalLogThatCannotBeWrittenStopsTheRunBeforeItStarts()
    {
        final LoadOptions options = new LoadOptions().port(1).scenario(LoadOptions.Scenario.HELLO)
            .hlogFile(dir.resolve("missing/run.hlog"));
        assertThatThrownBy(() -> new LoadGenerator().run(options))
            .isInstanceOf(UncheckedIOException.class).hasMessageContaining("missing/run.hlog");
    }
}
