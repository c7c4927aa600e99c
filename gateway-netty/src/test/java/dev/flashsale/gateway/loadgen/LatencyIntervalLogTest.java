package dev.flashsale.gateway.loadgen;

import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The interval log stepped by hand: time is a parameter, so every boundary is exact. */
class LatencyIntervalLogTest
{
    private static final long SECOND = 1_000_000_000L;
    private static final long MS = 1_000_000L;
    private static final long HIGHEST = 60 * SECOND;

    @TempDir
    Path dir;

    @Test
    void mergesTheLoopsIntoOneIntervalPerRollFromTheWindowStart() throws Exception
    {
        final LoopState[] loops = {new LoopState(HIGHEST, true), new LoopState(HIGHEST, true)};
        final Path file = dir.resolve("run.hlog");
        final long windowStart = 5_000 * SECOND;
        try (LatencyIntervalLog log = LatencyIntervalLog.create(file, loops, HIGHEST, "a test run"))
        {
            log.start(windowStart, windowStart - 2 * SECOND, 1_700_000_000_000L);
            log.roll(windowStart); // an interval of no length is not written
            loops[0].record(RequestKind.HELLO, 200, 2 * MS);
            loops[1].record(RequestKind.HELLO, 200, 4 * MS);
            log.roll(windowStart + SECOND);
            loops[1].record(RequestKind.HELLO, 200, 7 * MS);
            log.roll(windowStart + 2_500 * MS);
            log.roll(windowStart + 3_500 * MS); // an empty second is still a second of the run
        }

        assertThat(Files.readString(file)).startsWith("#a test run\n").contains("#[BaseTime: 1700000002.000");
        final HistogramLogReader reader = new HistogramLogReader(file.toFile());
        final List<Histogram> intervals = readAll(reader);
        assertThat(intervals).hasSize(3);
        assertThat(reader.getStartTimeSec()).isEqualTo(1_700_000_002.0);
        final long startMs = 1_700_000_002_000L;
        assertThat(intervals.get(0).getStartTimeStamp()).isEqualTo(startMs);
        assertThat(intervals.get(0).getEndTimeStamp()).isEqualTo(startMs + 1_000);
        assertThat(intervals.get(0).getTotalCount()).isEqualTo(2);
        assertThat(intervals.get(0).getMaxValue()).isEqualTo(intervals.get(0).highestEquivalentValue(4 * MS));
        assertThat(intervals.get(1).getStartTimeStamp()).isEqualTo(startMs + 1_000);
        assertThat(intervals.get(1).getEndTimeStamp()).isEqualTo(startMs + 2_500);
        assertThat(intervals.get(1).getTotalCount()).isEqualTo(1);
        assertThat(intervals.get(2).getTotalCount()).isZero();
        assertThat(intervals.get(2).getEndTimeStamp()).isEqualTo(startMs + 3_500);
    }

    @Test
    void aRunThatNeverReachedItsWindowHasNoIntervals() throws Exception
    {
        final LoopState[] loops = {new LoopState(HIGHEST, true)};
        final Path file = dir.resolve("early.hlog");
        try (LatencyIntervalLog log = LatencyIntervalLog.create(file, loops, HIGHEST, "failed in its warm-up"))
        {
            log.roll(10 * SECOND);
            log.start(20 * SECOND, 10 * SECOND, 1_700_000_000_000L);
            log.roll(15 * SECOND);
        }
        assertThat(readAll(new HistogramLogReader(file.toFile()))).isEmpty();
    }

    @Test
    void aFileThatCannotBeCreatedFailsAtOnce()
    {
        final LoopState[] loops = {new LoopState(HIGHEST, true)};
        assertThatThrownBy(() -> LatencyIntervalLog.create(dir.resolve("no/such/dir/run.hlog"), loops, HIGHEST, "x"))
            .isInstanceOf(UncheckedIOException.class).hasMessageContaining("cannot write").hasMessageContaining("run.hlog");
    }

    static List<Histogram> readAll(final HistogramLogReader reader) throws FileNotFoundException
    {
        final List<Histogram> intervals = new ArrayList<>();
        for (EncodableHistogram interval = reader.nextIntervalHistogram(); interval != null;
            interval = reader.nextIntervalHistogram())
        {
            intervals.add((Histogram)interval);
        }
        reader.close();
        return intervals;
    }
}
