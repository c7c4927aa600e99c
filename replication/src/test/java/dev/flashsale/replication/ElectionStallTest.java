package dev.flashsale.replication;

import io.aeron.cluster.ElectionState;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ElectionStallTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void theLimitIsTwentyTimeoutsButNeverUnderThirtySeconds()
    {
        assertThat(ElectionStall.limitMs(500, 100)).isEqualTo(30_000);
        assertThat(ElectionStall.limitMs(10_000, 1_000)).isEqualTo(200_000);
        assertThat(ElectionStall.limitMs(500, 2_000)).isEqualTo(40_000);
    }

    @Test
    void aBoundedStateHeldPastTheLimitWithNoErrorIsStuck()
    {
        final ElectionStall stall = new ElectionStall(500, 100);
        final long start = 1_000 * MS;
        assertThat(stall.check(start, ElectionState.FOLLOWER_LOG_AWAIT, 3)).isNull();
        assertThat(stall.check(start + 29_999 * MS, ElectionState.FOLLOWER_LOG_AWAIT, 3)).isNull();
        assertThat(stall.check(start + 30_000 * MS, ElectionState.FOLLOWER_LOG_AWAIT, 3))
            .contains("election state FOLLOWER_LOG_AWAIT for 30000 ms", "blocked");
    }

    @Test
    void anElectionThatFailsAndStartsAgainIsNotStuckWithinTheLimitEvenIfEverySampleSeesTheSameState()
    {
        final ElectionStall stall = new ElectionStall(500, 100);
        long errors = 0;
        for (long t = 0; t < 30_000; t += 250)
        {
            if (t % 500 == 0)
            {
                errors++; // "failed to join live log as follower", counted, and the election starts again
            }
            assertThat(stall.check(t * MS, ElectionState.FOLLOWER_LOG_AWAIT, errors)).as("at %d ms", t).isNull();
        }
    }

    @Test
    void electionsThatKeepFailingPastTheLimitWithoutTheMemberEverFollowingAreALoop()
    {
        final ElectionStall stall = new ElectionStall(500, 100);
        final ElectionState[] cycle = {ElectionState.CANVASS, ElectionState.FOLLOWER_LOG_INIT,
            ElectionState.FOLLOWER_LOG_AWAIT, ElectionState.FOLLOWER_LOG_AWAIT};
        long errors = 0;
        String verdict = null;
        long t = 0;
        for (int i = 0; verdict == null && t <= 60_000; i++, t += 250)
        {
            if (i % cycle.length == 3)
            {
                errors++; // the join fails, is counted, and the election starts again in CANVASS
            }
            verdict = stall.check(t * MS, cycle[i % cycle.length], errors);
        }
        assertThat(t - 250).as("when the loop is seen").isEqualTo(30_000);
        assertThat(verdict).contains("elections failed 30 times in 30000 ms", "only a restart can end");
    }

    @Test
    void aFailedElectionNowAndThenWithTheMemberFollowingBetweenIsNoLoop()
    {
        final ElectionStall stall = new ElectionStall(500, 100);
        long errors = 0;
        for (long t = 0; t <= 120_000; t += 250)
        {
            final boolean following = t % 20_000 < 250; // one sample in eighty finds the election over
            if (!following && t % 1_000 == 0)
            {
                errors++;
            }
            final ElectionState state = following ? ElectionState.CLOSED : t % 500 == 0 ? ElectionState.CANVASS :
                ElectionState.FOLLOWER_LOG_AWAIT;
            assertThat(stall.check(t * MS, state, errors)).as("at %d ms", t).isNull();
        }
    }

    @Test
    void fewerFailuresThanALoopNeedsNeverCountHoweverLongTheElection()
    {
        final ElectionStall stall = new ElectionStall(500, 100);
        for (long t = 0; t <= TimeUnit.MINUTES.toMillis(10); t += 250)
        {
            final long errors = Math.min(t / 60_000, ElectionStall.FAILED_ELECTIONS - 1);
            assertThat(stall.check(t * MS, t % 500 == 0 ? ElectionState.CANVASS : ElectionState.NOMINATE, errors))
                .as("at %d ms", t).isNull();
        }
    }

    @Test
    void aChangeOfStateStartsTheClockAgain()
    {
        final ElectionStall stall = new ElectionStall(500, 100);
        assertThat(stall.check(0, ElectionState.FOLLOWER_BALLOT, 0)).isNull();
        assertThat(stall.check(29_000 * MS, ElectionState.FOLLOWER_BALLOT, 0)).isNull();
        assertThat(stall.check(29_250 * MS, ElectionState.FOLLOWER_READY, 0)).isNull();
        assertThat(stall.check(58_000 * MS, ElectionState.FOLLOWER_READY, 0)).isNull();
        assertThat(stall.check(59_250 * MS, ElectionState.FOLLOWER_READY, 0)).contains("FOLLOWER_READY for 30000 ms");
    }

    @Test
    void theFirstInitLastsAsLongAsTheMemberTakesToStartButALaterOneIsBounded()
    {
        final ElectionStall stall = new ElectionStall(500, 100);
        assertThat(stall.check(0, ElectionState.INIT, 0)).isNull();
        assertThat(stall.check(TimeUnit.MINUTES.toNanos(5), ElectionState.INIT, 0)).as("recovering a long journal").isNull();
        assertThat(stall.check(TimeUnit.MINUTES.toNanos(5) + 250 * MS, ElectionState.CLOSED, 0)).isNull();
        final long again = TimeUnit.MINUTES.toNanos(6);
        assertThat(stall.check(again, ElectionState.INIT, 0)).isNull();
        assertThat(stall.check(again + 30_000 * MS, ElectionState.INIT, 0)).contains("election state INIT for 30000 ms");
    }

    @Test
    void statesThatMayRightlyLastAreNeverStuck()
    {
        for (final ElectionState state : new ElectionState[] {ElectionState.CLOSED, ElectionState.CANVASS,
            ElectionState.LEADER_READY, ElectionState.FOLLOWER_LOG_INIT, ElectionState.FOLLOWER_CATCHUP,
            ElectionState.FOLLOWER_REPLAY, ElectionState.LEADER_REPLAY, ElectionState.FOLLOWER_LOG_REPLICATION,
            ElectionState.LEADER_LOG_REPLICATION})
        {
            final ElectionStall stall = new ElectionStall(500, 100);
            assertThat(stall.check(0, state, 0)).isNull();
            assertThat(stall.check(TimeUnit.HOURS.toNanos(1), state, 0)).as("%s", state).isNull();
        }
    }
}
