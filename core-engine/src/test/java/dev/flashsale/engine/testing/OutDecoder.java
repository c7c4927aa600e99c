package dev.flashsale.engine.testing;

import dev.flashsale.engine.codec.AckDecoder;
import dev.flashsale.engine.codec.BooleanType;
import dev.flashsale.engine.codec.CheckoutConfirmedDecoder;
import dev.flashsale.engine.codec.CheckoutExpiredDecoder;
import dev.flashsale.engine.codec.CheckoutHeldDecoder;
import dev.flashsale.engine.codec.CheckoutReleasedDecoder;
import dev.flashsale.engine.codec.CheckoutResultDecoder;
import dev.flashsale.engine.codec.MessageHeaderDecoder;
import dev.flashsale.engine.codec.SalePausedDecoder;
import dev.flashsale.engine.codec.SaleResumedDecoder;
import dev.flashsale.engine.codec.SkuResultDecoder;
import dev.flashsale.engine.codec.SkuUpsertedDecoder;
import dev.flashsale.engine.codec.SoldOutDecoder;
import dev.flashsale.engine.codec.StockChangedDecoder;
import dev.flashsale.engine.protocol.Ascii;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;

/** Decodes one output message into an {@link Out} value, checking it uses all its bytes. */
public final class OutDecoder
{
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final CheckoutResultDecoder checkoutResult = new CheckoutResultDecoder();
    private final SkuResultDecoder skuResult = new SkuResultDecoder();
    private final AckDecoder ack = new AckDecoder();
    private final SkuUpsertedDecoder skuUpserted = new SkuUpsertedDecoder();
    private final StockChangedDecoder stockChanged = new StockChangedDecoder();
    private final SalePausedDecoder salePaused = new SalePausedDecoder();
    private final SaleResumedDecoder saleResumed = new SaleResumedDecoder();
    private final SoldOutDecoder soldOut = new SoldOutDecoder();
    private final CheckoutHeldDecoder checkoutHeld = new CheckoutHeldDecoder();
    private final CheckoutConfirmedDecoder checkoutConfirmed = new CheckoutConfirmedDecoder();
    private final CheckoutReleasedDecoder checkoutReleased = new CheckoutReleasedDecoder();
    private final CheckoutExpiredDecoder checkoutExpired = new CheckoutExpiredDecoder();

