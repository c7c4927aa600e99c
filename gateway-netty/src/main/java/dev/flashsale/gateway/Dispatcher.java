package dev.flashsale.gateway;

import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.pipeline.Pipeline;
import dev.flashsale.engine.protocol.ProtocolLimits;
import dev.flashsale.gateway.auth.ApiClient;
import dev.flashsale.gateway.auth.Credentials;
import dev.flashsale.gateway.auth.CustomerTokens;
import dev.flashsale.gateway.http.BadRequest;
import dev.flashsale.gateway.http.Forbidden;
import dev.flashsale.gateway.http.JsonOut;
import dev.flashsale.gateway.http.RequestReader;
import dev.flashsale.read.ReadServices;
import dev.flashsale.read.catalog.Availability;
import dev.flashsale.read.catalog.Product;
import dev.flashsale.read.profiles.Profile;
import dev.flashsale.read.search.SearchQuery;
import dev.flashsale.read.search.SearchResult;
import dev.flashsale.read.orders.Order;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.agrona.concurrent.EpochClock;


/**
 * Decides what each complete request gets, on the event loop that read it: routes, authenticates,
 * rate-limits, validates and encodes, then publishes into the input ring with a waiting
 * {@link Exchange}, or answers at once. Shared by every connection; per-loop state lives in
 * {@link LoopScratch}.
 */
