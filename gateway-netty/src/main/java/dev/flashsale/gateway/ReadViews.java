package dev.flashsale.gateway;

import dev.flashsale.gateway.http.JsonDocument;
import dev.flashsale.read.catalog.Availability;
import dev.flashsale.read.catalog.Product;
import dev.flashsale.read.orders.Order;
import dev.flashsale.read.profiles.Profile;
import dev.flashsale.read.search.SearchQuery;
import dev.flashsale.read.search.SearchResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The read models as JSON bodies, as docs/API.md shows them: a product with its live
 * availability, a customer's profile and orders, a search page with its facets. Maps are written
 * in key order, so equal models give equal bytes (and equal ETags).
 */
final class ReadViews
{
    private ReadViews()
    {
    }

    static ByteBuf product(final Product product, final Availability availability, final JsonDocument json,
        final ByteBufAllocator alloc)
    {
        return json.render(alloc, g ->
        {
            g.writeStartObject();
            g.writeStringField("sku", product.sku());
            g.writeStringField("title", product.title());
            g.writeStringField("description", product.description());
            g.writeStringField("brand", product.brand());
            g.writeStringField("category", product.category());
            g.writeObjectFieldStart("attributes");
            for (final Map.Entry<String, String> attribute : new TreeMap<>(product.attributes()).entrySet())
            {
                g.writeStringField(attribute.getKey(), attribute.getValue());
            }
            g.writeEndObject();
            g.writeArrayFieldStart("imageUrls");
            for (final String url : product.imageUrls())
            {
                g.writeString(url);
            }
            g.writeEndArray();
            g.writeNumberField("displayPriceMinor", product.displayPriceMinor());
            g.writeStringField("currency", product.currency());
            if (availability == null)
            {
                g.writeNullField("availability");
            }
            else
            {
                g.writeObjectFieldStart("availability");
                g.writeNumberField("totalStock", availability.totalStock());
                g.writeNumberField("available", availability.available());
                g.writeNumberField("held", availability.held());
                g.writeNumberField("sold", availability.sold());
                g.writeBooleanField("soldOut", availability.available() == 0);
                g.writeBooleanField("paused", availability.paused());
                g.writeEndObject();
            }
            g.writeEndObject();
        });
    }

    static ByteBuf profile(final long customerId, final Profile profile, final JsonDocument json, final ByteBufAllocator alloc)
    {
        return json.render(alloc, g ->
        {
            g.writeStartObject();
            g.writeNumberField("customerId", customerId);
            g.writeStringField("name", profile.name());
            g.writeStringField("email", profile.email());
            g.writeArrayFieldStart("addresses");
            for (final Profile.Address address : profile.addresses())
            {
                g.writeStartObject();
                g.writeStringField("line1", address.line1());
                g.writeStringField("line2", address.line2());
                g.writeStringField("city", address.city());
                g.writeStringField("postalCode", address.postalCode());
                g.writeStringField("country", address.country());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** @param asOfInput the last input the order history has applied: how far behind the engine it is. */
    static ByteBuf orders(final long customerId, final long asOfInput, final List<Order> orders, final JsonDocument json,
        final ByteBufAllocator alloc)
    {
        return json.render(alloc, g ->
        {
            g.writeStartObject();
            g.writeNumberField("customerId", customerId);
            g.writeNumberField("asOfInput", asOfInput);
            g.writeArrayFieldStart("orders");
            for (final Order order : orders)
            {
                g.writeStartObject();
                json.id("checkoutId", order.checkoutId());
                g.writeStringField("status", order.state());
                json.time("createdAt", order.createdAtMs());
                json.time("updatedAt", order.updatedAtMs());
                if (order.state().equals("HELD"))
                {
                    json.time("expiresAt", order.expiresAtMs());
                }
                g.writeArrayFieldStart("lines");
                for (final Order.Line line : order.lines())
                {
                    g.writeStartObject();
                    g.writeStringField("sku", line.sku());
                    g.writeNumberField("qty", line.quantity());
                    g.writeNumberField("unitPriceMinor", line.unitPriceMinor());
                    g.writeStringField("currency", line.currency());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    static ByteBuf search(final SearchQuery query, final SearchResult result, final JsonDocument json,
        final ByteBufAllocator alloc)
    {
        return json.render(alloc, g ->
        {
            g.writeStartObject();
            g.writeNumberField("total", result.total());
            g.writeNumberField("page", query.page());
            g.writeNumberField("pageSize", query.pageSize());
            g.writeArrayFieldStart("hits");
            for (final SearchResult.Hit hit : result.hits())
            {
                g.writeStartObject();
                g.writeStringField("sku", hit.sku());
                g.writeStringField("title", hit.title());
                g.writeStringField("brand", hit.brand());
                g.writeStringField("category", hit.category());
                g.writeNumberField("displayPriceMinor", hit.displayPriceMinor());
                g.writeStringField("currency", hit.currency());
                g.writeBooleanField("inStock", hit.inStock());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("facets");
            for (final Map.Entry<String, Map<String, Integer>> facet : new TreeMap<>(result.facets()).entrySet())
            {
                g.writeObjectFieldStart(facet.getKey());
                for (final Map.Entry<String, Integer> count : facet.getValue().entrySet()) // in key order already
                {
                    g.writeNumberField(count.getKey(), count.getValue());
                }
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    static ByteBuf rebuilt(final long indexed, final long tookMs, final JsonDocument json, final ByteBufAllocator alloc)
    {
        return json.render(alloc, g ->
        {
            g.writeStartObject();
            g.writeNumberField("indexed", indexed);
            g.writeNumberField("tookMs", tookMs);
            g.writeEndObject();
        });
    }
}
