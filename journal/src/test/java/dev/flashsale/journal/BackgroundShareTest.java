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
        final Calls calls = new Calls(null);
        final BackgroundShare share = new BackgroundShare(0.1, 1_000, node::get, 10, false, calls);
        share.onFollowerStart();
        assertThat(calls.made).containsExactly("nice 10");
        assertThat(share.lowered()).isTrue();
        assertThat(share.idle()).isFalse();
        node.set(900);
        share.pauseNanos(1_000_000, 0);
        assertThat(calls.made).as("900 behind: inside the bound").containsExactly("nice 10");
        node.set(2_000);
        share.pauseNanos(1_000_000, 1_000);
        assertThat(calls.made).as("at the bound: normal priority").containsExactly("nice 10", "nice 0");
        assertThat(share.lowered()).isFalse();
        node.set(2_100);
        share.pauseNanos(1_000_000, 1_500);
        assertThat(calls.made).as("600 behind: more than half the bound").containsExactly("nice 10", "nice 0");
        node.set(2_200);
        share.pauseNanos(1_000_000, 1_800);
        assertThat(calls.made).as("400 behind: lowered again").containsExactly("nice 10", "nice 0", "nice 10");
        assertThat(share.lowered()).isTrue();
    }

    @Test
    void aFollowerThatCannotTakeItsPriorityBackStaysLowAndAsksOnlyOnce()
    {
        final AtomicLong node = new AtomicLong(0);
        final Calls calls = new Calls("nice 0");
        final BackgroundShare share = new BackgroundShare(0.1, 1_000, node::get, 19, false, calls);
        share.onFollowerStart();
        node.set(5_000);
        assertThat(share.pauseNanos(1_000_000, 0)).as("past the bound it still never pauses").isZero();
        node.set(6_000);
        share.pauseNanos(1_000_000, 100);
        assertThat(calls.made).containsExactly("nice 19", "nice 0");
        assertThat(share.lowered()).isTrue();
    }

    @Test
    void withoutANiceValueOrWhereItCannotBeSetThePriorityIsLeftAlone()
    {
        final Calls calls = new Calls(null);
        final BackgroundShare plain = new BackgroundShare(0.1, 1_000, () -> 0, 0, false, calls);
        plain.onFollowerStart();
        assertThat(calls.made).isEmpty();
        final BackgroundShare refused = new BackgroundShare(0.1, 1_000, () -> 0, 10, false, new Calls("nice 10"));
        refused.onFollowerStart();
        assertThat(refused.lowered()).isFalse();
        final BackgroundShare idleRefused = new BackgroundShare(0.1, 1_000, () -> 0, 10, true, new Calls("nice 10"));
        idleRefused.onFollowerStart();
        assertThat(idleRefused.lowered()).as("not Linux: neither a nice value nor SCHED_IDLE").isFalse();
        assertThatThrownBy(() -> new BackgroundShare(0.1, 1_000, () -> 0, 20, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BackgroundShare(0.1, 1_000, () -> 0, -1, false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anIdleFollowerChecksItCanTakeItsPriorityBackThenIdlesWithoutPausingAndLeavesIdleAtItsBound()
    {
        final AtomicLong node = new AtomicLong(0);
        final Calls calls = new Calls(null);
        final BackgroundShare share = new BackgroundShare(0.1, 1_000, node::get, 10, true, calls);
        share.onFollowerStart();
        assertThat(calls.made).as("lowered, raised back, then SCHED_IDLE").containsExactly("nice 10", "nice 0", "idle");
        assertThat(share.idle()).isTrue();
        node.set(900);
        assertThat(share.pauseNanos(1_000_000, 0)).as("busy node, inside the bound: the kernel paces it").isZero();
        node.set(2_000);
        assertThat(share.pauseNanos(1_000_000, 1_000)).isZero();
        assertThat(calls.made).as("at the bound: the normal policy").endsWith("other");
        assertThat(share.idle()).isFalse();
        node.set(2_100);
        assertThat(share.pauseNanos(1_000_000, 1_500)).as("normal priority, under the bound: keeps to its share")
            .isEqualTo(9_000_000);
        node.set(2_200);
        share.pauseNanos(1_000_000, 1_800);
        assertThat(calls.made).as("under half the bound: idle again").containsExactly("nice 10", "nice 0", "idle", "other", "idle");
        assertThat(share.idle()).isTrue();
    }

    @Test
    void anIdleFollowerThatCouldNotTakeItsPriorityBackStaysAtItsNiceValueInstead()
    {
        final AtomicLong node = new AtomicLong(0);
        final Calls calls = new Calls("nice 0");
        final BackgroundShare share = new BackgroundShare(0.1, 1_000, node::get, 10, true, calls);
        share.onFollowerStart();
        assertThat(calls.made).as("never SCHED_IDLE: it could not leave it").containsExactly("nice 10", "nice 0");
        assertThat(share.lowered()).isTrue();
        assertThat(share.idle()).isFalse();
        node.set(900);
        assertThat(share.pauseNanos(1_000_000, 0)).as("keeps to its share").isEqualTo(9_000_000);
        node.set(5_000);
        share.pauseNanos(1_000_000, 100);
        node.set(6_000);
        share.pauseNanos(1_000_000, 200);
        assertThat(calls.made).as("tries once at its bound, as any follower at a nice value").containsExactly("nice 10", "nice 0", "nice 0");
        final Calls atZero = new Calls("nice 0");
        final BackgroundShare noNice = new BackgroundShare(0.1, 1_000, () -> 0, 0, true, atZero);
        noNice.onFollowerStart();
        assertThat(atZero.made).as("with background-nice 0, the check itself leaves it at nice 1").containsExactly("nice 1", "nice 0");
    }

    /** Records the priority calls a share makes; the one named {@code refused} says no. */
    private static final class Calls implements ThreadPriority.Calls
    {
        final List<String> made = new ArrayList<>();
        private final String refused;

        Calls(final String refused)
        {
            this.refused = refused;
        }

        @Override
        public String nice(final int value)
        {
            return record("nice " + value);
        }

        @Override
        public String idle(final boolean on)
        {
            return record(on ? "idle" : "other");
        }

        private String record(final String call)
        {
            made.add(call);
            return call.equals(refused) ? "errno 13" : null;
        }
    }
}
