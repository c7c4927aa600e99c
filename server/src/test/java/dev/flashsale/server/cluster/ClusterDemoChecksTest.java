package dev.flashsale.server.cluster;

import dev.flashsale.engine.SkuSnapshot;
import dev.flashsale.server.FlashsaleCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterDemoChecksTest
{
    private static final Map<String, Integer> STOCK = Map.of("S", 10);
    private static final List<Acknowledged> ACKNOWLEDGED = List.of(
        new Acknowledged(Acknowledged.Kind.RESERVE, 1, "S", 0, 0, 0),
        new Acknowledged(Acknowledged.Kind.RESERVE, 2, "S", 0, 0, 0),
        new Acknowledged(Acknowledged.Kind.RESERVE, 3, "S", 0, 0, 0),
        new Acknowledged(Acknowledged.Kind.CONFIRM, 1, "S", 0, 0, 0),
        new Acknowledged(Acknowledged.Kind.CANCEL, 2, "S", 0, 0, 0));
    private static final List<Failover> ONE_FAILOVER = List.of(new Failover(1, 0, 1, 900, 5_000, 100));

    private final StringWriter out = new StringWriter();

    @Test
    void membersThatAgreeAndKeepEveryAcknowledgementPass()
    {
        final List<MemberReport> members = List.of(member(0), member(1), member(2));

        assertThat(checks(ONE_FAILOVER, members, 0)).as(out.toString()).isTrue();
        assertThat(out.toString()).contains(
            "ok     every kill of the leader was followed by a reserve acknowledged through a new leader: 1 of 1",
            "ok     nothing acknowledged lost on member 2: 3 reserves, 1 confirms, 1 cancels acknowledged",
            "ok     no oversell", "ok     conservation", "ok     the same engine state on all members",
            "ok     identical input journals on all members", "ok     every answer is one the API documents",
            "all checks passed").doesNotContain("FAILED");
    }

    @Test
    void aMemberWithoutAnAcknowledgedReserveConfirmOrCancelFails()
    {
        final MemberReport complete = member(1);
        final MemberReport lossy = new MemberReport(1, 7, 7, "aa", 42, null, complete.skus(), Set.of(1L, 2L), Set.of(),
            Set.of());

        assertThat(checks(ONE_FAILOVER, List.of(member(0), lossy, member(2)), 0)).isFalse();
        assertThat(out.toString()).contains("ok     nothing acknowledged lost on member 0",
            "FAILED nothing acknowledged lost on member 1: 3 reserves, 1 confirms, 1 cancels acknowledged, each in its" +
                " event journal; MISSING 1 reserve (checkouts [3]), 1 confirm (checkouts [1]), 1 cancel (checkouts [2])",
            "1 check(s) FAILED");
    }

    @Test
    void membersThatDisagreeOnStateOrJournalFail()
    {
        final MemberReport other = new MemberReport(2, 8, 8, "bb", 43, null, member(2).skus(), Set.of(1L, 2L, 3L),
            Set.of(1L), Set.of(2L));

        assertThat(checks(ONE_FAILOVER, List.of(member(0), member(1), other), 0)).isFalse();
        assertThat(out.toString()).contains(
            "FAILED the same engine state on all members: member 0 000000000000002a at input 7; member 1 000000000000002a" +
                " at input 7; member 2 000000000000002b at input 8",
            "FAILED identical input journals on all members", "2 check(s) FAILED");
    }

    @Test
    void oversoldOrUnconservedStockAndABrokenInvariantFail()
    {
        final MemberReport oversold = new MemberReport(0, 7, 7, "aa", 42, null,
            Map.of("S", new SkuSnapshot("S", 10, -1, 0, 11, 2, 500, "EUR", 0, Long.MAX_VALUE, false)),
            Set.of(1L, 2L, 3L), Set.of(1L), Set.of(2L));
        final MemberReport broken = new MemberReport(1, 7, 7, "aa", 42, "SKU S held 1 != 0", member(1).skus(),
            Set.of(1L, 2L, 3L), Set.of(1L), Set.of(2L));

        assertThat(checks(ONE_FAILOVER, List.of(oversold, broken, member(2)), 0)).isFalse();
        assertThat(out.toString()).contains("FAILED no oversell", "FAILED conservation",
            "member 1: SKU S held 1 != 0");
    }

    @Test
    void aKillWithoutFailoverAndAnUndocumentedAnswerFail()
    {
        final List<Failover> none = List.of(new Failover(1, 0, -1, -1, -1, -1));

        assertThat(checks(none, List.of(member(0), member(1), member(2)), 2)).isFalse();
        assertThat(out.toString()).contains(
            "FAILED every kill of the leader was followed by a reserve acknowledged through a new leader: 0 of 1",
            "FAILED every answer is one the API documents for the request (2 not)", "2 check(s) FAILED");
    }

    @Test
    void fewerKillsMadeThanAskedFail()
    {
        assertThat(new ClusterDemoChecks(STOCK, 3, ONE_FAILOVER, ACKNOWLEDGED, List.of(member(0), member(1), member(2)), 0)
            .print(new PrintWriter(out, true))).isFalse();
        assertThat(out.toString()).contains("FAILED every kill of the leader was followed by a reserve acknowledged" +
            " through a new leader: 1 of 3");
    }

    @Test
    void runningMembersReadUpToOneInputThatAgreeAndKeepEveryAcknowledgementPass()
    {
        assertThat(checksAt(7, List.of(member(1), member(2)))).as(out.toString()).isTrue();
        assertThat(out.toString()).contains("ok     every member read holds inputs 1 to 7",
            "ok     nothing acknowledged lost on member 1 up to input 7: 3 reserves, 1 confirms, 1 cancels acknowledged",
            "ok     nothing acknowledged lost on member 2 up to input 7", "ok     conservation",
            "ok     the same engine state on these members: member 1 000000000000002a at input 7; member 2" +
                " 000000000000002a at input 7",
            "ok     identical input journals up to input 7 on these members", "all checks passed")
            .doesNotContain("FAILED", "member 0");
    }

    @Test
    void aRunningMemberShortOfTheInputWithoutAnAcknowledgementOrWithAnotherStateFails()
    {
        final MemberReport shortOfIt = new MemberReport(1, 6, 6, "aa", 42, null, member(1).skus(), Set.of(1L, 2L, 3L),
            Set.of(1L), Set.of(2L));
        final MemberReport lossy = new MemberReport(1, 7, 7, "aa", 42, null, member(1).skus(), Set.of(1L, 2L, 3L), Set.of(),
            Set.of(2L));
        final MemberReport other = new MemberReport(2, 7, 7, "aa", 43, null, member(2).skus(), Set.of(1L, 2L, 3L),
            Set.of(1L), Set.of(2L));

        assertThat(checksAt(7, List.of(member(0), shortOfIt))).isFalse();
        assertThat(out.toString()).contains("FAILED every member read holds inputs 1 to 7: member 0 7 inputs, the last 7;" +
            " member 1 6 inputs, the last 6", "FAILED the same engine state", "FAILED identical input journals");
        out.getBuffer().setLength(0);
        assertThat(checksAt(7, List.of(member(0), lossy))).isFalse();
        assertThat(out.toString()).contains("FAILED nothing acknowledged lost on member 1 up to input 7: 3 reserves, 1" +
            " confirms, 1 cancels acknowledged, each in its event journal; MISSING 1 confirm (checkouts [1])",
            "1 check(s) FAILED");
        out.getBuffer().setLength(0);
        assertThat(checksAt(7, List.of(member(0), other))).isFalse();
        assertThat(out.toString()).contains("FAILED the same engine state on these members: member 0 000000000000002a at" +
            " input 7; member 2 000000000000002b at input 7", "1 check(s) FAILED");
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo()
    {
        assertThat(ClusterDemoCommand.median(new long[] {700})).isEqualTo(700);
        assertThat(ClusterDemoCommand.median(new long[] {600, 800, 2_000})).isEqualTo(800);
        assertThat(ClusterDemoCommand.median(new long[] {600, 800, 900, 2_000})).isEqualTo(850);
    }

    @Test
    void badOptionsAreUsageErrorsBeforeAnythingStarts(@TempDir final Path directory) throws Exception
    {
        Files.writeString(directory.resolve("not-empty"), "x");
        final StringWriter err = new StringWriter();

        assertThat(FlashsaleCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), "cluster-demo",
            "--base-port", "65510")).isEqualTo(FlashsaleCommand.EXIT_USAGE);
        assertThat(FlashsaleCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), "cluster-demo",
            "--kills", "-1")).isEqualTo(FlashsaleCommand.EXIT_USAGE);
        assertThat(FlashsaleCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), "cluster-demo",
            "--data-dir", directory.toString())).isEqualTo(FlashsaleCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--base-port 65510", "--kills must be 0 or more", "is not empty");
        assertThat(out.toString()).doesNotContain("starting 3 cluster members");
    }

    private boolean checks(final List<Failover> failovers, final List<MemberReport> members, final long unexpected)
    {
        return new ClusterDemoChecks(STOCK, 1, failovers, ACKNOWLEDGED, members, unexpected).print(new PrintWriter(out, true));
    }

    private boolean checksAt(final long sequence, final List<MemberReport> members)
    {
        return new ClusterDemoChecks(STOCK, 0, List.of(), ACKNOWLEDGED, members, 0).printAt(new PrintWriter(out, true),
            sequence);
    }

    /** A member that holds every acknowledgement: checkout 1 confirmed, 2 cancelled, 3 held; 1 sold, 1 held of 10. */
    private static MemberReport member(final int id)
    {
        return new MemberReport(id, 7, 7, "aa", 42, null,
            Map.of("S", new SkuSnapshot("S", 10, 8, 1, 1, 2, 500, "EUR", 0, Long.MAX_VALUE, false)),
            Set.of(1L, 2L, 3L), Set.of(1L), Set.of(2L));
    }
}
