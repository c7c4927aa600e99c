package dev.flashsale.server.cluster;

import dev.flashsale.engine.SkuSnapshot;
import dev.flashsale.server.demo.CheckList;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The checks at the end of the cluster demo, from what the shoppers were acknowledged and what each
 * member's data directory says: every kill failed over; nothing acknowledged lost on any member; no
 * oversell; stock conserved and the engine's invariants hold; one state hash and one input journal
 * on all members; every answer one the API documents. {@link #printAt} is the part of them that
 * holds for running members read up to one input ({@link MemberJournal#readLive}).
 *
 * @param stock        units put on sale, by SKU code.
 * @param kills        leader kills asked for.
 * @param failovers    what each kill was followed by.
 * @param acknowledged every acknowledged reserve, confirm and cancel.
 * @param members      each member's data directory, after the members stopped (for {@link #printAt}: the members
 *                     read, each up to the same input).
 * @param unexpected   answers the API does not document for the request (a 500, a 404 ...).
 */
record ClusterDemoChecks(Map<String, Integer> stock, int kills, List<Failover> failovers, List<Acknowledged> acknowledged,
    List<MemberReport> members, long unexpected)
{
    /** Prints one line per check. @return true if every check passed. */
    boolean print(final PrintWriter out)
    {
        final CheckList checks = new CheckList(out);
        final long failedOver = failovers.stream().filter(Failover::failedOver).count();
        checks.check(failovers.size() == kills && failedOver == kills, "every kill of the leader was followed by a reserve" +
            " acknowledged through a new leader: " + failedOver + " of " + kills);
        for (final MemberReport member : members)
        {
            checks.check(missing(member).isEmpty(), "nothing acknowledged lost on member " + member.member() + ": " +
                count(Acknowledged.Kind.RESERVE) + " reserves, " + count(Acknowledged.Kind.CONFIRM) + " confirms, " +
                count(Acknowledged.Kind.CANCEL) + " cancels acknowledged, each in its event journal" +
                (missing(member).isEmpty() ? "" : "; MISSING " + missing(member)));
        }
        checks.check(noOversell(), "no oversell: on every member each SKU sold at most its stock, at least the confirms" +
            " acknowledged, and none below 0 available: " + counters(members.isEmpty() ? null : members.get(0)));
        checks.check(conserved(), "conservation: available + held + sold = stock for every SKU on every member, and the" +
            " engine's invariants hold after replaying each member's journal" + invariantFailures());
        checks.check(members.size() == LocalCluster.MEMBERS && same(MemberReport::stateHash) && same(MemberReport::lastSequence),
            "the same engine state on all members: " + describe(m -> String.format("%016x at input %d", m.stateHash(),
                m.lastSequence())));
        checks.check(members.size() == LocalCluster.MEMBERS && members.get(0).journalSha256() != null &&
                same(MemberReport::journalSha256) && same(MemberReport::inputs),
            "identical input journals on all members: " + describe(m -> m.inputs() + " inputs, SHA-256 " + shortSha(m)));
        checks.check(unexpected == 0, "every answer is one the API documents for the request (" + unexpected + " not)");
        return checks.finish();
    }

    /**
     * The checks for members that still run, each read up to input {@code sequence}, and writes
     * acknowledged before the input was chosen: each member got to that input; nothing acknowledged
     * lost on any of them; stock conserved and the engine's invariants hold; one state hash and
     * identical input journals up to that input. Prints one line per check.
     *
     * @return true if every check passed.
     */
    boolean printAt(final PrintWriter out, final long sequence)
    {
        final CheckList checks = new CheckList(out);
        checks.check(!members.isEmpty() && members.stream().allMatch(m -> m.lastSequence() == sequence &&
            m.inputs() == sequence), "every member read holds inputs 1 to " + sequence + ": " +
            describe(m -> m.inputs() + " inputs, the last " + m.lastSequence()));
        for (final MemberReport member : members)
        {
            checks.check(missing(member).isEmpty(), "nothing acknowledged lost on member " + member.member() + " up to input " +
                sequence + ": " + count(Acknowledged.Kind.RESERVE) + " reserves, " + count(Acknowledged.Kind.CONFIRM) +
                " confirms, " + count(Acknowledged.Kind.CANCEL) + " cancels acknowledged, each in its event journal" +
                (missing(member).isEmpty() ? "" : "; MISSING " + missing(member)));
        }
        checks.check(conserved(), "conservation: available + held + sold = stock for every SKU on every member, and the" +
            " engine's invariants hold at input " + sequence + invariantFailures());
        checks.check(!members.isEmpty() && same(MemberReport::stateHash) && same(MemberReport::lastSequence),
            "the same engine state on these members: " + describe(m -> String.format("%016x at input %d", m.stateHash(),
                m.lastSequence())));
        checks.check(!members.isEmpty() && members.get(0).journalSha256() != null && same(MemberReport::journalSha256) &&
                same(MemberReport::inputs),
            "identical input journals up to input " + sequence + " on these members: " + describe(m -> m.inputs() +
                " inputs, SHA-256 " + shortSha(m)));
        return checks.finish();
    }

    /** @return what the member's event journal lacks, by kind, with up to three checkout ids each; empty if nothing. */
    String missing(final MemberReport member)
    {
        final Map<Acknowledged.Kind, List<Long>> missing = new TreeMap<>();
        for (final Acknowledged ack : acknowledged)
        {
            final Set<Long> journaled = switch (ack.kind())
            {
                case RESERVE -> member.held();
                case CONFIRM -> member.confirmed();
                case CANCEL -> member.released();
            };
            if (!journaled.contains(ack.checkoutId()))
            {
                missing.computeIfAbsent(ack.kind(), k -> new ArrayList<>()).add(ack.checkoutId());
            }
        }
        final StringBuilder text = new StringBuilder();
        missing.forEach((kind, ids) -> text.append(text.isEmpty() ? "" : ", ").append(ids.size()).append(' ')
            .append(kind.name().toLowerCase(java.util.Locale.ROOT)).append(" (checkouts ")
            .append(ids.subList(0, Math.min(3, ids.size()))).append(ids.size() > 3 ? "...)" : ")"));
        return text.toString();
    }

    private long count(final Acknowledged.Kind kind)
    {
        return acknowledged.stream().filter(a -> a.kind() == kind).count();
    }

    private boolean noOversell()
    {
        for (final MemberReport member : members)
        {
            for (final Map.Entry<String, Integer> sku : stock.entrySet())
            {
                final SkuSnapshot counters = member.skus().get(sku.getKey());
                final long confirmed = acknowledged.stream()
                    .filter(a -> a.kind() == Acknowledged.Kind.CONFIRM && a.sku().equals(sku.getKey())).count();
                if (counters == null || counters.sold() > sku.getValue() || counters.sold() < confirmed ||
                    counters.available() < 0)
                {
                    return false;
                }
            }
        }
        return !members.isEmpty();
    }

    private boolean conserved()
    {
        for (final MemberReport member : members)
        {
            if (member.invariantFailure() != null)
            {
                return false;
            }
            for (final Map.Entry<String, Integer> sku : stock.entrySet())
            {
                final SkuSnapshot counters = member.skus().get(sku.getKey());
                if (counters == null || counters.totalStock() != sku.getValue() || !counters.conserved())
                {
                    return false;
                }
            }
        }
        return !members.isEmpty();
    }

    private String invariantFailures()
    {
        final StringBuilder text = new StringBuilder();
        members.stream().filter(m -> m.invariantFailure() != null)
            .forEach(m -> text.append("; member ").append(m.member()).append(": ").append(m.invariantFailure()));
        return text.toString();
    }

    private String counters(final MemberReport member)
    {
        if (member == null)
        {
            return "no member read";
        }
        final StringBuilder text = new StringBuilder();
        for (final String code : new TreeMap<>(stock).keySet())
        {
            final SkuSnapshot sku = member.skus().get(code);
            text.append(text.isEmpty() ? "" : "; ").append(code).append(sku == null ? " missing" : " sold " + sku.sold() +
                ", held " + sku.held() + ", available " + sku.available() + " of " + sku.totalStock());
        }
        return text.toString();
    }

    private static String shortSha(final MemberReport member)
    {
        final String sha = member.journalSha256();
        return sha == null ? "none (damaged)" : sha.length() > 16 ? sha.substring(0, 16) + "..." : sha;
    }

    private boolean same(final java.util.function.Function<MemberReport, Object> property)
    {
        return members.stream().map(property).distinct().count() == 1;
    }

    private String describe(final java.util.function.Function<MemberReport, String> property)
    {
        final StringBuilder text = new StringBuilder();
        members.forEach(m -> text.append(text.isEmpty() ? "" : "; ").append("member ").append(m.member()).append(' ')
            .append(property.apply(m)));
        return text.toString();
    }
}
