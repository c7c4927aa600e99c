package dev.flashsale.journal;

import org.junit.jupiter.api.Test;

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
}
