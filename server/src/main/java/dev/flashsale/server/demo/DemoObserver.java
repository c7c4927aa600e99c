package dev.flashsale.server.demo;

import dev.flashsale.engine.codec.BooleanType;
import dev.flashsale.engine.codec.CheckoutConfirmedDecoder;
import dev.flashsale.engine.codec.CheckoutExpiredDecoder;
import dev.flashsale.engine.codec.CheckoutHeldDecoder;
import dev.flashsale.engine.codec.CheckoutReleasedDecoder;
import dev.flashsale.engine.codec.CheckoutResultDecoder;
import dev.flashsale.engine.codec.MessageHeaderDecoder;
import dev.flashsale.engine.codec.ResultCode;
import dev.flashsale.engine.codec.SkuResultDecoder;
import dev.flashsale.engine.codec.SoldOutDecoder;
import dev.flashsale.engine.codec.StockChangedDecoder;
import dev.flashsale.engine.pipeline.OutputSlot;
import dev.flashsale.engine.pipeline.OutputStage;
import dev.flashsale.engine.protocol.LineLayout;
import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;

import java.util.Queue;
import java.util.SplittableRandom;

/**
 * The demo's output stage, on its own pipeline thread: counts results and events the way a sale
 * operator would, measures publish-to-result latency of reserves, and turns each successful hold
 * into the shopper's next step (pay, cancel or walk away). Counters are read by the main thread
 * only after the pipeline stopped (the join orders them), except the volatile progress counters.
 */
final class DemoObserver implements OutputStage
{
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final CheckoutResultDecoder checkoutResult = new CheckoutResultDecoder();
    private final SkuResultDecoder skuResult = new SkuResultDecoder();
    private final StockChangedDecoder stockChanged = new StockChangedDecoder();
    private final SoldOutDecoder soldOut = new SoldOutDecoder();
    private final CheckoutHeldDecoder checkoutHeld = new CheckoutHeldDecoder();
    private final CheckoutConfirmedDecoder checkoutConfirmed = new CheckoutConfirmedDecoder();
    private final CheckoutReleasedDecoder checkoutReleased = new CheckoutReleasedDecoder();
    private final CheckoutExpiredDecoder checkoutExpired = new CheckoutExpiredDecoder();

    private final DemoScenario scenario;
    private final long[] publishedAtNanos;
    private final boolean[] answered;
    private final Queue<FollowUp> followUps;
    private final SplittableRandom fate;

    final long[] reserveCodes = new long[ResultCode.values().length];
    final long[] confirmCodes = new long[ResultCode.values().length];
    final long[] cancelCodes = new long[ResultCode.values().length];
    final Histogram reserveLatencyNanos = new Histogram(3_600_000_000_000L, 3);
    long replayed;
    long duplicateAnswers;
    long heldCount;
    long heldUnits;
    long confirmedCount;
    long confirmedUnits;
    long releasedCount;
    long releasedUnits;
    long expiredCount;
    long expiredUnits;
    long soldOutEvents;
    long plannedConfirms;
    long plannedCancels;
    long abandoned;
    long firstSoldOutAtMs;
    long saleStartMs;

    volatile long reserveAnswers;
    volatile long followUpAnswers;
    volatile long adminAnswers;
    volatile int lastHeld = -1;
    volatile SkuCounters lastAvailability;

    /** A SKU's counters from a SkuResult. */
    record SkuCounters(int totalStock, int available, int held, int sold)
    {
    }

    DemoObserver(final DemoScenario scenario, final long[] publishedAtNanos, final Queue<FollowUp> followUps)
    {
        this.scenario = scenario;
        this.publishedAtNanos = publishedAtNanos;
        this.answered = new boolean[publishedAtNanos.length];
        this.followUps = followUps;
        this.fate = new SplittableRandom(scenario.seed() ^ 0x5DEECE66DL);
    }

    @Override
    public String name()
    {
        return "demo-observer";
    }

