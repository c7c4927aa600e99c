package dev.flashsale.engine;

import dev.flashsale.engine.codec.AckEncoder;
import dev.flashsale.engine.codec.BooleanType;
import dev.flashsale.engine.codec.CheckoutConfirmedEncoder;
import dev.flashsale.engine.codec.CheckoutExpiredEncoder;
import dev.flashsale.engine.codec.CheckoutHeldEncoder;
import dev.flashsale.engine.codec.CheckoutReleasedEncoder;
import dev.flashsale.engine.codec.CheckoutResultEncoder;
import dev.flashsale.engine.codec.CheckoutState;
import dev.flashsale.engine.codec.CommandKind;
import dev.flashsale.engine.codec.MessageHeaderEncoder;
import dev.flashsale.engine.codec.ResultCode;
import dev.flashsale.engine.codec.SalePausedEncoder;
import dev.flashsale.engine.codec.SaleResumedEncoder;
import dev.flashsale.engine.codec.SkuResultEncoder;
import dev.flashsale.engine.codec.SkuUpsertedEncoder;
import dev.flashsale.engine.codec.SoldOutEncoder;
import dev.flashsale.engine.codec.StockChangedEncoder;
import dev.flashsale.engine.protocol.LineLayout;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Encodes the engine's events and results with reused SBE flyweights into the buffers of an
 * {@link EngineOutput}. No allocation. Engine thread only.
 *
 * <p>Every message with checkout lines (the four checkout events and {@code CheckoutResult}) uses
 * one group layout, {@link LineLayout}; lines are written straight from the checkout store.
 */
final class OutputPublisher
{
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final CheckoutHeldEncoder checkoutHeld = new CheckoutHeldEncoder();
    private final CheckoutConfirmedEncoder checkoutConfirmed = new CheckoutConfirmedEncoder();
    private final CheckoutReleasedEncoder checkoutReleased = new CheckoutReleasedEncoder();
    private final CheckoutExpiredEncoder checkoutExpired = new CheckoutExpiredEncoder();
    private final StockChangedEncoder stockChanged = new StockChangedEncoder();
    private final SoldOutEncoder soldOut = new SoldOutEncoder();
    private final SkuUpsertedEncoder skuUpserted = new SkuUpsertedEncoder();
    private final SalePausedEncoder salePaused = new SalePausedEncoder();
    private final SaleResumedEncoder saleResumed = new SaleResumedEncoder();
    private final CheckoutResultEncoder checkoutResult = new CheckoutResultEncoder();
    private final SkuResultEncoder skuResult = new SkuResultEncoder();
    private final AckEncoder ack = new AckEncoder();

    private final CheckoutStore checkouts;
    private final SkuBook skus;
    private EngineOutput output;
    private long inputSequence;
    private long engineTimeMs;

    OutputPublisher(final CheckoutStore checkouts, final SkuBook skus)
    {
        this.checkouts = checkouts;
        this.skus = skus;
    }

    void begin(final EngineOutput output, final long inputSequence, final long engineTimeMs)
    {
        this.output = output;
        this.inputSequence = inputSequence;
        this.engineTimeMs = engineTimeMs;
    }

    void checkoutHeld(final int slot)
    {
        final CheckoutHeldEncoder e = checkoutHeld.wrapAndApplyHeader(output.claim(), 0, header)
            .inputSequence(inputSequence)
            .engineTimeMs(engineTimeMs)
            .checkoutId(checkouts.id(slot))
            .customerId(checkouts.customerId(slot))
            .expiresAtMs(checkouts.expiresAtMs(slot));
        e.limit(writeLines(e.buffer(), e.limit(), slot));
        commitEvent(e.encodedLength());
    }

    void checkoutConfirmed(final int slot, final DirectBuffer paymentRef, final int paymentRefOffset)
    {
        final CheckoutConfirmedEncoder e = checkoutConfirmed.wrapAndApplyHeader(output.claim(), 0, header)
            .inputSequence(inputSequence)
            .engineTimeMs(engineTimeMs)
            .checkoutId(checkouts.id(slot))
            .customerId(checkouts.customerId(slot));
        e.buffer().putBytes(
            e.offset() + CheckoutConfirmedEncoder.paymentRefEncodingOffset(),
            paymentRef,
            paymentRefOffset,
            CheckoutConfirmedEncoder.paymentRefLength());
        e.limit(writeLines(e.buffer(), e.limit(), slot));
        commitEvent(e.encodedLength());
    }

