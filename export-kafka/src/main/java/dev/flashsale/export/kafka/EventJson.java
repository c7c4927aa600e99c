package dev.flashsale.export.kafka;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.flashsale.engine.codec.CheckoutConfirmedDecoder;
import dev.flashsale.engine.codec.CheckoutExpiredDecoder;
import dev.flashsale.engine.codec.CheckoutHeldDecoder;
import dev.flashsale.engine.codec.CheckoutReleasedDecoder;
import dev.flashsale.engine.codec.MessageHeaderDecoder;
import dev.flashsale.engine.codec.SalePausedDecoder;
import dev.flashsale.engine.codec.SaleResumedDecoder;
import dev.flashsale.engine.codec.SkuUpsertedDecoder;
import dev.flashsale.engine.codec.SoldOutDecoder;
import dev.flashsale.engine.codec.StockChangedDecoder;
import org.agrona.DirectBuffer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Turns one SBE event of the event journal into its exported form: the topic kind, the key and
 * the JSON value of schema version {@value #SCHEMA_VERSION} (docs/EVENTS.md). Field names are the
 * protocol's; every event carries its type, its journal position and the engine time. An event
 * this exporter does not know (a newer protocol) is refused, never passed on half-understood.
 * One instance per thread: the decoders and the output buffer are reused.
 */
public final class EventJson
{
    /** The version of the exported JSON; bumped on any change a consumer could notice, see docs/EVENTS.md. */
    public static final int SCHEMA_VERSION = 1;

    /** Which topic an event goes to. */
    public enum Kind
    {
        CHECKOUT, SKU
    }

    /** One event ready to send. */
    public record Exported(Kind kind, String type, String key, byte[] json)
    {
    }

    private static final JsonFactory JSON = new JsonFactory();

    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final SkuUpsertedDecoder skuUpserted = new SkuUpsertedDecoder();
    private final StockChangedDecoder stockChanged = new StockChangedDecoder();
    private final SalePausedDecoder salePaused = new SalePausedDecoder();
    private final SaleResumedDecoder saleResumed = new SaleResumedDecoder();
    private final SoldOutDecoder soldOut = new SoldOutDecoder();
    private final CheckoutHeldDecoder held = new CheckoutHeldDecoder();
    private final CheckoutConfirmedDecoder confirmed = new CheckoutConfirmedDecoder();
    private final CheckoutReleasedDecoder released = new CheckoutReleasedDecoder();
    private final CheckoutExpiredDecoder expired = new CheckoutExpiredDecoder();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(512);

    /**
     * @param inputSequence the event's position in the journal, with {@code index}.
     * @throws IllegalStateException for an event of another schema or a type this exporter does not know.
     */
    public Exported convert(final long inputSequence, final int index, final DirectBuffer buffer, final int offset)
    {
        header.wrap(buffer, offset);
        if (header.schemaId() != MessageHeaderDecoder.SCHEMA_ID)
        {
            throw new IllegalStateException("event (" + inputSequence + ", " + index + ") has schema id " + header.schemaId() +
                ", not the flashsale protocol's " + MessageHeaderDecoder.SCHEMA_ID);
        }
        out.reset();
        try
        {
            final JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8);
            final Exported exported = write(json, inputSequence, index, buffer, offset);
            json.close(); // flushes into out
            return new Exported(exported.kind(), exported.type(), exported.key(), out.toByteArray());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex); // a ByteArrayOutputStream does not fail
        }
    }

    private Exported write(final JsonGenerator json, final long inputSequence, final int index, final DirectBuffer buffer,
        final int offset) throws IOException
    {
        final int templateId = header.templateId();
        final int blockLength = header.blockLength();
        final int version = header.version();
        final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        switch (templateId)
        {
            case SkuUpsertedDecoder.TEMPLATE_ID ->
            {
                final SkuUpsertedDecoder e = skuUpserted.wrap(buffer, body, blockLength, version);
                final String sku = e.sku();
                start(json, "SkuUpserted", inputSequence, index, e.engineTimeMs());
                json.writeStringField("sku", sku);
                json.writeNumberField("totalStock", e.totalStock());
                json.writeNumberField("perCustomerLimit", e.perCustomerLimit());
                json.writeNumberField("priceMinor", e.priceMinor());
                json.writeStringField("currency", e.currency());
                json.writeNumberField("startsAtMs", e.startsAtMs());
                json.writeNumberField("endsAtMs", e.endsAtMs());
                json.writeEndObject();
                return new Exported(Kind.SKU, "SkuUpserted", sku, null);
            }
            case StockChangedDecoder.TEMPLATE_ID ->
            {
                final StockChangedDecoder e = stockChanged.wrap(buffer, body, blockLength, version);
                final String sku = e.sku();
                start(json, "StockChanged", inputSequence, index, e.engineTimeMs());
                json.writeStringField("sku", sku);
                json.writeNumberField("totalStock", e.totalStock());
                json.writeNumberField("available", e.available());
                json.writeNumberField("held", e.held());
                json.writeNumberField("sold", e.sold());
                json.writeEndObject();
                return new Exported(Kind.SKU, "StockChanged", sku, null);
            }
            case SalePausedDecoder.TEMPLATE_ID ->
            {
                final SalePausedDecoder e = salePaused.wrap(buffer, body, blockLength, version);
                return skuOnly(json, "SalePaused", inputSequence, index, e.engineTimeMs(), e.sku());
            }
            case SaleResumedDecoder.TEMPLATE_ID ->
            {
                final SaleResumedDecoder e = saleResumed.wrap(buffer, body, blockLength, version);
                return skuOnly(json, "SaleResumed", inputSequence, index, e.engineTimeMs(), e.sku());
            }
            case SoldOutDecoder.TEMPLATE_ID ->
            {
                final SoldOutDecoder e = soldOut.wrap(buffer, body, blockLength, version);
                return skuOnly(json, "SoldOut", inputSequence, index, e.engineTimeMs(), e.sku());
            }
            case CheckoutHeldDecoder.TEMPLATE_ID ->
            {
                final CheckoutHeldDecoder e = held.wrap(buffer, body, blockLength, version);
                checkout(json, "CheckoutHeld", inputSequence, index, e.engineTimeMs(), e.checkoutId(), e.customerId());
                json.writeNumberField("expiresAtMs", e.expiresAtMs());
                json.writeArrayFieldStart("lines");
                for (final CheckoutHeldDecoder.LinesDecoder line : e.lines())
                {
                    line(json, line.sku(), line.quantity(), line.unitPriceMinor(), line.currency());
                }
                json.writeEndArray();
                json.writeEndObject();
                return new Exported(Kind.CHECKOUT, "CheckoutHeld", Long.toString(e.checkoutId()), null);
            }
            case CheckoutConfirmedDecoder.TEMPLATE_ID ->
            {
                final CheckoutConfirmedDecoder e = confirmed.wrap(buffer, body, blockLength, version);
                checkout(json, "CheckoutConfirmed", inputSequence, index, e.engineTimeMs(), e.checkoutId(), e.customerId());
                json.writeStringField("paymentRef", e.paymentRef());
                json.writeArrayFieldStart("lines");
                for (final CheckoutConfirmedDecoder.LinesDecoder line : e.lines())
                {
                    line(json, line.sku(), line.quantity(), line.unitPriceMinor(), line.currency());
                }
                json.writeEndArray();
                json.writeEndObject();
                return new Exported(Kind.CHECKOUT, "CheckoutConfirmed", Long.toString(e.checkoutId()), null);
            }
            case CheckoutReleasedDecoder.TEMPLATE_ID ->
            {
                final CheckoutReleasedDecoder e = released.wrap(buffer, body, blockLength, version);
                checkout(json, "CheckoutReleased", inputSequence, index, e.engineTimeMs(), e.checkoutId(), e.customerId());
                json.writeArrayFieldStart("lines");
                for (final CheckoutReleasedDecoder.LinesDecoder line : e.lines())
                {
                    line(json, line.sku(), line.quantity(), line.unitPriceMinor(), line.currency());
                }
                json.writeEndArray();
                json.writeEndObject();
                return new Exported(Kind.CHECKOUT, "CheckoutReleased", Long.toString(e.checkoutId()), null);
            }
            case CheckoutExpiredDecoder.TEMPLATE_ID ->
            {
                final CheckoutExpiredDecoder e = expired.wrap(buffer, body, blockLength, version);
                checkout(json, "CheckoutExpired", inputSequence, index, e.engineTimeMs(), e.checkoutId(), e.customerId());
                json.writeNumberField("expiresAtMs", e.expiresAtMs());
                json.writeArrayFieldStart("lines");
                for (final CheckoutExpiredDecoder.LinesDecoder line : e.lines())
                {
                    line(json, line.sku(), line.quantity(), line.unitPriceMinor(), line.currency());
                }
                json.writeEndArray();
                json.writeEndObject();
                return new Exported(Kind.CHECKOUT, "CheckoutExpired", Long.toString(e.checkoutId()), null);
            }
            default -> throw new IllegalStateException("event (" + inputSequence + ", " + index + ") has template id " +
                templateId + ", which this exporter does not know (protocol version " + version + "): upgrade the exporter");
        }
    }

    private static void start(final JsonGenerator json, final String type, final long inputSequence, final int index,
        final long engineTimeMs) throws IOException
    {
        json.writeStartObject();
        json.writeNumberField("schemaVersion", SCHEMA_VERSION);
        json.writeStringField("type", type);
        json.writeNumberField("inputSequence", inputSequence);
        json.writeNumberField("index", index);
        json.writeNumberField("engineTimeMs", engineTimeMs);
    }

    private static Exported skuOnly(final JsonGenerator json, final String type, final long inputSequence, final int index,
        final long engineTimeMs, final String sku) throws IOException
    {
        start(json, type, inputSequence, index, engineTimeMs);
        json.writeStringField("sku", sku);
        json.writeEndObject();
        return new Exported(Kind.SKU, type, sku, null);
    }

    private static void checkout(final JsonGenerator json, final String type, final long inputSequence, final int index,
        final long engineTimeMs, final long checkoutId, final long customerId) throws IOException
    {
        start(json, type, inputSequence, index, engineTimeMs);
        // a decimal string, as in the HTTP API: checkout ids exceed what a JSON number carries exactly (2^53)
        json.writeStringField("checkoutId", Long.toString(checkoutId));
        json.writeNumberField("customerId", customerId);
    }

    private static void line(final JsonGenerator json, final String sku, final int quantity, final long unitPriceMinor,
        final String currency) throws IOException
    {
        json.writeStartObject();
        json.writeStringField("sku", sku);
        json.writeNumberField("quantity", quantity);
        json.writeNumberField("unitPriceMinor", unitPriceMinor);
        json.writeStringField("currency", currency);
        json.writeEndObject();
    }
}
