package dev.flashsale.gateway.loadgen;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.flashsale.engine.protocol.ProtocolLimits;
import dev.flashsale.gateway.http.BadRequest;
import dev.flashsale.gateway.http.JsonFields;
import dev.flashsale.gateway.http.PathParams;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.io.IOException;

import static dev.flashsale.gateway.http.JsonFields.currencyValue;
import static dev.flashsale.gateway.http.JsonFields.end;
import static dev.flashsale.gateway.http.JsonFields.lines;
import static dev.flashsale.gateway.http.JsonFields.longValue;
import static dev.flashsale.gateway.http.JsonFields.malformed;
import static dev.flashsale.gateway.http.JsonFields.skuValue;
import static dev.flashsale.gateway.http.JsonFields.stringValue;
import static dev.flashsale.gateway.http.JsonFields.unknown;

/**
 * The JSON bodies the {@link ReferenceServer} reads, as strictly as the node reads them (the
 * node's field names, types and ranges; unknown or repeated fields, trailing content and the
 * node's nesting, string and number limits refused), so a body one refuses the other refuses too.
 * What it parsed is left in its fields until the next call. One instance per connection; not
 * thread-safe.
 */
final class ReferenceRequests
{
    /** {@code holdSeconds} range, as the node's defaults ({@code engine.min-hold-ttl-ms}, {@code engine.max-hold-ttl-ms}). */
    static final long MIN_HOLD_SECONDS = 1;
    static final long MAX_HOLD_SECONDS = 3_600;
    /** {@code qty} per line, at most ({@code engine.max-quantity-per-line}'s default). */
    static final int MAX_QUANTITY_PER_LINE = 10_000;

    /** Reserve: the body's customer, its lines and {@code holdSeconds} (0 = omitted). */
    long customerId;
    final String[] skus = new String[ProtocolLimits.MAX_LINES_PER_CHECKOUT];
    final int[] quantities = new int[ProtocolLimits.MAX_LINES_PER_CHECKOUT];
    int lineCount;
    long holdSeconds;
    /** SKU upsert. */
    long totalStock;
    long perCustomerLimit;
    long priceMinor;
    String currency;

    /**
     * {@code {customerId, lines: [{sku, qty}], holdSeconds?}}.
     *
     * @throws BadRequest naming what is wrong.
     */
    void reserve(final ByteBuf body)
    {
        customerId = 0;
        holdSeconds = 0;
        lineCount = -1;
        try (JsonParser p = open(body))
        {
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                final String field = p.currentName();
                p.nextToken();
                switch (field)
                {
                    case "customerId" -> customerId = longValue(p, "customerId", 1, Long.MAX_VALUE);
                    case "holdSeconds" -> holdSeconds = longValue(p, "holdSeconds", MIN_HOLD_SECONDS, MAX_HOLD_SECONDS);
                    case "lines" -> lineCount = lines(p, skus, quantities, skus.length, MAX_QUANTITY_PER_LINE);
                    default -> throw unknown(field);
                }
            }
            end(p);
        }
        catch (final IOException ex)
        {
            throw malformed(ex);
        }
        if (customerId == 0)
        {
            throw new BadRequest("customerId is required");
        }
        if (lineCount < 0)
        {
            throw new BadRequest("lines is required");
        }
    }

    /**
     * {@code {paymentRef}}.
     *
     * @return the payment reference.
     * @throws BadRequest naming what is wrong.
     */
    String paymentRef(final ByteBuf body)
    {
        String paymentRef = null;
        try (JsonParser p = open(body))
        {
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                final String field = p.currentName();
                p.nextToken();
                if (!field.equals("paymentRef"))
                {
                    throw unknown(field);
                }
                paymentRef = stringValue(p, "paymentRef");
                if (!PathParams.isToken(paymentRef, ProtocolLimits.PAYMENT_REF_LENGTH))
                {
                    throw new BadRequest("paymentRef must be 1.." + ProtocolLimits.PAYMENT_REF_LENGTH +
                        " printable ASCII characters without spaces");
                }
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
        return paymentRef;
    }

    /**
     * {@code {totalStock, perCustomerLimit, priceMinor, currency}}; the node's {@code startsAt} and
     * {@code endsAt} are refused, as this server has no sale windows.
     *
     * @throws BadRequest naming what is wrong.
     */
    void sku(final ByteBuf body)
    {
        totalStock = -1;
        perCustomerLimit = -1;
        priceMinor = -1;
        currency = null;
        try (JsonParser p = open(body))
        {
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                final String field = p.currentName();
                p.nextToken();
                switch (field)
                {
                    case "totalStock" -> totalStock = longValue(p, "totalStock", 0, ProtocolLimits.MAX_STOCK);
                    case "perCustomerLimit" -> perCustomerLimit = longValue(p, "perCustomerLimit", 1, ProtocolLimits.MAX_STOCK);
                    case "priceMinor" -> priceMinor = longValue(p, "priceMinor", 0, ProtocolLimits.MAX_PRICE_MINOR);
                    case "currency" -> currency = currencyValue(p);
                    case "startsAt", "endsAt" -> throw new BadRequest(field + ": the reference server has no sale windows");
                    default -> throw unknown(field);
                }
            }
            end(p);
        }
        catch (final IOException ex)
        {
            throw malformed(ex);
        }
        if (totalStock < 0 || perCustomerLimit < 0 || priceMinor < 0 || currency == null)
        {
            throw new BadRequest("totalStock, perCustomerLimit, priceMinor and currency are required");
        }
    }

    /** Opens the body and reads its first token, which must start an object. */
    private static JsonParser open(final ByteBuf body) throws IOException
    {
        final int length = body.readableBytes();
        if (length == 0)
        {
            throw new BadRequest("a JSON body is required");
        }
        final JsonParser p = body.hasArray() ?
            JsonFields.parser(body.array(), body.arrayOffset() + body.readerIndex(), length) :
            JsonFields.parser(ByteBufUtil.getBytes(body), 0, length);
        if (p.nextToken() != JsonToken.START_OBJECT)
        {
            p.close();
            throw new BadRequest("the body must be a JSON object");
        }
        return p;
    }

}
