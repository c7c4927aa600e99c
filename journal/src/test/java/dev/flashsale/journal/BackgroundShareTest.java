package dev.flashsale.journal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackgroundShareTest
{
    @Test
    void whileTheNodeTakesInputTheFollowerKeepsToItsShare()
    {
        final AtomicLong node = new AtomicLong(100);
        final BackgroundShare share = new BackgroundShare(0.1, 1_000, node::get);
        node.set(200);
        assertThat(share.pauseNanos(1_000_000, 150)).as("10 %: 1 ms of work, 9 ms of pause").isEqualTo(9_000_000);
        node.set(300);
        assertThat(share.pauseNanos(2_000_000, 250)).isEqualTo(18_000_000);
    }

    @Test
    void anIdleNodeLetsTheFollowerCatchUpAtFullSpeed()
    {
        final AtomicLong node = new AtomicLong(100);
        final BackgroundShare share = new BackgroundShare(0.1, 1_000, node::get);
        assertThat(share.pauseNanos(1_000_000, 50)).as("no input since the start").isZero();
        node.set(120);
        assertThat(share.pauseNanos(1_000_000, 60)).isPositive();
        assertThat(share.pauseNanos(1_000_000, 70)).as("no input since the last slice").isZero();
    }

    @Test
    void aFollowerAtItsLagBoundNeverPauses()
    {
        final AtomicLong node = new AtomicLong(0);
        final BackgroundShare share = new BackgroundShare(0.1, 1_000, node::get);
        node.set(5_000);
        assertThat(share.pauseNanos(1_000_000, 4_000)).as("exactly the bound behind").isZero();
        node.set(6_000);
        assertThat(share.pauseNanos(1_000_000, 5_001)).as("just inside the bound").isPositive();
    }

    @Test
    void aWholeCoreOrAnUnpacedFollowerNeverPauses()
    {
        final AtomicLong node = new AtomicLong(0);
        final BackgroundShare whole = new BackgroundShare(1, 10, node::get);
        node.set(5);
        assertThat(whole.pauseNanos(1_000_000, 0)).isZero();
        assertThat(BackgroundShare.unpaced().pauseNanos(1_000_000, 0)).isZero();
    }

    @Test
    void badSharesAndBoundsAreRefused()
    {
        assertThatThrownBy(() -> new BackgroundShare(0, 10, () -> 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BackgroundShare(1.5, 10, () -> 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BackgroundShare(Double.NaN, 10, () -> 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BackgroundShare(0.5, 0, () -> 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFollowerWithANiceValueLowersItsPriorityTakesItBackAtItsBoundAndLowersItAgainUnderHalf()
    {
        final AtomicLong node = new AtomicLong(0);
        final List<Integer> set = new ArrayList<>();
        final BackgroundShare share = new BackgroundShare(0.1, 1_000, node::get, 10, nice -> { set.add(nice); return null; });
        share.onFollowerStart();
        assertThat(set).containsExactly(10);
        assertThat(share.lowered()).isTrue();
        node.set(900);
        share.pauseNanos(1_000_000, 0);
        assertThat(set).as("900 behind: inside the bound").containsExactly(10);
        node.set(2_000);
        share.pauseNanos(1_000_000, 1_000);
        assertThat(set).as("at the bound: normal priority").containsExactly(10, 0);
        assertThat(share.lowered()).isFalse();
        node.set(2_100);
        share.pauseNanos(1_000_000, 1_500);
        assertThat(set).as("600 behind: more than half the bound").containsExactly(10, 0);
        node.set(2_200);
        share.pauseNanos(1_000_000, 1_800);
        assertThat(set).as("400 behind: lowered again").containsExactly(10, 0, 10);
        assertThat(share.lowered()).isTrue();
    }

    @Test
    void aFollowerThatCannotTakeItsPriorityBackStaysLowAndAsksOnlyOnce()
    {
        final AtomicLong node = new AtomicLong(0);
        final List<Integer> set = new ArrayList<>();
        final BackgroundShare share = new BackgroundShare(0.1, 1_000, node::get, 19,
            nice -> { set.add(nice); return nice == 0 ? "errno 13" : null; });
        share.onFollowerStart();
        node.set(5_000);
        assertThat(share.pauseNanos(1_000_000, 0)).as("past the bound it still never pauses").isZero();
        node.set(6_000);
        share.pauseNanos(1_000_000, 100);
        assertThat(set).containsExactly(19, 0);
        assertThat(share.lowered()).isTrue();
    }

    @Test
    void withoutANiceValueOrWhereItCannotBeSetThePriorityIsLeftAlone()
    {
        final List<Integer> set = new ArrayList<>();
        final BackgroundShare plain = new BackgroundShare(0.1, 1_000, () -> 0, 0, nice -> { set.add(nice); return null; });
        plain.onFollowerStart();
        assertThat(set).isEmpty();
        final BackgroundShare refused = new BackgroundShare(0.1, 1_000, () -> 0, 10, nice -> "not Linux");
        refused.onFollowerStart();
        assertThat(refused.lowered()).isFalse();
        assertThatThrownBy(() -> new BackgroundShare(0.1, 1_000, () -> 0, 20)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BackgroundShare(0.1, 1_000, () -> 0, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
