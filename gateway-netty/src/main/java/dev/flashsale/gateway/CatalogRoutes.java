package dev.flashsale.gateway;

import dev.flashsale.gateway.http.BadRequest;
import dev.flashsale.gateway.http.Forbidden;
import dev.flashsale.gateway.http.PathParams;
import dev.flashsale.gateway.http.RequestBody;
import dev.flashsale.gateway.http.SearchParameters;
import dev.flashsale.gateway.http.UnsupportedMediaType;
import dev.flashsale.read.ReadServices;
import dev.flashsale.read.catalog.Product;
import dev.flashsale.read.search.SearchQuery;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The routes that touch the search index, run on one catalog thread ({@code flashsale-search}),
 * never on an event loop: a search may scan every product for its facets, a rebuild re-indexes
 * the catalog, and an admin's product write updates the index (waiting for a rebuild to finish).
 * The request is checked and its body read on the event loop; the work is queued (a full queue is
 * a 503 at once); the answer takes its place in the connection's order when it is ready. The
 * admin's product reads run on the same thread, in order behind the writes, so an admin reads
 * what it wrote.
 */
final class CatalogRoutes
{
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CatalogRoutes.class);

    private final ReadServices readServices;
    private final HttpCaching caching;
    private final GatewayMetrics metrics;
    private final AccessLog accessLog;
    private final FastThreadLocal<LoopScratch> scratch;
    private final int maxInFlightPerConnection;
    private final ThreadPoolExecutor catalogThread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(1024), new DefaultThreadFactory("flashsale-search", true));

    /** @param readServices null on a node without them: each route answers 503. */
    CatalogRoutes(final ReadServices readServices, final HttpCaching caching, final GatewayMetrics metrics,
        final AccessLog accessLog, final FastThreadLocal<LoopScratch> scratch, final int maxInFlightPerConnection)
    {
        this.readServices = readServices;
        this.caching = caching;
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.scratch = scratch;
        this.maxInFlightPerConnection = maxInFlightPerConnection;
    }

    /** A piece of work for the catalog thread: its answer, rendered with that thread's scratch. */
    private interface Work
    {
        FullHttpResponse answer(LoopScratch s, ByteBufAllocator alloc);
    }

    void serve(final Call call, final String[] segments, final FullHttpRequest request)
    {
        if (readServices == null)
        {
            call.refuse(Problem.NOT_READY, "the read services are not running on this node");
            return;
        }
        if (call.answers().atInFlightLimit())
        {
            call.refuse(Problem.OVERLOADED, "more than " + maxInFlightPerConnection + " requests in flight on this connection");
            return;
        }
        final Work work;
        try
        {
            work = work(call, segments, request);
        }
        catch (final BadRequest | Forbidden | UnsupportedMediaType ex)
        {
            call.refuse(ex);
            return;
        }
        offLoop(call, work);
    }

    /** Reads the request on the event loop; @return what the catalog thread does with it. */
    private Work work(final Call call, final String[] segments, final FullHttpRequest request)
    {
        final LoopScratch s = call.scratch();
        return switch (call.route())
        {
            case SEARCH ->
            {
                final SearchQuery query = SearchParameters.parse(request.uri());
                final String ifNoneMatch = request.headers().get(HttpHeaderNames.IF_NONE_MATCH);
                yield (scratch, alloc) -> caching.cacheable(
                    ReadViews.search(query, readServices.search().search(query), scratch.json, alloc), ifNoneMatch, alloc);
            }
            case ADMIN_REBUILD_SEARCH -> (scratch, alloc) ->
            {
                final long started = System.nanoTime();
                final long indexed = readServices.search().rebuild();
                return Responses.response(200, Responses.APPLICATION_JSON,
                    ReadViews.rebuilt(indexed, (System.nanoTime() - started) / 1_000_000, scratch.json, alloc), 0);
            };
            case ADMIN_GET_PRODUCT ->
            {
                final String sku = PathParams.sku(segments[4]);
                yield (scratch, alloc) -> product(sku, scratch, alloc);
            }
            case ADMIN_PUT_PRODUCT ->
            {
                final String sku = PathParams.sku(segments[4]);
                final Product product = s.readModels.product(s.body, RequestBody.copy(request, s.body), sku);
                yield (scratch, alloc) ->
                {
                    readServices.catalog().put(product);
                    return product(sku, scratch, alloc);
                };
            }
            case ADMIN_DELETE_PRODUCT ->
            {
                final String sku = PathParams.sku(segments[4]);
                yield (scratch, alloc) -> readServices.catalog().delete(sku) ?
                    Responses.response(204, null, alloc.buffer(0), 0) :
                    Responses.problem(Problem.NOT_FOUND, "no product " + sku, scratch.json, alloc);
            }
            default -> throw new IllegalStateException(call.route().name());
        };
    }

    /** An admin's view of a product: not cacheable. */
    private FullHttpResponse product(final String sku, final LoopScratch s, final ByteBufAllocator alloc)
    {
        final Product product = readServices.catalog().product(sku);
        if (product == null)
        {
            return Responses.problem(Problem.NOT_FOUND, "no product " + sku, s.json, alloc);
        }
        final FullHttpResponse response = Responses.response(200, Responses.APPLICATION_JSON,
            ReadViews.product(product, readServices.catalog().availability(sku), s.json, alloc), 0);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return response;
    }

    /**
     * Runs {@code work} on the catalog thread and answers with its response in the connection's
     * order; a full queue is 503 at once, and a failure a 500 whose cause is in the log only.
     */
    private void offLoop(final Call call, final Work work)
    {
        final AnswerQueue answers = call.answers();
        final Route route = call.route();
        final long startNanos = call.startNanos();
        final String requestId = call.requestId();
        final io.netty.handler.codec.http.HttpMethod method = call.method();
        final String uri = call.uri();
        final ByteBufAllocator alloc = call.alloc();
        final AnswerQueue.Deferred deferred = new AnswerQueue.Deferred(call.keepAlive());
        try
        {
            catalogThread.execute(() ->
            {
                final LoopScratch own = scratch.get(); // the catalog thread's
                FullHttpResponse response;
                String code = null;
                try
                {
                    response = work.answer(own, alloc);
                }
                catch (final Throwable ex) // any failure is an answer: the connection waits for this one
                {
                    LOG.error("{} failed", route.pattern(), ex);
                    code = Problem.INTERNAL_ERROR.name();
                    response = Responses.problem(Problem.INTERNAL_ERROR, "the " + route.pattern() +
                        " request failed; the node's log has the cause", own.json, alloc);
                }
                final long nowNanos = System.nanoTime();
                final int status = response.status().code();
                metrics.record(route, status, nowNanos - startNanos);
                response.headers().set(RequestIds.HEADER, requestId);
                accessLog.answered(method, uri, status, code, startNanos, nowNanos, answers.remoteAddress(), requestId);
                answers.ready(deferred, response);
            });
        }
        catch (final RejectedExecutionException ex)
        {
            call.refuse(Problem.OVERLOADED, "too many search and catalog requests waiting");
            return;
        }
        answers.defer(deferred);
    }

    /** Lets the work already queued finish (up to 5 s), then stops the catalog thread. */
    void close()
    {
        catalogThread.shutdown();
        try
        {
            if (!catalogThread.awaitTermination(5, TimeUnit.SECONDS))
            {
                catalogThread.shutdownNow();
            }
        }
        catch (final InterruptedException ex)
        {
            catalogThread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