    @Override
    public void onSlot(final OutputSlot slot, final boolean endOfBatch)
    {
        final DirectBuffer buffer = slot.buffer();
        header.wrap(buffer, 0);
        final int body = MessageHeaderDecoder.ENCODED_LENGTH;
        final int blockLength = header.blockLength();
        final int version = header.version();
        switch (header.templateId())
        {
            case CheckoutResultDecoder.TEMPLATE_ID -> onCheckoutResult(slot.correlationId(),
                checkoutResult.wrap(buffer, body, blockLength, version));
            case SkuResultDecoder.TEMPLATE_ID -> onSkuResult(skuResult.wrap(buffer, body, blockLength, version));
            case StockChangedDecoder.TEMPLATE_ID -> lastHeld = stockChanged.wrap(buffer, body, blockLength, version).held();
            case SoldOutDecoder.TEMPLATE_ID ->
            {
                if (soldOutEvents++ == 0)
                {
                    firstSoldOutAtMs = soldOut.wrap(buffer, body, blockLength, version).engineTimeMs();
                }
            }
            case CheckoutHeldDecoder.TEMPLATE_ID ->
            {
                heldCount++;
                heldUnits += LineLayout.totalQuantity(buffer, checkoutHeld.wrap(buffer, body, blockLength, version).limit());
            }
            case CheckoutConfirmedDecoder.TEMPLATE_ID ->
            {
                confirmedCount++;
                confirmedUnits += LineLayout.totalQuantity(buffer, checkoutConfirmed.wrap(buffer, body, blockLength, version).limit());
            }
            case CheckoutReleasedDecoder.TEMPLATE_ID ->
            {
                releasedCount++;
                releasedUnits += LineLayout.totalQuantity(buffer, checkoutReleased.wrap(buffer, body, blockLength, version).limit());
            }
            case CheckoutExpiredDecoder.TEMPLATE_ID ->
            {
                expiredCount++;
                expiredUnits += LineLayout.totalQuantity(buffer, checkoutExpired.wrap(buffer, body, blockLength, version).limit());
            }
            default ->
            {
                // Ticks' acks, SKU definition and pause events: nothing to count.
            }
        }
    }

    private void onCheckoutResult(final long correlation, final CheckoutResultDecoder result)
    {
        final int code = result.code().value();
        final int index = Correlation.index(correlation);
        switch (Correlation.kind(correlation))
        {
            case Correlation.RESERVE ->
            {
                reserveCodes[code]++;
                reserveLatencyNanos.recordValue(Math.max(0, System.nanoTime() - publishedAtNanos[index]));
                if (answered[index])
                {
                    duplicateAnswers++;
                }
                answered[index] = true;
                if (result.code() == ResultCode.OK && result.replayed() == BooleanType.FALSE)
                {
                    planFollowUp(result.checkoutId(), result.customerId());
                }
                reserveAnswers++;
            }
            case Correlation.RESERVE_RETRY ->
            {
                reserveCodes[code]++;
                if (result.replayed() == BooleanType.TRUE)
                {
                    replayed++;
                }
                else if (result.code() == ResultCode.OK)
                {
                    planFollowUp(result.checkoutId(), result.customerId()); // the original was refused
                }
                reserveAnswers++;
            }
            case Correlation.CONFIRM ->
            {
                confirmCodes[code]++;
                followUpAnswers++;
            }
            case Correlation.CANCEL ->
            {
                cancelCodes[code]++;
                followUpAnswers++;
            }
            default -> throw new IllegalStateException("checkout result with correlation " + correlation);
        }
    }

    private void onSkuResult(final SkuResultDecoder result)
    {
        if (result.code() == ResultCode.OK)
        {
            lastAvailability = new SkuCounters(result.totalStock(), result.available(), result.held(), result.sold());
            if (saleStartMs == 0)
            {
                saleStartMs = result.engineTimeMs();
            }
        }
        adminAnswers++;
    }

    private void planFollowUp(final long checkoutId, final long customerId)
    {
        final int roll = fate.nextInt(100);
        final long now = System.nanoTime();
        final long ttlNanos = scenario.holdTtlMs() * 1_000_000L;
        if (roll < scenario.confirmPercent())
        {
            plannedConfirms++;
            // Most pay in time; the slowest pay after the hold expired and are refused.
            followUps.add(new FollowUp(now + ttlNanos / 20 + fate.nextLong(ttlNanos * 23 / 20), checkoutId, customerId, true));
        }
        else if (roll < scenario.confirmPercent() + scenario.cancelPercent())
        {
            plannedCancels++;
            followUps.add(new FollowUp(now + ttlNanos / 20 + fate.nextLong(ttlNanos * 3 / 4), checkoutId, customerId, false));
        }
        else
        {
            abandoned++;
        }
    }
}
