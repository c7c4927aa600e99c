package dev.flashsale.gateway.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.protocol.Ascii;
import dev.flashsale.engine.protocol.CommandWriter;
import dev.flashsale.engine.protocol.ProtocolLimits;
import org.agrona.MutableDirectBuffer;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import static dev.flashsale.gateway.http.JsonFields.currencyValue;
import static dev.flashsale.gateway.http.JsonFields.end;
import static dev.flashsale.gateway.http.JsonFields.lines;
import static dev.flashsale.gateway.http.JsonFields.longValue;
import static dev.flashsale.gateway.http.JsonFields.malformed;
import static dev.flashsale.gateway.http.JsonFields.skuValue;
import static dev.flashsale.gateway.http.JsonFields.stringValue;
import static dev.flashsale.gateway.http.JsonFields.unknown;

/**
 * Strict JSON request bodies into SBE commands: every field typed and ranged, unknown and
 * duplicate fields refused, nothing encoded unless the whole body is valid. Ranges are the
 * engine's, so a valid body is one the engine can decide (it still checks). One instance per
 * event loop; not thread-safe.
 */
public final class RequestReader
{
    /** The default end of a sale window when none is given: 9999-12-31T23:59:59.999Z. */
    public static final long OPEN_END_MS = 253_402_300_799_999L;

    private final EngineConfig engine;
    private final CommandWriter writer = new CommandWriter();
    private final String[] skus = new String[ProtocolLimits.MAX_LINES_PER_CHECKOUT];
    private final int[] quantities = new int[ProtocolLimits.MAX_LINES_PER_CHECKOUT];

    public RequestReader(final EngineConfig engine)
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

    /**
     * {@code {title, description?, brand, category, attributes?: {name: value}, imageUrls?: [url],
     * displayPriceMinor, currency}} into a product of {@code sku}.
     */
    public dev.flashsale.read.catalog.Product product(final byte[] body, final int length, final String sku)
    {
        String title = null;
        String description = "";
        String brand = null;
        String category = null;
        final java.util.Map<String, String> attributes = new java.util.LinkedHashMap<>();
        final java.util.List<String> imageUrls = new java.util.ArrayList<>();
        long price = -1;
        String currency = null;
        try (JsonParser p = open(body, length))
        {
            expect(p, JsonToken.START_OBJECT, "the body must be a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                final String field = p.currentName();
                p.nextToken();
                switch (field)
                {
                    case "title" -> title = stringValue(p, "title");
                    case "description" -> description = stringValue(p, "description");
                    case "brand" -> brand = stringValue(p, "brand");
                    case "category" -> category = stringValue(p, "category");
                    case "attributes" ->
                    {
                        if (p.currentToken() != JsonToken.START_OBJECT)
                        {
                            throw new BadRequest("attributes must be an object of strings");
                        }
                        while (p.nextToken() == JsonToken.FIELD_NAME)
                        {
                            final String name = p.currentName();
                            p.nextToken();
                            attributes.put(name, stringValue(p, "attributes." + name));
                        }
                    }
                    case "imageUrls" ->
                    {
                        if (p.currentToken() != JsonToken.START_ARRAY)
                        {
                            throw new BadRequest("imageUrls must be an array of strings");
                        }
                        while (p.nextToken() != JsonToken.END_ARRAY)
                        {
                            imageUrls.add(stringValue(p, "imageUrls[" + imageUrls.size() + "]"));
                        }
                    }
                    case "displayPriceMinor" -> price = longValue(p, "displayPriceMinor", 0, ProtocolLimits.MAX_PRICE_MINOR);
                    case "currency" -> currency = currencyValue(p);
                    default -> throw unknown(field);
                }
            }
            end(p);
        }
        catch (final IOException ex)
        {
            throw malformed(ex);
        }
        if (title == null || brand == null || category == null || price < 0 || currency == null)
        {
            throw new BadRequest("title, brand, category, displayPriceMinor and currency are required");
        }
        try
        {
            return new dev.flashsale.read.catalog.Product(sku, title, description, brand, category, attributes, imageUrls,
                price, currency);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new BadRequest(ex.getMessage());
        }
    }

