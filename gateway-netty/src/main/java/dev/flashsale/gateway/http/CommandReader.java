package dev.flashsale.gateway.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.protocol.CommandWriter;
import dev.flashsale.engine.protocol.ProtocolLimits;
import org.agrona.MutableDirectBuffer;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import static dev.flashsale.gateway.http.JsonFields.currencyValue;
import static dev.flashsale.gateway.http.JsonFields.end;
import static dev.flashsale.gateway.http.JsonFields.expect;
import static dev.flashsale.gateway.http.JsonFields.lines;
import static dev.flashsale.gateway.http.JsonFields.longValue;
import static dev.flashsale.gateway.http.JsonFields.malformed;
import static dev.flashsale.gateway.http.JsonFields.open;
import static dev.flashsale.gateway.http.JsonFields.unknown;

/**
 * Strict JSON request bodies into the engine's SBE commands: every field typed and ranged,
 * unknown and duplicate fields refused, nothing encoded unless the whole body is valid. Ranges are
 * the engine's, so a valid body is one the engine can decide (it still checks). The reserve and
 * confirm bodies, one per storefront request, are first offered to a {@link PlainBodyReader}, which
 * reads the plain valid ones without Jackson; whatever it declines is read here with Jackson, which
 * gives every refusal its message. One instance per event loop; not thread-safe.
 */
public final class CommandReader
{
    /** The default end of a sale window when none is given: 9999-12-31T23:59:59.999Z. */
    public static final long OPEN_END_MS = 253_402_300_799_999L;

    private final EngineConfig engine;
    private final CommandWriter writer = new CommandWriter();
    private final String[] skus = new String[ProtocolLimits.MAX_LINES_PER_CHECKOUT];
    private final int[] quantities = new int[ProtocolLimits.MAX_LINES_PER_CHECKOUT];
    private final PlainBodyReader plain = new PlainBodyReader();

    public CommandReader(final EngineConfig engine)
    {
        this.engine = engine;
    }

    /**
     * {@code {customerId, lines: [{sku, qty}], holdSeconds?}} into a Reserve.
     *
     * @param customerId the customer the token names: the body must name the same one.
     * @return the encoded length.
     */
    public int reserve(final byte[] body, final int length, final int clientId, final long customerId,
        final String idempotencyKey, final MutableDirectBuffer out)
    {
        if (plain.reserve(body, length, customerId, ceilSeconds(engine.minHoldTtlMs()), engine.maxHoldTtlMs() / 1000,
            engine.maxLinesPerCheckout(), engine.maxQuantityPerLine()))
        {
            return writer.reserve(out, 0, clientId, customerId, 1000 * plain.holdSeconds(), idempotencyKey, plain.skus(),
                plain.quantities(), plain.lineCount());
        }
        return jacksonReserve(body, length, clientId, customerId, idempotencyKey, out);
    }

    /** {@link #reserve} with Jackson alone: every body the plain reader declines, and the reference its tests compare with. */
    int jacksonReserve(final byte[] body, final int length, final int clientId, final long customerId,
        final String idempotencyKey, final MutableDirectBuffer out)
    {
        long bodyCustomer = 0;
        long holdTtlMs = 0;
        int lineCount = -1;
        try (JsonParser p = open(body, length))
        {
            expect(p, JsonToken.START_OBJECT, "the body must be a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                final String field = p.currentName();
                p.nextToken();
                switch (field)
                {
                    case "customerId" -> bodyCustomer = longValue(p, "customerId", 1, Long.MAX_VALUE);
                    case "holdSeconds" -> holdTtlMs = 1000 * longValue(p, "holdSeconds",
                        ceilSeconds(engine.minHoldTtlMs()), engine.maxHoldTtlMs() / 1000);
                    case "lines" -> lineCount = lines(p, skus, quantities, engine.maxLinesPerCheckout(), engine.maxQuantityPerLine());
                    default -> throw unknown(field);
                }
            }
            end(p);
        }
        catch (final IOException ex)
        {
            throw malformed(ex);
        }
        if (bodyCustomer == 0)
        {
            throw new BadRequest("customerId is required");
        }
        if (bodyCustomer != customerId)
        {
            throw new Forbidden("customerId " + bodyCustomer + " is not the customer of the token");
        }
        if (lineCount < 0)
        {
            throw new BadRequest("lines is required");
        }
        return writer.reserve(out, 0, clientId, customerId, holdTtlMs, idempotencyKey, skus, quantities, lineCount);
    }

    /** {@code {paymentRef}} into a Confirm. */
    public int confirm(final byte[] body, final int length, final long customerId, final long checkoutId,
        final MutableDirectBuffer out)
    {
        if (plain.confirm(body, length))
        {
            return writer.confirm(out, 0, customerId, checkoutId, plain.paymentRef());
        }
        return jacksonConfirm(body, length, customerId, checkoutId, out);
    }

