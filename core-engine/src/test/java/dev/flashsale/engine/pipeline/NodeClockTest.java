package dev.flashsale.engine.pipeline;

import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The node's clock against a wall clock and a monotonic clock the test moves. */
class NodeClockTest
{
    private static final long START_MS = 1_700_000_000_000L;
    private static final long HOUR_MS = 3_600_000;
    private static final long MAX_STEP_MS = 1_000;

    private final CachedEpochClock wall = new CachedEpochClock();
    private final CachedNanoClock nanos = new CachedNanoClock();
    private final List<long[]> steps = new ArrayList<>();

    private NodeClock start(final long maxStepMs, final long floorMs)
    {
        wall.update(START_MS);
        nanos.update(5_000_000_000L);
        return new NodeClock(wall, nanos, maxStepMs, floorMs, (step, followed) -> steps.add(new long[] {step, followed}));
    }

    /** Lets {@code ms} pass on both clocks, as real time does. */
    private void elapse(final long ms)
    {
        wall.advance(ms);
        nanos.advance(ms * 1_000_000);
    }

    @Test
    void itAdvancesWithElapsedTime()
    {
        final NodeClock clock = start(MAX_STEP_MS, 0);
        assertThat(clock.time()).isEqualTo(START_MS);
        elapse(25);
        assertThat(clock.time()).isEqualTo(START_MS + 25);
        elapse(HOUR_MS);
        assertThat(clock.time()).as("elapsed time is not a step").isEqualTo(START_MS + 25 + HOUR_MS);
        assertThat(clock.steps()).isZero();
        assertThat(steps).isEmpty();
    }

    @Test
    void aStepForwardBeyondTheBoundMovesItByTheBoundOnlyAndIsCounted()
    {
        final NodeClock clock = start(MAX_STEP_MS, 0);
        elapse(20);
        wall.advance(HOUR_MS);

        assertThat(clock.time()).isEqualTo(START_MS + 20 + MAX_STEP_MS);
        assertThat(clock.steps()).isEqualTo(1);
        assertThat(steps).containsExactly(new long[] {HOUR_MS, MAX_STEP_MS});
        assertThat(clock.offsetFromWallClockMs()).isEqualTo(HOUR_MS - MAX_STEP_MS);

        elapse(20);
        assertThat(clock.time()).as("the new wall clock is the reference: no second step")
            .isEqualTo(START_MS + 40 + MAX_STEP_MS);
        assertThat(clock.steps()).isEqualTo(1);
    }

    @Test
    void aStepBackBeyondTheBoundIsBoundedTheSameWay()
    {
        final NodeClock clock = start(MAX_STEP_MS, 0);
        elapse(20);
        wall.advance(-HOUR_MS);

        assertThat(clock.time()).isEqualTo(START_MS + 20 - MAX_STEP_MS);
        assertThat(steps).containsExactly(new long[] {-HOUR_MS, -MAX_STEP_MS});
    }

    @Test
    void smallCorrectionsAreFollowedAndNotCounted()
    {
        final NodeClock clock = start(MAX_STEP_MS, 0);
        elapse(20);
        wall.advance(400);
        assertThat(clock.time()).isEqualTo(START_MS + 420);
        elapse(20);
        wall.advance(-MAX_STEP_MS);
        assertThat(clock.time()).isEqualTo(START_MS + 440 - MAX_STEP_MS);
        assertThat(clock.steps()).isZero();
        assertThat(clock.offsetFromWallClockMs()).isZero();
    }

    @Test
    void theWallClockIsLookedAtOncePerCheckInterval()
    {
        final NodeClock clock = start(MAX_STEP_MS, 0);
        wall.advance(HOUR_MS);
        assertThat(clock.time()).as("not checked yet").isEqualTo(START_MS);
        nanos.advance(NodeClock.CHECK_INTERVAL_NS);
        assertThat(clock.time()).isEqualTo(START_MS + 10 + MAX_STEP_MS);
        assertThat(clock.steps()).isEqualTo(1);
    }

    @Test
    void zeroNeverFollowsTheWallClock()
    {
        final NodeClock clock = start(0, 0);
        elapse(20);
        wall.advance(300);
        assertThat(clock.time()).isEqualTo(START_MS + 20);
        assertThat(steps).containsExactly(new long[] {300, 0});
    }

    @Test
    void itStartsAtTheRecoveredEngineTimeWhenTheWallClockIsBehindIt()
    {
        final NodeClock clock = start(MAX_STEP_MS, START_MS + HOUR_MS);
        assertThat(clock.time()).isEqualTo(START_MS + HOUR_MS);
        elapse(20);
        assertThat(clock.time()).as("and advances from there").isEqualTo(START_MS + HOUR_MS + 20);
        assertThat(clock.steps()).isZero();
        assertThat(clock.offsetFromWallClockMs()).isEqualTo(-HOUR_MS);
    }

    @Test
    void aNegativeBoundIsRefused()
    {
        assertThatThrownBy(() -> start(-1, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxStepMs");
    }
}