final class Dispatcher
{
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Dispatcher.class);
    static final AsciiString API_KEY = AsciiString.cached("x-api-key");
    static final AsciiString CUSTOMER_TOKEN = AsciiString.cached("x-customer-token");
    static final AsciiString IDEMPOTENCY_KEY = AsciiString.cached("idempotency-key");
    private static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain; charset=utf-8");
    private static final AsciiString PROMETHEUS = AsciiString.cached("text/plain; version=0.0.4; charset=utf-8");
    private static final AsciiString YAML = AsciiString.cached("application/yaml");

    private final GatewayConfig config;
    private final NodeBackend backend;
    private final ReadServices readServices;
    private final Credentials credentials;
    private final ExchangeTable exchanges;
    private final Responder responder;
    private final GatewayMetrics metrics;
    private final EpochClock clock;
    private final TokenBuckets clientBuckets;
    private final TokenBuckets customerBuckets;
    private final byte[] openApi;
    private final FastThreadLocal<LoopScratch> scratch;
    /** Searches run here, one at a time, so a scan of every product never blocks an event loop. */
    private final java.util.concurrent.ThreadPoolExecutor searchThread = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0,
        java.util.concurrent.TimeUnit.MILLISECONDS, new java.util.concurrent.ArrayBlockingQueue<>(1024),
        new io.netty.util.concurrent.DefaultThreadFactory("flashsale-search", true));
    private static final long METRICS_MAX_AGE_NANOS = 1_000_000_000L;
    private volatile String metricsText;
    private volatile long metricsRenderedNanos;

    Dispatcher(
        final GatewayConfig config,
        final EngineConfig engine,
        final NodeBackend backend,
        final ReadServices readServices,
        final Credentials credentials,
        final Responder responder,
        final GatewayMetrics metrics,
        final EpochClock clock,
        final byte[] openApi)
    {
        this.config = config;
        this.backend = backend;
        this.readServices = readServices;
        this.credentials = credentials;
        this.responder = responder;
        this.exchanges = responder.exchanges();
        this.metrics = metrics;
        this.clock = clock;
        this.openApi = openApi;
        this.clientBuckets = new TokenBuckets(config.clientRatePerSecond(), config.clientBurst(), 1024);
        this.customerBuckets = new TokenBuckets(config.customerRatePerSecond(), config.customerBurst(),
            config.customerRateTableSize());
        this.scratch = new FastThreadLocal<>()
        {
            @Override
            protected LoopScratch initialValue()
            {
                return new LoopScratch(engine, config.maxBodyBytes());
            }
        };
    }

    void dispatch(final Connection connection, final FullHttpRequest request, final long startNanos)
    {
        final boolean keepAlive = Connection.keepAlive(request);
        final LoopScratch s = scratch.get();
        final ByteBufAllocator alloc = connection.alloc();
        if (!request.decoderResult().isSuccess())
        {
            final Throwable cause = request.decoderResult().cause();
            final Problem problem = cause instanceof TooLongHttpLineException ? Problem.URI_TOO_LONG :
                cause instanceof TooLongHttpHeaderException ? Problem.HEADERS_TOO_LARGE :
                cause instanceof TooLongFrameException ? Problem.PAYLOAD_TOO_LARGE : Problem.INVALID_REQUEST;
            final String detail = problem == Problem.INVALID_REQUEST ? "the request is not valid HTTP/1.1" :
                problem == Problem.URI_TOO_LONG ? "the request line exceeds " + config.maxInitialLineBytes() + " bytes" :
                problem == Problem.HEADERS_TOO_LARGE ? "the headers exceed " + config.maxHeaderBytes() + " bytes" :
                "the body exceeds " + config.maxBodyBytes() + " bytes";
            refuse(connection, Route.UNMATCHED, problem, detail, false, startNanos, s, alloc);
            return;
        }
        final String uri = request.uri();
        final int query = uri.indexOf('?');
        final String path = query < 0 ? uri : uri.substring(0, query);
        final String[] segments = path.split("/", -1);
        final HttpMethod method = request.method();
        final Route route = match(segments, method);
        if (route == Route.UNMATCHED)
        {
            final String allowed = allowed(segments);
            if (allowed != null)
            {
                final FullHttpResponse response = Responses.problem(Problem.METHOD_NOT_ALLOWED,
                    method + " is not allowed on " + path, s.json, alloc);
                response.headers().set(HttpHeaderNames.ALLOW, allowed);
                finish(connection, Route.UNMATCHED, response, keepAlive, startNanos);
            }
            else
            {
                refuse(connection, Route.UNMATCHED, Problem.NOT_FOUND, "no route for " + path, keepAlive, startNanos, s, alloc);
            }
            return;
        }
        if (route.isPublic())
        {
            finish(connection, route, servePublic(route, alloc), keepAlive, startNanos);
            return;
        }
        final HttpHeaders headers = request.headers();
        final ApiClient client = credentials.authenticate(headers.get(API_KEY));
        if (client == null)
        {
            final FullHttpResponse response = Responses.problem(Problem.UNAUTHENTICATED,
                headers.contains(API_KEY) ? "the X-Api-Key is not valid" : "an X-Api-Key header is required", s.json, alloc);
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "ApiKey header=\"X-Api-Key\"");
            finish(connection, route, response, keepAlive, startNanos);
            return;
        }
        if (route.isAdmin() != (client.role() == ApiClient.Role.ADMIN))
        {
            refuse(connection, route, Problem.FORBIDDEN, route.isAdmin() ? "this route needs an admin key" :
                "admin keys cannot call storefront routes", keepAlive, startNanos, s, alloc);
            return;
        }
        final long nowNanos = System.nanoTime();
        if (clientBuckets.tryTake(client.id(), nowNanos) != 0)
        {
            refuse(connection, route, Problem.RATE_LIMITED, "the rate limit of this API key is reached", keepAlive,
                startNanos, s, alloc);
            return;
        }
        long customerId = 0;
        if (route.needsCustomer())
        {
            final String token = headers.get(CUSTOMER_TOKEN);
            customerId = s.tokens.verify(client, token, clock.time() / 1000);
            if (customerId == CustomerTokens.INVALID)
            {
                final FullHttpResponse response = Responses.problem(Problem.UNAUTHENTICATED, token == null ?
                    "an X-Customer-Token header is required" : "the X-Customer-Token is not valid or has expired", s.json, alloc);
                response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "CustomerToken header=\"X-Customer-Token\"");
                finish(connection, route, response, keepAlive, startNanos);
                return;
            }
            if (customerBuckets.tryTake(customerId, nowNanos) != 0)
            {
                refuse(connection, route, Problem.RATE_LIMITED, "the rate limit of this customer is reached", keepAlive,
                    startNanos, s, alloc);
                return;
            }
        }
        if (route == Route.SEARCH && readServices != null)
        {
            search(connection, request, keepAlive, startNanos, s, alloc);
            return;
        }
        if (route == Route.ADMIN_REBUILD_SEARCH && readServices != null)
        {
            offLoop(connection, route, keepAlive, startNanos, s, alloc, (scratch) ->
            {
                final long started = System.nanoTime();
                final long indexed = readServices.search().rebuild();
                final ByteBuf body = alloc.buffer(64);
                scratch.json.start(body).beginObject().field("indexed", indexed)
                    .field("tookMs", (System.nanoTime() - started) / 1_000_000).endObject();
                return Responses.response(200, Responses.APPLICATION_JSON, body, 0);
            });
            return;
        }
        if (route.isRead()) // a read service: answered on the event loop, never through the engine
        {
            final FullHttpResponse response;
            try
            {
                response = serveRead(route, segments, request, customerId, s, alloc);
            }
            catch (final BadRequest | Forbidden | UnsupportedMediaType ex)
            {
                refuse(connection, route, refusal(ex), ex.getMessage(), keepAlive, startNanos, s, alloc);
                return;
            }
            catch (final RuntimeException ex) // a store full or damaged: an answer, not a dropped connection
            {
                LOG.error("{} failed", route.pattern(), ex);
                refuse(connection, route, Problem.INTERNAL_ERROR, "the read service failed: " + ex.getMessage(), keepAlive,
                    startNanos, s, alloc);
                return;
            }
            finish(connection, route, response, keepAlive, startNanos);
            return;
        }
        final String notReady = backend.notReadyReason();
        if (notReady != null)
        {
            refuse(connection, route, Problem.NOT_READY, notReady, keepAlive, startNanos, s, alloc);
            return;
        }
        if (connection.atInFlightLimit())
        {
            refuse(connection, route, Problem.OVERLOADED, "more than " + config.maxInFlightPerConnection() +
                " requests in flight on this connection", keepAlive, startNanos, s, alloc);
            return;
        }
        final int length;
        try
        {
            length = encode(route, segments, request, client, customerId, s);
        }
        catch (final BadRequest | Forbidden | UnsupportedMediaType ex)
        {
            refuse(connection, route, refusal(ex), ex.getMessage(), keepAlive, startNanos, s, alloc);
            return;
        }
        final Exchange exchange = exchanges.acquire();
        if (exchange == null)
        {
            refuse(connection, route, Problem.OVERLOADED, "too many requests waiting on the engine", keepAlive,
                startNanos, s, alloc);
            return;
        }
        exchange.connection = connection;
        exchange.route = route;
        exchange.startNanos = startNanos;
        exchange.keepAlive = keepAlive;
        exchange.ifNoneMatch = route == Route.AVAILABILITY ? headers.get(HttpHeaderNames.IF_NONE_MATCH) : null;
        exchange.arm();
        final long sequence = backend.tryPublish(s.command, 0, length, exchange.correlationId());
        if (sequence > 0)
        {
            connection.waitFor(exchange);
            return;
        }
        exchange.abandon();
        if (sequence == Pipeline.RING_FULL)
        {
            refuse(connection, route, Problem.OVERLOADED, "the input ring is full", keepAlive, startNanos, s, alloc);
        }
        else if (sequence == Pipeline.NOT_RUNNING)
        {
            refuse(connection, route, Problem.NOT_READY, "the node is not taking input", keepAlive, startNanos, s, alloc);
        }
        else
        {
            refuse(connection, route, Problem.INTERNAL_ERROR, "the command could not be published", keepAlive, startNanos, s, alloc);
        }
    }

    private FullHttpResponse serveRead(final Route route, final String[] segments, final FullHttpRequest request,
        final long customerId, final LoopScratch s, final ByteBufAllocator alloc)
    {
        if (readServices == null)
        {
            return Responses.problem(Problem.NOT_READY, "the read services are not running on this node", s.json, alloc);
        }
        return switch (route)
        {
            case MY_ORDERS -> myOrders(customerId, s, alloc);
            case MY_PROFILE -> profile(customerId, s, alloc);
            case PUT_MY_PROFILE ->
            {
                readServices.profiles().put(customerId, s.reader.profile(s.body, body(request, s)));
                yield profile(customerId, s, alloc);
            }
            case PRODUCT -> productView(RequestReader.skuPath(segments[3]), request.headers().get(HttpHeaderNames.IF_NONE_MATCH),
                true, s, alloc);
            case ADMIN_GET_PRODUCT -> productView(RequestReader.skuPath(segments[4]), null, false, s, alloc);
            case ADMIN_PUT_PRODUCT ->
            {
                final String sku = RequestReader.skuPath(segments[4]);
                readServices.catalog().put(s.reader.product(s.body, body(request, s), sku));
                yield productView(sku, null, false, s, alloc);
            }
            case ADMIN_DELETE_PRODUCT ->
            {
                final String sku = RequestReader.skuPath(segments[4]);
                yield readServices.catalog().delete(sku) ? Responses.response(204, null, alloc.buffer(0), 0) :
                    Responses.problem(Problem.NOT_FOUND, "no product " + sku, s.json, alloc);
            }
            default -> throw new IllegalStateException(route.name());
        };
    }

    /** A product joined with its live availability; cacheable with an ETag for the public route. */
    private FullHttpResponse productView(final String sku, final String ifNoneMatch, final boolean cacheable,
        final LoopScratch s, final ByteBufAllocator alloc)
    {
        final Product product = readServices.catalog().product(sku);
        if (product == null)
        {
            return Responses.problem(Problem.NOT_FOUND, "no product " + sku, s.json, alloc);
        }
        final Availability availability = readServices.catalog().availability(sku);
        final ByteBuf body = alloc.buffer(1024);
        final JsonOut json = s.json.start(body).beginObject()
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
        if (!cacheable)
        {
            final FullHttpResponse response = Responses.response(200, Responses.APPLICATION_JSON, body, 0);
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            return response;
        }
        return cacheable(body, ifNoneMatch, alloc);
    }

    /**
     * {@code GET /v1/search?q=&category=&minPrice=&maxPrice=&inStock=&sort=&page=&pageSize=}: the
     * parameters are checked on the event loop; the search itself, which may scan every product for
     * its facets, runs on the search thread, and the answer takes its place in the connection's order.
     */
    private void search(final Connection connection, final FullHttpRequest request, final boolean keepAlive,
        final long startNanos, final LoopScratch s, final ByteBufAllocator alloc)
    {
        final SearchQuery query;
        try
        {
            query = searchQuery(request.uri());
        }
        catch (final BadRequest ex)
        {
            refuse(connection, Route.SEARCH, Problem.INVALID_REQUEST, ex.getMessage(), keepAlive, startNanos, s, alloc);
            return;
        }
        if (connection.atInFlightLimit())
        {
            refuse(connection, Route.SEARCH, Problem.OVERLOADED, "more than " + config.maxInFlightPerConnection() +
                " requests in flight on this connection", keepAlive, startNanos, s, alloc);
            return;
        }
        final String ifNoneMatch = request.headers().get(HttpHeaderNames.IF_NONE_MATCH);
        offLoop(connection, Route.SEARCH, keepAlive, startNanos, s, alloc, scratch -> searchResponse(query, ifNoneMatch, scratch, alloc));
    }

    /**
     * Runs {@code work} on the search thread and answers with its response in the connection's
     * order; a full queue is 503 at once, and a failure is a 500 problem.
     */
    private void offLoop(final Connection connection, final Route route, final boolean keepAlive, final long startNanos,
        final LoopScratch s, final ByteBufAllocator alloc, final java.util.function.Function<LoopScratch, FullHttpResponse> work)
    {
        final Connection.Deferred deferred = new Connection.Deferred(keepAlive);
        try
        {
            searchThread.execute(() ->
            {
                final LoopScratch scratch = this.scratch.get(); // the search thread's own
                FullHttpResponse response;
                try
                {
                    response = work.apply(scratch);
                }
                catch (final Throwable ex) // any failure is an answer: the connection waits for this one
                {
                    LOG.error("{} failed", route.pattern(), ex);
                    response = Responses.problem(Problem.INTERNAL_ERROR, "the search failed: " + ex, scratch.json, alloc);
                }
                metrics.record(route, response.status().code(), System.nanoTime() - startNanos);
                final FullHttpResponse answer = response;
                try
                {
                    connection.eventLoop().execute(() -> connection.onDeferredReady(deferred, answer));
                }
                catch (final java.util.concurrent.RejectedExecutionException ex) // the gateway is closing
                {
                    answer.release();
                }
            });
        }
        catch (final java.util.concurrent.RejectedExecutionException ex)
        {
            refuse(connection, route, Problem.OVERLOADED, "too many searches waiting", keepAlive, startNanos, s, alloc);
            return;
        }
        connection.defer(deferred);
    }

    private static SearchQuery searchQuery(final String uri)
    {
        final Map<String, List<String>> parameters = new QueryStringDecoder(uri).parameters();
        for (final String name : parameters.keySet())
        {
            if (!SEARCH_PARAMETERS.contains(name))
            {
                throw new BadRequest("unknown parameter " + name + "; known: " + SEARCH_PARAMETERS);
            }
        }
        try
        {
            return new SearchQuery(parameter(parameters, "q"), parameter(parameters, "category"),
                longParameter(parameters, "minPrice"), longParameter(parameters, "maxPrice"),
                "true".equals(booleanParameter(parameters, "inStock")), order(parameter(parameters, "sort")),
                (int)Math.min(Integer.MAX_VALUE, orDefault(longParameter(parameters, "page"), 1)),
                (int)Math.min(Integer.MAX_VALUE, orDefault(longParameter(parameters, "pageSize"), 20)));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new BadRequest(ex.getMessage());
        }
    }

    private FullHttpResponse searchResponse(final SearchQuery query, final String ifNoneMatch, final LoopScratch s,
        final ByteBufAllocator alloc)
    {
        final SearchResult result = readServices.search().search(query);
        final ByteBuf body = alloc.buffer(2048);
        final JsonOut json = s.json.start(body).beginObject().field("total", result.total()).field("page", query.page())
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
            for (final Map.Entry<String, Integer> count : facet.getValue().entrySet())
            {
                json.field(count.getKey(), count.getValue());
            }
            json.endObject();
        }
        json.endObject().endObject();
        return cacheable(body, ifNoneMatch, alloc);
    }

    private static final List<String> SEARCH_PARAMETERS = List.of("q", "category", "minPrice", "maxPrice", "inStock", "sort",
        "page", "pageSize");

    private static String parameter(final Map<String, List<String>> parameters, final String name)
    {
        final List<String> values = parameters.get(name);
        if (values == null || values.isEmpty() || values.get(0).isEmpty())
        {
            return null;
        }
        if (values.size() > 1)
        {
            throw new BadRequest(name + " is given more than once");
        }
        return values.get(0);
    }

    private static Long longParameter(final Map<String, List<String>> parameters, final String name)
    {
        final String value = parameter(parameters, name);
        if (value == null)
        {
            return null;
        }
        try
        {
            return Long.parseLong(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new BadRequest(name + " must be an integer");
        }
    }

    private static String booleanParameter(final Map<String, List<String>> parameters, final String name)
    {
        final String value = parameter(parameters, name);
        if (value != null && !value.equals("true") && !value.equals("false"))
        {
            throw new BadRequest(name + " must be true or false");
        }
        return value;
    }

    private static SearchQuery.Order order(final String sort)
    {
        if (sort == null)
        {
            return SearchQuery.Order.RELEVANCE;
        }
        return switch (sort)
        {
            case "relevance" -> SearchQuery.Order.RELEVANCE;
            case "price_asc" -> SearchQuery.Order.PRICE_ASC;
            case "price_desc" -> SearchQuery.Order.PRICE_DESC;
            default -> throw new BadRequest("sort must be relevance, price_asc or price_desc");
        };
    }

    private static long orDefault(final Long value, final long fallback)
    {
        return value == null ? fallback : value;
    }

    /**
     * A 200 of a JSON body for CDNs and browsers: {@code public, max-age}, a strong ETag over the
     * body; a 304 without it when {@code If-None-Match} names that tag.
     */
    private FullHttpResponse cacheable(final ByteBuf body, final String ifNoneMatch, final ByteBufAllocator alloc)
    {
        final String etag = "\"" + Long.toHexString(hash(body)) + "\"";
        final String cacheControl = "public, max-age=" + config.availabilityMaxAgeSeconds();
        if (ifNoneMatch != null && Responses.matches(ifNoneMatch, etag))
        {
            body.release();
            final FullHttpResponse notModified = Responses.response(304, null, alloc.buffer(0), 0);
            notModified.headers().remove(HttpHeaderNames.CONTENT_LENGTH).set(HttpHeaderNames.ETAG, etag)
                .set(HttpHeaderNames.CACHE_CONTROL, cacheControl);
            return notModified;
        }
        final FullHttpResponse response = Responses.response(200, Responses.APPLICATION_JSON, body, 0);
        response.headers().set(HttpHeaderNames.ETAG, etag).set(HttpHeaderNames.CACHE_CONTROL, cacheControl);
        return response;
    }

    private static long hash(final ByteBuf bytes)
    {
        long h = 0xCBF29CE484222325L;
        for (int i = bytes.readerIndex(); i < bytes.writerIndex(); i++)
        {
            h = (h ^ bytes.getByte(i)) * 0x100000001B3L;
        }
        return h;
    }

    /** The customer's own profile: the token decides whose, so no customer reads another's. */
    private FullHttpResponse profile(final long customerId, final LoopScratch s, final ByteBufAllocator alloc)
    {
        final Profile profile = readServices.profiles().get(customerId);
        if (profile == null)
        {
            return Responses.problem(Problem.NOT_FOUND, "this customer has no profile yet; PUT /v1/me/profile creates it", s.json,
                alloc);
        }
        final ByteBuf body = alloc.buffer(512);
        final JsonOut json = s.json.start(body).beginObject().field("customerId", customerId).field("name", profile.name())
            .field("email", profile.email()).name("addresses").beginArray();
        for (final Profile.Address address : profile.addresses())
        {
            json.beginObject().field("line1", address.line1()).field("line2", address.line2()).field("city", address.city())
                .field("postalCode", address.postalCode()).field("country", address.country()).endObject();
        }
        json.endArray().endObject();
        final FullHttpResponse response = Responses.response(200, Responses.APPLICATION_JSON, body, 0);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "private, no-store");
        return response;
    }

    /** The customer's recent orders from the order-history projection (a little behind the engine). */
    private FullHttpResponse myOrders(final long customerId, final LoopScratch s, final ByteBufAllocator alloc)
    {
        final ByteBuf body = alloc.buffer(1024);
        final JsonOut json = s.json.start(body).beginObject().field("customerId", customerId);
        json.name("asOfInput").value(readServices.orders().position().inputSequence());
        json.name("orders").beginArray();
        for (final Order order : readServices.orders().orders(customerId))
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
        final FullHttpResponse response = Responses.response(200, Responses.APPLICATION_JSON, body, 0);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "private, no-store");
        return response;
    }

    /** @return the problem of a request refused while it was read: a bad body or path, a forbidden value, a wrong media type. */
    private static Problem refusal(final RuntimeException ex)
    {
        return ex instanceof Forbidden ? Problem.FORBIDDEN :
            ex instanceof UnsupportedMediaType ? Problem.UNSUPPORTED_MEDIA_TYPE : Problem.INVALID_REQUEST;
    }

    /** Encodes the command of a route into the loop's command buffer. @return its length. */
    private int encode(final Route route, final String[] segments, final FullHttpRequest request, final ApiClient client,
        final long customerId, final LoopScratch s)
    {
        final RequestReader reader = s.reader;
        return switch (route)
        {
            case RESERVE ->
            {
                final String key = request.headers().get(IDEMPOTENCY_KEY);
                if (key == null)
                {
                    throw new BadRequest("an Idempotency-Key header is required");
                }
                if (!RequestReader.isToken(key, ProtocolLimits.IDEMPOTENCY_KEY_LENGTH))
                {
                    throw new BadRequest("the Idempotency-Key must be 1..64 printable ASCII characters without spaces");
                }
                yield reader.reserve(s.body, body(request, s), client.id(), customerId, key, s.command);
            }
            case GET_CHECKOUT -> reader.writer().getCheckout(s.command, 0, customerId, RequestReader.checkoutIdPath(segments[3]));
            case CONFIRM -> reader.confirm(s.body, body(request, s), customerId, RequestReader.checkoutIdPath(segments[3]),
                s.command);
            case CANCEL -> reader.writer().cancel(s.command, 0, customerId, RequestReader.checkoutIdPath(segments[3]));
            case AVAILABILITY, ADMIN_GET_SKU -> reader.writer().getAvailability(s.command, 0,
                RequestReader.skuPath(segments[route == Route.AVAILABILITY ? 3 : 4]));
            case ADMIN_PUT_SKU -> reader.upsertSku(s.body, body(request, s), RequestReader.skuPath(segments[4]), s.command);
            case ADMIN_RESTOCK -> reader.restock(s.body, body(request, s), RequestReader.skuPath(segments[4]), s.command);
            case ADMIN_ADJUST -> reader.adjust(s.body, body(request, s), RequestReader.skuPath(segments[4]), s.command);
            case ADMIN_PAUSE -> reader.writer().pauseSale(s.command, 0, RequestReader.skuPath(segments[4]));
            case ADMIN_RESUME -> reader.writer().resumeSale(s.command, 0, RequestReader.skuPath(segments[4]));
            default -> throw new IllegalStateException("no command for " + route);
        };
    }

    /** Copies a JSON body into the loop's body buffer. @return its length. */
    private int body(final FullHttpRequest request, final LoopScratch s)
    {
        final ByteBuf content = request.content();
        final String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (content.isReadable() && (type == null || !isJson(type)))
        {
            throw new UnsupportedMediaType("the body must be application/json");
        }
        final int length = content.readableBytes();
        if (length > s.body.length)
        {
            throw new BadRequest("the body exceeds " + s.body.length + " bytes");
        }
        content.getBytes(content.readerIndex(), s.body, 0, length);
        return length;
    }

    private static boolean isJson(final String contentType)
    {
        final int semicolon = contentType.indexOf(';');
        final String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        return media.equalsIgnoreCase("application/json");
    }

    /** The route of a path and method; UNMATCHED if none. Segments start with "" (the leading slash). */
    static Route match(final String[] p, final HttpMethod method)
    {
        final int n = p.length;
        if (n < 2 || !p[0].isEmpty())
        {
            return Route.UNMATCHED;
        }
        final boolean get = method == HttpMethod.GET;
        final boolean post = method == HttpMethod.POST;
        if (n == 2)
        {
            if (get && p[1].equals("metrics"))
            {
                return Route.METRICS;
            }
            if (get && p[1].equals("openapi.yaml"))
            {
                return Route.OPENAPI;
            }
            return Route.UNMATCHED;
        }
        if (n == 3 && p[1].equals("health") && get)
        {
            return p[2].equals("live") ? Route.HEALTH_LIVE : p[2].equals("ready") ? Route.HEALTH_READY : Route.UNMATCHED;
        }
        if (!p[1].equals("v1"))
        {
            return Route.UNMATCHED;
        }
        if (p[2].equals("checkouts"))
        {
            if (n == 3 && post)
            {
                return Route.RESERVE;
            }
            if (n == 4 && get && !p[3].isEmpty())
            {
                return Route.GET_CHECKOUT;
            }
            if (n == 5 && post && !p[3].isEmpty())
            {
                return p[4].equals("confirm") ? Route.CONFIRM : p[4].equals("cancel") ? Route.CANCEL : Route.UNMATCHED;
            }
            return Route.UNMATCHED;
        }
        if (p[2].equals("me") && n == 4 && get && p[3].equals("orders"))
        {
            return Route.MY_ORDERS;
        }
        if (p[2].equals("me") && n == 4 && p[3].equals("profile"))
        {
            return get ? Route.MY_PROFILE : method == HttpMethod.PUT ? Route.PUT_MY_PROFILE : Route.UNMATCHED;
        }
        if (p[2].equals("search") && n == 3 && get)
        {
            return Route.SEARCH;
        }
        if (p[2].equals("admin") && n == 5 && p[3].equals("search") && p[4].equals("rebuild") && post)
        {
            return Route.ADMIN_REBUILD_SEARCH;
        }
        if (p[2].equals("products") && n == 4 && get && !p[3].isEmpty())
        {
            return Route.PRODUCT;
        }
        if (p[2].equals("admin") && n == 5 && p[3].equals("products") && !p[4].isEmpty())
        {
            return method == HttpMethod.PUT ? Route.ADMIN_PUT_PRODUCT : get ? Route.ADMIN_GET_PRODUCT :
                method == HttpMethod.DELETE ? Route.ADMIN_DELETE_PRODUCT : Route.UNMATCHED;
        }
        if (p[2].equals("skus") && n == 5 && get && p[4].equals("availability") && !p[3].isEmpty())
        {
            return Route.AVAILABILITY;
        }
        if (p[2].equals("admin") && n >= 5 && p[3].equals("skus") && !p[4].isEmpty())
        {
            if (n == 5)
            {
                return method == HttpMethod.PUT ? Route.ADMIN_PUT_SKU : get ? Route.ADMIN_GET_SKU : Route.UNMATCHED;
            }
            if (n == 6 && post)
            {
                return switch (p[5])
                {
                    case "restock" -> Route.ADMIN_RESTOCK;
                    case "adjust" -> Route.ADMIN_ADJUST;
                    case "pause" -> Route.ADMIN_PAUSE;
                    case "resume" -> Route.ADMIN_RESUME;
                    default -> Route.UNMATCHED;
                };
            }
        }
        return Route.UNMATCHED;
    }

    /** @return the methods a known path allows (for 405), or null if no route has this path. */
    static String allowed(final String[] p)
    {
        final StringBuilder allowed = new StringBuilder();
        for (final HttpMethod method : new HttpMethod[] {HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE})
        {
            if (match(p, method) != Route.UNMATCHED)
            {
                allowed.append(allowed.length() == 0 ? "" : ", ").append(method.name());
            }
        }
        return allowed.length() == 0 ? null : allowed.toString();
    }

    private FullHttpResponse servePublic(final Route route, final ByteBufAllocator alloc)
    {
        switch (route)
        {
            case HEALTH_LIVE:
                return Responses.text(200, TEXT_PLAIN, "live\n", alloc);
            case HEALTH_READY:
            {
                final String notReady = backend.notReadyReason();
                if (notReady == null)
                {
                    return Responses.text(200, TEXT_PLAIN, "ready\n" + backend.readyDetails(), alloc);
                }
                return Responses.problem(Problem.NOT_READY, notReady, scratch.get().json, alloc);
            }
            case METRICS:
                return Responses.text(200, PROMETHEUS, metricsText(), alloc);
            case OPENAPI:
                return Responses.bytes(200, YAML, openApi, alloc);
            default:
                throw new IllegalStateException(route.name());
        }
    }

    /**
     * The metrics text, rendered at most every {@link #METRICS_MAX_AGE_NANOS}: /metrics needs no key, and a
     * render walks every SKU on the event loop.
     */
    private String metricsText()
    {
        final long now = System.nanoTime();
        String text = metricsText;
        if (text == null || now - metricsRenderedNanos > METRICS_MAX_AGE_NANOS)
        {
            final StringBuilder out = new StringBuilder(8192);
            metrics.render(out);
            responder.render(out);
            backend.renderMetrics(out);
            text = out.toString();
            metricsRenderedNanos = now;
            metricsText = text;
        }
        return text;
    }

    /** @return where the responder hands answers back to this event loop. */
    Handback handback(final io.netty.util.concurrent.EventExecutor loop)
    {
        return responder.handback(loop);
    }

    /** Renders the answer of a completed or failed exchange. */
    FullHttpResponse render(final Exchange exchange, final ByteBufAllocator alloc)
    {
        final LoopScratch s = scratch.get();
        final FullHttpResponse response = exchange.failed() ?
            Responses.problem(Problem.NOT_READY, (exchange.timedOut ? "the engine did not answer within " +
                config.engineTimeoutMs() + " ms" : "the node stopped before deciding this request") +
                "; its outcome is unknown, retry with the same Idempotency-Key", s.json, alloc) :
            Responses.result(exchange, s, alloc, config.availabilityMaxAgeSeconds());
        metrics.record(exchange.route, response.status().code(), System.nanoTime() - exchange.startNanos);
        return response;
    }

    /** A request body above {@code gateway.max-body-bytes}: 413, then the connection closes. */
    void tooLarge(final Connection connection)
    {
        final FullHttpResponse response = Responses.problem(Problem.PAYLOAD_TOO_LARGE, "the body exceeds " +
            config.maxBodyBytes() + " bytes", scratch.get().json, connection.alloc());
        metrics.record(Route.UNMATCHED, 413, 0);
        connection.answer(response, false);
    }

    /** Lets the searches already queued finish (up to 5 s), then stops the search thread. */
    void close()
    {
        searchThread.shutdown();
        try
        {
            if (!searchThread.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS))
            {
                searchThread.shutdownNow();
            }
        }
        catch (final InterruptedException ex)
        {
            searchThread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    void timedOut(final Connection connection)
    {
        metrics.requestTimedOut();
        final FullHttpResponse response = Responses.problem(Problem.REQUEST_TIMEOUT, "the request did not arrive within " +
            config.requestTimeoutMs() + " ms", scratch.get().json, connection.alloc());
        metrics.record(Route.UNMATCHED, 408, 0);
        connection.timeOut(response);
    }

    private void refuse(final Connection connection, final Route route, final Problem problem, final String detail,
        final boolean keepAlive, final long startNanos, final LoopScratch s, final ByteBufAllocator alloc)
    {
        finish(connection, route, Responses.problem(problem, detail, s.json, alloc), keepAlive, startNanos);
    }

    private void finish(final Connection connection, final Route route, final FullHttpResponse response,
        final boolean keepAlive, final long startNanos)
    {
        metrics.record(route, response.status().code(), System.nanoTime() - startNanos);
        connection.answer(response, keepAlive);
    }

    /** A body that is not JSON. */
    static final class UnsupportedMediaType extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        UnsupportedMediaType(final String detail)
        {
            super(detail, null, false, false);
        }
    }
}