    void checkoutReleased(final int slot)
    {
        final CheckoutReleasedEncoder e = checkoutReleased.wrapAndApplyHeader(output.claim(), 0, header)
            .inputSequence(inputSequence)
            .engineTimeMs(engineTimeMs)
            .checkoutId(checkouts.id(slot))
            .customerId(checkouts.customerId(slot));
        e.limit(writeLines(e.buffer(), e.limit(), slot));
        commitEvent(e.encodedLength());
    }

    void checkoutExpired(final int slot)
    {
        final CheckoutExpiredEncoder e = checkoutExpired.wrapAndApplyHeader(output.claim(), 0, header)
            .inputSequence(inputSequence)
            .engineTimeMs(engineTimeMs)
            .checkoutId(checkouts.id(slot))
            .customerId(checkouts.customerId(slot))
            .expiresAtMs(checkouts.expiresAtMs(slot));
        e.limit(writeLines(e.buffer(), e.limit(), slot));
        commitEvent(e.encodedLength());
    }

    void stockChanged(final int sku)
    {
        final StockChangedEncoder e = stockChanged.wrapAndApplyHeader(output.claim(), 0, header)
            .inputSequence(inputSequence)
            .engineTimeMs(engineTimeMs);
        skus.putCode(sku, e.buffer(), e.offset() + StockChangedEncoder.skuEncodingOffset());
        e.totalStock(skus.totalStock[sku])
            .available(skus.available[sku])
            .held(skus.held[sku])
            .sold(skus.sold[sku]);
        commitEvent(e.encodedLength());
    }

    void soldOut(final int sku)
    {
        final SoldOutEncoder e = soldOut.wrapAndApplyHeader(output.claim(), 0, header)
            .inputSequence(inputSequence)
            .engineTimeMs(engineTimeMs);
        skus.putCode(sku, e.buffer(), e.offset() + SoldOutEncoder.skuEncodingOffset());
        commitEvent(e.encodedLength());
    }

    void salePaused(final int sku)
    {
        final SalePausedEncoder e = salePaused.wrapAndApplyHeader(output.claim(), 0, header)
            .inputSequence(inputSequence)
            .engineTimeMs(engineTimeMs);
        skus.putCode(sku, e.buffer(), e.offset() + SalePausedEncoder.skuEncodingOffset());
        commitEvent(e.encodedLength());
    }

    void saleResumed(final int sku)
    {
        final SaleResumedEncoder e = saleResumed.wrapAndApplyHeader(output.claim(), 0, header)
            .inputSequence(inputSequence)
            .engineTimeMs(engineTimeMs);
        skus.putCode(sku, e.buffer(), e.offset() + SaleResumedEncoder.skuEncodingOffset());
        commitEvent(e.encodedLength());
    }

    void skuUpserted(final int sku)
    {
        final SkuUpsertedEncoder e = skuUpserted.wrapAndApplyHeader(output.claim(), 0, header)
            .inputSequence(inputSequence)
            .engineTimeMs(engineTimeMs);
        skus.putCode(sku, e.buffer(), e.offset() + SkuUpsertedEncoder.skuEncodingOffset());
        e.totalStock(skus.totalStock[sku])
            .perCustomerLimit(skus.perCustomerLimit[sku])
            .priceMinor(skus.priceMinor[sku]);
        SkuBook.putCurrency(skus.currency[sku], e.buffer(), e.offset() + SkuUpsertedEncoder.currencyEncodingOffset());
        e.startsAtMs(skus.startsAtMs[sku]).endsAtMs(skus.endsAtMs[sku]);
        commitEvent(e.encodedLength());
    }

    /** The result of a checkout command showing the checkout in {@code slot} as it is now. */
    void checkoutResult(final CommandKind command, final ResultCode code, final boolean replayed, final int slot)
    {
        final CheckoutResultEncoder e = checkoutResult.wrapAndApplyHeader(output.claim(), 0, header)
            .inputSequence(inputSequence)
            .engineTimeMs(engineTimeMs)
            .command(command)
            .code(code)
            .replayed(replayed ? BooleanType.TRUE : BooleanType.FALSE)
            .state(CheckoutState.get(checkouts.state(slot)))
            .checkoutId(checkouts.id(slot))
            .customerId(checkouts.customerId(slot))
            .createdAtMs(checkouts.createdAtMs(slot))
            .expiresAtMs(checkouts.expiresAtMs(slot));
        e.limit(writeLines(e.buffer(), e.limit(), slot));
        commitResult(e.encodedLength());
    }