    public Out decode(final DirectBuffer buffer, final int offset, final int length)
    {
        header.wrap(buffer, offset);
        final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int blockLength = header.blockLength();
        final int version = header.version();
        final Out out;
        final int limit;
        switch (header.templateId())
        {
            case CheckoutResultDecoder.TEMPLATE_ID ->
            {
                final CheckoutResultDecoder d = checkoutResult.wrap(buffer, body, blockLength, version);
                final long seq = d.inputSequence();
                final long time = d.engineTimeMs();
                final var command = d.command();
                final var code = d.code();
                final boolean replayed = d.replayed() == BooleanType.TRUE;
                final var state = d.state();
                final long id = d.checkoutId();
                final long customer = d.customerId();
                final long created = d.createdAtMs();
                final long expires = d.expiresAtMs();
                final List<Out.Line> lines = new ArrayList<>();
                for (final CheckoutResultDecoder.LinesDecoder line : d.lines())
                {
                    lines.add(new Out.Line(line.sku(), line.quantity(), line.unitPriceMinor(), line.currency()));
                }
                out = new Out.CheckoutResult(seq, time, command, code, replayed, state, id, customer, created, expires, lines);
                limit = d.limit();
            }
            case SkuResultDecoder.TEMPLATE_ID ->
            {
                final SkuResultDecoder d = skuResult.wrap(buffer, body, blockLength, version);
                out = new Out.SkuResult(d.inputSequence(), d.engineTimeMs(), d.command(), d.code(),
                    Ascii.toString(buffer, body + SkuResultDecoder.skuEncodingOffset(), 32),
                    d.totalStock(), d.available(), d.held(), d.sold(), d.perCustomerLimit(), d.priceMinor(),
                    Ascii.toString(buffer, body + SkuResultDecoder.currencyEncodingOffset(), 3),
                    d.startsAtMs(), d.endsAtMs(), d.paused() == BooleanType.TRUE);
                limit = d.limit();
            }
            case AckDecoder.TEMPLATE_ID ->
            {
                final AckDecoder d = ack.wrap(buffer, body, blockLength, version);
                out = new Out.Ack(d.inputSequence(), d.engineTimeMs(), d.command(), d.code());
                limit = d.limit();
            }
            case SkuUpsertedDecoder.TEMPLATE_ID ->
            {
                final SkuUpsertedDecoder d = skuUpserted.wrap(buffer, body, blockLength, version);
                out = new Out.SkuUpserted(d.inputSequence(), d.engineTimeMs(), d.sku(), d.totalStock(),
                    d.perCustomerLimit(), d.priceMinor(), d.currency(), d.startsAtMs(), d.endsAtMs());
                limit = d.limit();
            }
            case StockChangedDecoder.TEMPLATE_ID ->
            {
                final StockChangedDecoder d = stockChanged.wrap(buffer, body, blockLength, version);
                out = new Out.StockChanged(d.inputSequence(), d.engineTimeMs(), d.sku(), d.totalStock(), d.available(),
                    d.held(), d.sold());
                limit = d.limit();
            }
            case SalePausedDecoder.TEMPLATE_ID ->
            {
                final SalePausedDecoder d = salePaused.wrap(buffer, body, blockLength, version);
                out = new Out.SalePaused(d.inputSequence(), d.engineTimeMs(), d.sku());
                limit = d.limit();
            }
            case SaleResumedDecoder.TEMPLATE_ID ->
            {
                final SaleResumedDecoder d = saleResumed.wrap(buffer, body, blockLength, version);
                out = new Out.SaleResumed(d.inputSequence(), d.engineTimeMs(), d.sku());
                limit = d.limit();
            }
            case SoldOutDecoder.TEMPLATE_ID ->
            {
                final SoldOutDecoder d = soldOut.wrap(buffer, body, blockLength, version);
                out = new Out.SoldOut(d.inputSequence(), d.engineTimeMs(), d.sku());
                limit = d.limit();
            }
            case CheckoutHeldDecoder.TEMPLATE_ID ->
            {
                final CheckoutHeldDecoder d = checkoutHeld.wrap(buffer, body, blockLength, version);
                final long seq = d.inputSequence();
                final long time = d.engineTimeMs();
                final long id = d.checkoutId();
                final long customer = d.customerId();
                final long expires = d.expiresAtMs();
                final List<Out.Line> lines = new ArrayList<>();
                for (final CheckoutHeldDecoder.LinesDecoder line : d.lines())
                {
                    lines.add(new Out.Line(line.sku(), line.quantity(), line.unitPriceMinor(), line.currency()));
                }
                out = new Out.CheckoutHeld(seq, time, id, customer, expires, lines);
                limit = d.limit();
            }
            case CheckoutConfirmedDecoder.TEMPLATE_ID ->
            {
                final CheckoutConfirmedDecoder d = checkoutConfirmed.wrap(buffer, body, blockLength, version);
                final long seq = d.inputSequence();
                final long time = d.engineTimeMs();
                final long id = d.checkoutId();
                final long customer = d.customerId();
                final String paymentRef = d.paymentRef();
                final List<Out.Line> lines = new ArrayList<>();
                for (final CheckoutConfirmedDecoder.LinesDecoder line : d.lines())
                {
                    lines.add(new Out.Line(line.sku(), line.quantity(), line.unitPriceMinor(), line.currency()));
                }
                out = new Out.CheckoutConfirmed(seq, time, id, customer, paymentRef, lines);
                limit = d.limit();
            }
            case CheckoutReleasedDecoder.TEMPLATE_ID ->
            {
                final CheckoutReleasedDecoder d = checkoutReleased.wrap(buffer, body, blockLength, version);
                final long seq = d.inputSequence();
                final long time = d.engineTimeMs();
                final long id = d.checkoutId();
                final long customer = d.customerId();
                final List<Out.Line> lines = new ArrayList<>();
                for (final CheckoutReleasedDecoder.LinesDecoder line : d.lines())
                {
                    lines.add(new Out.Line(line.sku(), line.quantity(), line.unitPriceMinor(), line.currency()));
                }
                out = new Out.CheckoutReleased(seq, time, id, customer, lines);
                limit = d.limit();
            }
            case CheckoutExpiredDecoder.TEMPLATE_ID ->
            {
                final CheckoutExpiredDecoder d = checkoutExpired.wrap(buffer, body, blockLength, version);
                final long seq = d.inputSequence();
                final long time = d.engineTimeMs();
                final long id = d.checkoutId();
                final long customer = d.customerId();
                final long expires = d.expiresAtMs();
                final List<Out.Line> lines = new ArrayList<>();
                for (final CheckoutExpiredDecoder.LinesDecoder line : d.lines())
                {
                    lines.add(new Out.Line(line.sku(), line.quantity(), line.unitPriceMinor(), line.currency()));
                }
                out = new Out.CheckoutExpired(seq, time, id, customer, expires, lines);
                limit = d.limit();
            }
            default -> throw new AssertionError("unknown output template " + header.templateId());
        }
        if (limit - offset != length)
        {
            throw new AssertionError("message " + out + " is " + (limit - offset) + " bytes, committed " + length);
        }
        return out;
    }
}
