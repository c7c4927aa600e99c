package dev.flashsale.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.flashsale.engine.protocol.ProtocolLimits;
import dev.flashsale.read.catalog.Product;
import dev.flashsale.read.profiles.Profile;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.flashsale.gateway.http.JsonFields.currencyValue;
import static dev.flashsale.gateway.http.JsonFields.end;
import static dev.flashsale.gateway.http.JsonFields.expect;
import static dev.flashsale.gateway.http.JsonFields.longValue;
import static dev.flashsale.gateway.http.JsonFields.malformed;
import static dev.flashsale.gateway.http.JsonFields.open;
import static dev.flashsale.gateway.http.JsonFields.stringValue;
import static dev.flashsale.gateway.http.JsonFields.unknown;

/**
 * Strict JSON request bodies into the read services' models (a product, a profile), with the
 * same rules as {@link CommandReader}: typed fields, unknown and duplicate fields refused, the
 * model's own checks as a 400.
 */
public final class ReadModelReader
{
    private static final Set<String> ADDRESS_FIELDS = Set.of("line1", "line2", "city", "postalCode", "country");
    /**
     * A product's description may have {@link Product#MAX_DESCRIPTION} characters, past the bound
     * of other bodies. The parser's bound is twice that, so a description (or any string) a little
     * too long is refused by Product's rule, which names the field; the body's size bounds it anyway.
     */
    private static final JsonFactory PRODUCT_BODY = JsonFields.strict(2 * Product.MAX_DESCRIPTION);

    /**
     * {@code {title, description?, brand, category, attributes?: {name: value}, imageUrls?: [url],
     * displayPriceMinor, currency}} into a product of {@code sku}.
     */
    public Product product(final byte[] body, final int length, final String sku)
    {
        String title = null;
        String description = "";
        String brand = null;
        String category = null;
        final Map<String, String> attributes = new LinkedHashMap<>();
        final List<String> imageUrls = new ArrayList<>();
        long price = -1;
        String currency = null;
        try (JsonParser p = open(PRODUCT_BODY, body, length))
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
            return new Product(sku, title, description, brand, category, attributes, imageUrls,
                price, currency);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new BadRequest(ex.getMessage());
        }
    }

    /** {@code {name, email, addresses?: [{line1, line2?, city, postalCode, country}]}} into a profile. */
    public Profile profile(final byte[] body, final int length)
    {
        String name = null;
        String email = null;
        final List<Profile.Address> addresses = new ArrayList<>();
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
            return new Profile(name, email, addresses);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new BadRequest(ex.getMessage());
        }
    }

    private static Profile.Address address(final JsonParser p, final String name) throws IOException
    {
        if (p.currentToken() != JsonToken.START_OBJECT)
        {
            throw new BadRequest(name + " must be an object");
        }
        final Map<String, String> fields = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME)
        {
            final String field = p.currentName();
            p.nextToken();
            if (!ADDRESS_FIELDS.contains(field))
            {
                throw unknown(name + "." + field);
            }
            fields.put(field, stringValue(p, name + "." + field));
        }
        try
        {
            return new Profile.Address(fields.get("line1"), fields.get("line2"), fields.get("city"),
                fields.get("postalCode"), fields.get("country"));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new BadRequest(ex.getMessage());
        }
    }
}