    /** {@link #confirm} with Jackson alone: every body the plain reader declines, and the reference its tests compare with. */
    int jacksonConfirm(final byte[] body, final int length, final long customerId, final long checkoutId,
        final MutableDirectBuffer out)
    {
        String paymentRef = null;
        try (JsonParser p = open(body, length))
        {
            expect(p, JsonToken.START_OBJECT, "the body must be a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                final String field = p.currentName();
                p.nextToken();
                if (!field.equals("paymentRef"))
                {
                    throw unknown(field);
                }
                paymentRef = tokenValue(p, "paymentRef", ProtocolLimits.PAYMENT_REF_LENGTH);
            }
            end(p);
        }
        catch (final IOException ex)
        {
            throw malformed(ex);
        }
        if (paymentRef == null)
        {
            throw new BadRequest("paymentRef is required");
        }
        return writer.confirm(out, 0, customerId, checkoutId, paymentRef);
    }

    /** {@code {totalStock, perCustomerLimit, priceMinor, currency, startsAt?, endsAt?}} into an UpsertSku. */
    public int upsertSku(final byte[] body, final int length, final String sku, final MutableDirectBuffer out)
    {
        long totalStock = -1;
        long limit = -1;
        long price = -1;
        String currency = null;
        long startsAt = 0;
        long endsAt = OPEN_END_MS;
        try (JsonParser p = open(body, length))
        {
            expect(p, JsonToken.START_OBJECT, "the body must be a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                final String field = p.currentName();
                p.nextToken();
                switch (field)
                {
                    case "totalStock" -> totalStock = longValue(p, "totalStock", 0, ProtocolLimits.MAX_STOCK);
                    case "perCustomerLimit" -> limit = longValue(p, "perCustomerLimit", 1, ProtocolLimits.MAX_STOCK);
                    case "priceMinor" -> price = longValue(p, "priceMinor", 0, ProtocolLimits.MAX_PRICE_MINOR);
                    case "currency" -> currency = currencyValue(p);
                    case "startsAt" -> startsAt = timeValue(p, "startsAt");
                    case "endsAt" -> endsAt = timeValue(p, "endsAt");
                    default -> throw unknown(field);
                }
            }
            end(p);
        }
        catch (final IOException ex)
        {
            throw malformed(ex);
        }
        if (totalStock < 0 || limit < 0 || price < 0 || currency == null)
        {
            throw new BadRequest("totalStock, perCustomerLimit, priceMinor and currency are required");
        }
        if (endsAt <= startsAt)
        {
            throw new BadRequest("endsAt must be after startsAt");
        }
        return writer.upsertSku(out, 0, sku, (int)totalStock, (int)limit, price, currency, startsAt, endsAt);
    }

    /** {@code {quantity}} into a Restock. */
    public int restock(final byte[] body, final int length, final String sku, final MutableDirectBuffer out)
    {
        return writer.restock(out, 0, sku, (int)singleLong(body, length, "quantity", 1, ProtocolLimits.MAX_STOCK));
    }

    /** {@code {totalStock}} into an AdjustStock. */
    public int adjust(final byte[] body, final int length, final String sku, final MutableDirectBuffer out)
    {
        return writer.adjustStock(out, 0, sku, (int)singleLong(body, length, "totalStock", 0, ProtocolLimits.MAX_STOCK));
    }

    /** @return the writer of the commands that have no body (get, cancel, pause, resume). */
    public CommandWriter writer()
    {
        return writer;
    }

    private long singleLong(final byte[] body, final int length, final String name, final long min, final long max)
    {
        long value = Long.MIN_VALUE;
        try (JsonParser p = open(body, length))
        {
            expect(p, JsonToken.START_OBJECT, "the body must be a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                final String field = p.currentName();
                p.nextToken();
                if (!field.equals(name))
                {
                    throw unknown(field);
                }
                value = longValue(p, name, min, max);
            }
            end(p);
        }
        catch (final IOException ex)
        {
            throw malformed(ex);
        }
        if (value == Long.MIN_VALUE)
        {
            throw new BadRequest(name + " is required");
        }
        return value;
    }

    private static String tokenValue(final JsonParser p, final String name, final int maxLength) throws IOException
    {
        if (p.currentToken() != JsonToken.VALUE_STRING)
        {
            throw new BadRequest(name + " must be a string");
        }
        final String value = p.getText();
        if (!PathParams.isToken(value, maxLength))
        {
            throw new BadRequest(name + " must be 1.." + maxLength + " printable ASCII characters without spaces");
        }
        return value;
    }

    private static long timeValue(final JsonParser p, final String name) throws IOException
    {
        if (p.currentToken() != JsonToken.VALUE_STRING)
        {
            throw new BadRequest(name + " must be an ISO-8601 instant string, e.g. 2026-11-28T10:00:00Z");
        }
        try
        {
            final long ms = Instant.parse(p.getText()).toEpochMilli();
            if (ms < 0 || ms > OPEN_END_MS)
            {
                throw new BadRequest(name + " must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z");
            }
            return ms;
        }
        catch (final DateTimeParseException | ArithmeticException ex)
        {
            throw new BadRequest(name + " must be an ISO-8601 instant string, e.g. 2026-11-28T10:00:00Z");
        }
    }

    private static long ceilSeconds(final long ms)
    {
        return (ms + 999) / 1000;
    }
}
