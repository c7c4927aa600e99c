package dev.flashsale.gateway;

import dev.flashsale.gateway.http.BadRequest;
import dev.flashsale.gateway.http.Forbidden;
import dev.flashsale.gateway.http.PathParams;
import dev.flashsale.gateway.http.RequestBody;
import dev.flashsale.gateway.http.UnsupportedMediaType;
import dev.flashsale.read.ReadServices;
import dev.flashsale.read.catalog.Product;
import dev.flashsale.read.profiles.Profile;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;

/**
 * The read routes answered on the event loop from the read services, never through the engine:
 * the customer's orders and profile (the token says whose), a product with its availability
 * (public, cacheable). Their stores answer from memory-mapped maps, so a read never blocks the
 * loop; the routes that touch the search index, and the admin's product routes, go to
 * {@link CatalogRoutes}.
 */
final class ReadRoutes
{
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReadRoutes.class);

    private final ReadServices readServices;
    private final HttpCaching caching;

    /** @param readServices null on a node without them: each route answers 503. */
    ReadRoutes(final ReadServices readServices, final HttpCaching caching)
    {
        this.readServices = readServices;
        this.caching = caching;
    }

    void serve(final Call call, final String[] segments, final FullHttpRequest request)
    {
        if (readServices == null)
        {
            call.refuse(Problem.NOT_READY, "the read services are not running on this node");
            return;
        }
        final FullHttpResponse response;
        try
        {
            response = answer(call, segments, request);
        }
        catch (final BadRequest | Forbidden | UnsupportedMediaType ex)
        {
            call.refuse(ex);
            return;
        }
        catch (final RuntimeException ex) // a store full or damaged: an answer, not a dropped connection
        {
            LOG.error("{} failed", call.route().pattern(), ex);
            call.refuse(Problem.INTERNAL_ERROR, "the read service failed; the node's log has the cause");
            return;
        }
        call.send(response);
    }

    private FullHttpResponse answer(final Call call, final String[] segments, final FullHttpRequest request)
    {
        final LoopScratch s = call.scratch();
        final long customerId = call.customerId();
        return switch (call.route())
        {
            case MY_ORDERS -> privately(ReadViews.orders(customerId, readServices.orders().position().inputSequence(),
                readServices.orders().orders(customerId), s.json, call.alloc()));
            case MY_PROFILE -> profile(call);
            case PUT_MY_PROFILE ->
            {
                readServices.profiles().put(customerId, s.readModels.profile(s.body, RequestBody.copy(request, s.body)));
                yield profile(call);
            }
            case PRODUCT -> product(call, PathParams.sku(segments[3]), request.headers().get(HttpHeaderNames.IF_NONE_MATCH));
            default -> throw new IllegalStateException(call.route().name());
        };
    }

    /** The customer's own profile: the token decides whose, so no customer reads another's. */
    private FullHttpResponse profile(final Call call)
    {
        final Profile profile = readServices.profiles().get(call.customerId());
        if (profile == null)
        {
            return Responses.problem(Problem.NOT_FOUND, "this customer has no profile yet; PUT /v1/me/profile creates it",
                call.scratch().json, call.alloc());
        }
        return privately(ReadViews.profile(call.customerId(), profile, call.scratch().json, call.alloc()));
    }

    /** A product page: the product joined with its live availability, cacheable with an ETag. */
    private FullHttpResponse product(final Call call, final String sku, final String ifNoneMatch)
    {
        final Product product = readServices.catalog().product(sku);
        if (product == null)
        {
            return Responses.problem(Problem.NOT_FOUND, "no product " + sku, call.scratch().json, call.alloc());
        }
        return caching.cacheable(ReadViews.product(product, readServices.catalog().availability(sku), call.scratch().json,
            call.alloc()), ifNoneMatch, call.alloc());
    }

    private static FullHttpResponse privately(final ByteBuf body)
    {
        final FullHttpResponse response = Responses.response(200, Responses.APPLICATION_JSON, body, 0);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "private, no-store");
        return response;
    }
}
