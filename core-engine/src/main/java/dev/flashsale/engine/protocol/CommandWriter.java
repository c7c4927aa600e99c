package dev.flashsale.engine.protocol;

import dev.flashsale.engine.codec.AdjustStockEncoder;
import dev.flashsale.engine.codec.CancelEncoder;
import dev.flashsale.engine.codec.ConfirmEncoder;
import dev.flashsale.engine.codec.GetAvailabilityEncoder;
import dev.flashsale.engine.codec.GetCheckoutEncoder;
import dev.flashsale.engine.codec.MessageHeaderEncoder;
import dev.flashsale.engine.codec.PauseSaleEncoder;
import dev.flashsale.engine.codec.ReserveEncoder;
import dev.flashsale.engine.codec.RestockEncoder;
import dev.flashsale.engine.codec.ResumeSaleEncoder;
import dev.flashsale.engine.codec.TickEncoder;
import dev.flashsale.engine.codec.UpsertSkuEncoder;
import org.agrona.MutableDirectBuffer;

/**
 * Encodes commands, header included, with reused SBE flyweights: one instance per producer thread.
 * Each method returns the encoded length. Values are written as given: the engine, not the writer,
 * decides what is valid (so tests can encode bad input); a string longer than its field throws
 * {@link IndexOutOfBoundsException}.
 */
public final class CommandWriter
{
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final UpsertSkuEncoder upsertSku = new UpsertSkuEncoder();
    private final RestockEncoder restock = new RestockEncoder();
    private final AdjustStockEncoder adjustStock = new AdjustStockEncoder();
    private final PauseSaleEncoder pauseSale = new PauseSaleEncoder();
    private final ResumeSaleEncoder resumeSale = new ResumeSaleEncoder();
    private final ReserveEncoder reserve = new ReserveEncoder();
    private final ConfirmEncoder confirm = new ConfirmEncoder();
    private final CancelEncoder cancel = new CancelEncoder();
    private final GetCheckoutEncoder getCheckout = new GetCheckoutEncoder();
    private final GetAvailabilityEncoder getAvailability = new GetAvailabilityEncoder();
    private final TickEncoder tick = new TickEncoder();

    public int upsertSku(
        final MutableDirectBuffer buffer,
        final int offset,
        final CharSequence sku,
        final int totalStock,
        final int perCustomerLimit,
        final long priceMinor,
        final CharSequence currency,
        final long startsAtMs,
        final long endsAtMs)
    {
        upsertSku.wrapAndApplyHeader(buffer, offset, header)
            .sku(sku)
            .totalStock(totalStock)
            .perCustomerLimit(perCustomerLimit)
            .priceMinor(priceMinor)
            .currency(currency)
            .startsAtMs(startsAtMs)
            .endsAtMs(endsAtMs);
        return MessageHeaderEncoder.ENCODED_LENGTH + upsertSku.encodedLength();
    }

    public int restock(final MutableDirectBuffer buffer, final int offset, final CharSequence sku, final int quantity)
    {
        restock.wrapAndApplyHeader(buffer, offset, header).sku(sku).quantity(quantity);
        return MessageHeaderEncoder.ENCODED_LENGTH + restock.encodedLength();
    }

    public int adjustStock(final MutableDirectBuffer buffer, final int offset, final CharSequence sku, final int totalStock)
    {
        adjustStock.wrapAndApplyHeader(buffer, offset, header).sku(sku).totalStock(totalStock);
        return MessageHeaderEncoder.ENCODED_LENGTH + adjustStock.encodedLength();
    }

    public int pauseSale(final MutableDirectBuffer buffer, final int offset, final CharSequence sku)
    {
        pauseSale.wrapAndApplyHeader(buffer, offset, header).sku(sku);
        return MessageHeaderEncoder.ENCODED_LENGTH + pauseSale.encodedLength();
    }

    public int resumeSale(final MutableDirectBuffer buffer, final int offset, final CharSequence sku)
    {
        resumeSale.wrapAndApplyHeader(buffer, offset, header).sku(sku);
        return MessageHeaderEncoder.ENCODED_LENGTH + resumeSale.encodedLength();
    }

    /**
     * A reserve of {@code lineCount} lines taken from the first entries of {@code skus} and
     * {@code quantities}.
     */
    public int reserve(
        final MutableDirectBuffer buffer,
        final int offset,
        final int clientId,
        final long customerId,
        final long holdTtlMs,
        final CharSequence idempotencyKey,
        final CharSequence[] skus,
        final int[] quantities,
        final int lineCount)
    {
        final ReserveEncoder.LinesEncoder lines = reserve.wrapAndApplyHeader(buffer, offset, header)
            .clientId(clientId)
            .customerId(customerId)
            .holdTtlMs(holdTtlMs)
            .idempotencyKey(idempotencyKey)
            .linesCount(lineCount);
        for (int i = 0; i < lineCount; i++)
        {
            lines.next().sku(skus[i]).quantity(quantities[i]);
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + reserve.encodedLength();
    }

    /** A reserve of one line. */
    public int reserve(
        final MutableDirectBuffer buffer,
        final int offset,
        final int clientId,
        final long customerId,
        final long holdTtlMs,
        final CharSequence idempotencyKey,
        final CharSequence sku,
        final int quantity)
    {
        reserve.wrapAndApplyHeader(buffer, offset, header)
            .clientId(clientId)
            .customerId(customerId)
            .holdTtlMs(holdTtlMs)
            .idempotencyKey(idempotencyKey)
            .linesCount(1)
            .next()
            .sku(sku)
            .quantity(quantity);
        return MessageHeaderEncoder.ENCODED_LENGTH + reserve.encodedLength();
    }

    public int confirm(
        final MutableDirectBuffer buffer,
        final int offset,
        final long customerId,
        final long checkoutId,
        final CharSequence paymentRef)
    {
        confirm.wrapAndApplyHeader(buffer, offset, header)
            .customerId(customerId)
            .checkoutId(checkoutId)
            .paymentRef(paymentRef);
        return MessageHeaderEncoder.ENCODED_LENGTH + confirm.encodedLength();
    }

    public int cancel(final MutableDirectBuffer buffer, final int offset, final long customerId, final long checkoutId)
    {
        cancel.wrapAndApplyHeader(buffer, offset, header).customerId(customerId).checkoutId(checkoutId);
        return MessageHeaderEncoder.ENCODED_LENGTH + cancel.encodedLength();
    }

    public int getCheckout(final MutableDirectBuffer buffer, final int offset, final long customerId, final long checkoutId)
    {
        getCheckout.wrapAndApplyHeader(buffer, offset, header).customerId(customerId).checkoutId(checkoutId);
        return MessageHeaderEncoder.ENCODED_LENGTH + getCheckout.encodedLength();
    }

    public int getAvailability(final MutableDirectBuffer buffer, final int offset, final CharSequence sku)
    {
        getAvailability.wrapAndApplyHeader(buffer, offset, header).sku(sku);
        return MessageHeaderEncoder.ENCODED_LENGTH + getAvailability.encodedLength();
    }

    public int tick(final MutableDirectBuffer buffer, final int offset)
    {
        tick.wrapAndApplyHeader(buffer, offset, header);
        return MessageHeaderEncoder.ENCODED_LENGTH + tick.encodedLength();
    }
}