    /**
     * The result of a checkout command with no checkout to show in full: a refusal (checkout id 0)
     * or the replay of a reserve whose checkout retention already ended.
     */
    void checkoutResultWithoutLines(
        final CommandKind command,
        final ResultCode code,
        final boolean replayed,
        final long checkoutId,
        final long customerId,
        final long createdAtMs,
        final long expiresAtMs)
    {
        final CheckoutResultEncoder e = checkoutResult.wrapAndApplyHeader(output.claim(), 0, header)
            .inputSequence(inputSequence)
            .engineTimeMs(engineTimeMs)
            .command(command)
            .code(code)
            .replayed(replayed ? BooleanType.TRUE : BooleanType.FALSE)
            .state(CheckoutState.NONE)
            .checkoutId(checkoutId)
            .customerId(customerId)
            .createdAtMs(createdAtMs)
            .expiresAtMs(expiresAtMs);
        e.linesCount(0);
        commitResult(e.encodedLength());
    }

    /**
     * The result of a SKU command. With {@code sku} = {@link SkuBook#NOT_FOUND} the counters are
     * zero and the code echoes the input's 32 bytes at {@code codeOffset}.
     */
    void skuResult(
        final CommandKind command, final ResultCode code, final int sku, final DirectBuffer input, final int codeOffset)
    {
        final SkuResultEncoder e = skuResult.wrapAndApplyHeader(output.claim(), 0, header)
            .inputSequence(inputSequence)
            .engineTimeMs(engineTimeMs)
            .command(command)
            .code(code);
        final int codeAt = e.offset() + SkuResultEncoder.skuEncodingOffset();
        final int currencyAt = e.offset() + SkuResultEncoder.currencyEncodingOffset();
        if (sku == SkuBook.NOT_FOUND)
        {
            e.buffer().putBytes(codeAt, input, codeOffset, SkuResultEncoder.skuLength());
            e.totalStock(0).available(0).held(0).sold(0).perCustomerLimit(0).priceMinor(0)
                .startsAtMs(0).endsAtMs(0).paused(BooleanType.FALSE);
            e.buffer().setMemory(currencyAt, SkuResultEncoder.currencyLength(), (byte)0);
        }
        else
        {
            skus.putCode(sku, e.buffer(), codeAt);
            e.totalStock(skus.totalStock[sku])
                .available(skus.available[sku])
                .held(skus.held[sku])
                .sold(skus.sold[sku])
                .perCustomerLimit(skus.perCustomerLimit[sku])
                .priceMinor(skus.priceMinor[sku])
                .startsAtMs(skus.startsAtMs[sku])
                .endsAtMs(skus.endsAtMs[sku])
                .paused(skus.paused[sku] ? BooleanType.TRUE : BooleanType.FALSE);
            SkuBook.putCurrency(skus.currency[sku], e.buffer(), currencyAt);
        }
        commitResult(e.encodedLength());
    }

    void ack(final CommandKind command, final ResultCode code)
    {
        final AckEncoder e = ack.wrapAndApplyHeader(output.claim(), 0, header)
            .inputSequence(inputSequence)
            .engineTimeMs(engineTimeMs)
            .command(command)
            .code(code);
        commitResult(e.encodedLength());
    }

    private void commitEvent(final int bodyLength)
    {
        output.commit(MessageHeaderEncoder.ENCODED_LENGTH + bodyLength, false);
    }

    private void commitResult(final int bodyLength)
    {
        output.commit(MessageHeaderEncoder.ENCODED_LENGTH + bodyLength, true);
    }

    /** Writes the lines group of a checkout at {@code limit}; returns the new limit. */
    private int writeLines(final MutableDirectBuffer buffer, final int limit, final int slot)
    {
        final int count = checkouts.lineCount(slot);
        buffer.putShort(limit, (short)LineLayout.BLOCK_LENGTH, ByteOrder.LITTLE_ENDIAN);
        buffer.putShort(limit + 2, (short)count, ByteOrder.LITTLE_ENDIAN);
        int offset = limit + LineLayout.GROUP_HEADER_LENGTH;
        for (int line = 0; line < count; line++)
        {
            skus.putCode(checkouts.lineSku(slot, line), buffer, offset + LineLayout.SKU_OFFSET);
            buffer.putInt(offset + LineLayout.QUANTITY_OFFSET, checkouts.lineQuantity(slot, line), ByteOrder.LITTLE_ENDIAN);
            buffer.putLong(offset + LineLayout.PRICE_OFFSET, checkouts.linePriceMinor(slot, line), ByteOrder.LITTLE_ENDIAN);
            SkuBook.putCurrency(checkouts.lineCurrency(slot, line), buffer, offset + LineLayout.CURRENCY_OFFSET);
            offset += LineLayout.BLOCK_LENGTH;
        }
        return offset;
    }
}