    /** {@code {name, email, addresses?: [{line1, line2?, city, postalCode, country}]}} into a profile. */
    public dev.flashsale.read.profiles.Profile profile(final byte[] body, final int length)
    {
        String name = null;
        String email = null;
        final java.util.List<dev.flashsale.read.profiles.Profile.Address> addresses = new java.util.ArrayList<>();
        try (JsonParser p = open(body, length))
        {
            expect(p, JsonToken.START_OBJECT, "the body must be a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                final String field = p.currentName();
                p.nextToken();
                switch (field)
                {
                    case "name" -> name = stringValue(p, "name");
                    case "email" -> email = stringValue(p, "email");
                    case "addresses" ->
                    {
                        if (p.currentToken() != JsonToken.START_ARRAY)
                        {
                            throw new BadRequest("addresses must be an array");
                        }
                        while (p.nextToken() != JsonToken.END_ARRAY)
                        {
                            addresses.add(address(p, "addresses[" + addresses.size() + "]"));
                        }
                    }
                    default -> throw unknown(field);
                }
            }
            end(p);
        }
        catch (final IOException ex)
        {
            throw malformed(ex);
        }
        try
        {
            return new dev.flashsale.read.profiles.Profile(name, email, addresses);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new BadRequest(ex.getMessage());
        }
    }

    private static dev.flashsale.read.profiles.Profile.Address address(final JsonParser p, final String name) throws IOException
    {
        if (p.currentToken() != JsonToken.START_OBJECT)
        {
            throw new BadRequest(name + " must be an object");
        }
        final java.util.Map<String, String> fields = new java.util.HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME)
        {
            final String field = p.currentName();
            p.nextToken();
            if (!java.util.Set.of("line1", "line2", "city", "postalCode", "country").contains(field))
            {
                throw unknown(name + "." + field);
            }
            fields.put(field, stringValue(p, name + "." + field));
        }
        try
        {
            return new dev.flashsale.read.profiles.Profile.Address(fields.get("line1"), fields.get("line2"), fields.get("city"),
                fields.get("postalCode"), fields.get("country"));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new BadRequest(ex.getMessage());
        }
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

    /** @return the SKU code of a path segment, or throws. */
    public static String skuPath(final String segment)
    {
        if (!Ascii.isSkuCode(segment))
        {
            throw new BadRequest("the SKU code in the path must be 1..32 characters of [A-Za-z0-9._-]");
        }
        return segment;
    }

    /** @return a checkout id of a path segment (a positive decimal), or throws. */
    public static long checkoutIdPath(final String segment)
    {
        if (segment.isEmpty() || segment.length() > 19)
        {
            throw new BadRequest("the checkout id in the path must be a positive decimal number");
        }
        long id = 0;
        for (int i = 0; i < segment.length(); i++)
        {
            final char c = segment.charAt(i);
            if (c < '0' || c > '9')
            {
                throw new BadRequest("the checkout id in the path must be a positive decimal number");
            }
            id = id * 10 + (c - '0');
            if (id < 0)
            {
                throw new BadRequest("the checkout id in the path is out of range");
            }
        }
        if (id == 0)
        {
            throw new BadRequest("the checkout id in the path must be a positive decimal number");
        }
        return id;
    }

    /** @return true if {@code value} is 1..maxLength printable ASCII characters without spaces. */
    public static boolean isToken(final CharSequence value, final int maxLength)
    {
        if (value == null || value.length() == 0 || value.length() > maxLength)
        {
            return false;
        }
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c < 0x21 || c > 0x7E)
            {
                return false;
            }
        }
        return true;
    }

    private static JsonParser open(final byte[] body, final int length) throws IOException
    {
        if (length == 0)
        {
            throw new BadRequest("a JSON body is required");
        }
        return JsonFields.parser(body, 0, length);
    }

    private static void expect(final JsonParser p, final JsonToken token, final String message) throws IOException
    {
        if (p.nextToken() != token)
        {
            throw new BadRequest(message);
        }
    }

    private static String tokenValue(final JsonParser p, final String name, final int maxLength) throws IOException
    {
        if (p.currentToken() != JsonToken.VALUE_STRING)
        {
            throw new BadRequest(name + " must be a string");
        }
        final String value = p.getText();
        if (!isToken(value, maxLength))
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
