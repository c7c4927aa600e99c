package dev.flashsale.gateway;

import dev.flashsale.gateway.http.JsonOut;
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

    static ByteBuf product(final Product product, final Availability availability, final JsonOut json,
        final ByteBufAllocator alloc)
    {
        final ByteBuf body = alloc.buffer(1024);
        json.start(body).beginObject()
            .field("sku", product.sku()).field("title", product.title()).field("description", product.description())
            .field("brand", product.brand()).field("category", product.category());
        json.name("attributes").beginObject();
        for (final Map.Entry<String, String> attribute : new TreeMap<>(product.attributes()).entrySet())
        {
            json.field(attribute.getKey(), attribute.getValue());
        }
        json.endObject().name("imageUrls").beginArray();
        for (final String url : product.imageUrls())
        {
            json.value(url);
        }
        json.endArray().field("displayPriceMinor", product.displayPriceMinor()).field("currency", product.currency());
        json.name("availability");
        if (availability == null)
        {
            json.value((CharSequence)null);
        }
        else
        {
            json.beginObject().field("totalStock", availability.totalStock()).field("available", availability.available())
                .field("held", availability.held()).field("sold", availability.sold())
                .field("soldOut", availability.available() == 0).field("paused", availability.paused()).endObject();
        }
        json.endObject();
        return body;
    }

    static ByteBuf profile(final long customerId, final Profile profile, final JsonOut json, final ByteBufAllocator alloc)
    {
        final ByteBuf body = alloc.buffer(512);
        json.start(body).beginObject().field("customerId", customerId).field("name", profile.name())
            .field("email", profile.email()).name("addresses").beginArray();
        for (final Profile.Address address : profile.addresses())
        {
            json.beginObject().field("line1", address.line1()).field("line2", address.line2()).field("city", address.city())
                .field("postalCode", address.postalCode()).field("country", address.country()).endObject();
        }
        json.endArray().endObject();
        return body;
    }

    /** @param asOfInput the last input the order history has applied: how far behind the engine it is. */
    static ByteBuf orders(final long customerId, final long asOfInput, final List<Order> orders, final JsonOut json,
        final ByteBufAllocator alloc)
    {
        final ByteBuf body = alloc.buffer(1024);
        json.start(body).beginObject().field("customerId", customerId).field("asOfInput", asOfInput);
        json.name("orders").beginArray();
        for (final Order order : orders)
        {
            json.beginObject().name("checkoutId").id(order.checkoutId()).field("status", order.state())
                .name("createdAt").time(order.createdAtMs()).name("updatedAt").time(order.updatedAtMs());
            if (order.state().equals("HELD"))
            {
                json.name("expiresAt").time(order.expiresAtMs());
            }
            json.name("lines").beginArray();
            for (final Order.Line line : order.lines())
            {
                json.beginObject().field("sku", line.sku()).field("qty", line.quantity())
                    .field("unitPriceMinor", line.unitPriceMinor()).field("currency", line.currency()).endObject();
            }
            json.endArray().endObject();
        }
        json.endArray().endObject();
        return body;
    }

    static ByteBuf search(final SearchQuery query, final SearchResult result, final JsonOut json, final ByteBufAllocator alloc)
    {
        final ByteBuf body = alloc.buffer(2048);
        json.start(body).beginObject().field("total", result.total()).field("page", query.page())
            .field("pageSize", query.pageSize());
        json.name("hits").beginArray();
        for (final SearchResult.Hit hit : result.hits())
        {
            json.beginObject().field("sku", hit.sku()).field("title", hit.title()).field("brand", hit.brand())
                .field("category", hit.category()).field("displayPriceMinor", hit.displayPriceMinor())
                .field("currency", hit.currency()).field("inStock", hit.inStock()).endObject();
        }
        json.endArray().name("facets").beginObject();
        for (final Map.Entry<String, Map<String, Integer>> facet : new TreeMap<>(result.facets()).entrySet())
        {
            json.name(facet.getKey()).beginObject();
            for (final Map.Entry<String, Integer> count : facet.getValue().entrySet()) // in key order already
            {
                json.field(count.getKey(), count.getValue());
            }
            json.endObject();
        }
        json.endObject().endObject();
        return body;
    }

    static ByteBuf rebuilt(final long indexed, final long tookMs, final JsonOut json, final ByteBufAllocator alloc)
    {
        final ByteBuf body = alloc.buffer(64);
        json.start(body).beginObject().field("indexed", indexed).field("tookMs", tookMs).endObject();
        return body;
    }
}
