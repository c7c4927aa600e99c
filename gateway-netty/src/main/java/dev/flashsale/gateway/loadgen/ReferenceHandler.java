package dev.flashsale.gateway.loadgen;

import dev.flashsale.engine.protocol.ProtocolLimits;
import dev.flashsale.gateway.Problem;
import dev.flashsale.gateway.http.BadRequest;
import dev.flashsale.gateway.http.JsonDocument;
import dev.flashsale.gateway.http.PathParams;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

/**
 * One connection of the {@link ReferenceServer}, on its event loop: routes the four requests the
 * load generator sends, checks headers and bodies, asks the shared {@link ReferenceStore}, and
 * writes the node's answer shapes (checkout and SKU JSON, RFC 9457 problems with the node's codes).
 * It writes in {@code channelRead} and flushes once per read batch, as the gateway does.
 *
 * <p>It checks that {@code X-Api-Key} is present but not which key it is (so there are no roles),
 * and takes the customer from the {@code <customerId>.} prefix of {@code X-Customer-Token} without
 * checking the token's HMAC or expiry: the node's HMAC check is work this server skips.
 */
final class ReferenceHandler extends SimpleChannelInboundHandler<FullHttpRequest>
{
    /** Hold time of a reserve without {@code holdSeconds}: the node's default {@code engine.default-hold-ttl-ms}. */
    static final long DEFAULT_HOLD_MS = 600_000;

    private static final AsciiString API_KEY = AsciiString.cached("x-api-key");
    private static final AsciiString CUSTOMER_TOKEN = AsciiString.cached("x-customer-token");
    private static final AsciiString IDEMPOTENCY_KEY = AsciiString.cached("idempotency-key");
    private static final AsciiString IDEMPOTENT_REPLAYED = AsciiString.cached("idempotent-replayed");
    private static final AsciiString PROBLEM_JSON = AsciiString.cached("application/problem+json");
    private static final AsciiString TRUE = AsciiString.cached("true");
    private static final String CHECKOUTS = "/v1/checkouts";
    private static final String ADMIN_SKUS = "/v1/admin/skus/";

    private final ReferenceStore store;
    private final ReferenceRequests requests = new ReferenceRequests();
    private final JsonDocument json = new JsonDocument();

    ReferenceHandler(final ReferenceStore store)
    {
        this.store = store;
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        if (request.decoderResult().isFailure())
        {
            ctx.close();
            return;
        }
        FullHttpResponse response;
        try
        {
            response = route(ctx, request);
        }
        catch (final BadRequest ex)
        {
            response = problem(ctx, Problem.INVALID_REQUEST, ex.getMessage());
        }
        if (!HttpUtil.isKeepAlive(request))
        {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.write(response).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (!request.protocolVersion().isKeepAliveDefault())
        {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        ctx.write(response, ctx.voidPromise());
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx)
    {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        ctx.close();
    }

    /** Path first (404, 405), then the API key (401), then the route's own checks. */
    private FullHttpResponse route(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        final String uri = request.uri();
        final int query = uri.indexOf('?');
        final String path = query < 0 ? uri : uri.substring(0, query);
        final HttpMethod method = request.method();
        if (path.equals(CHECKOUTS))
        {
            return method == HttpMethod.POST ? authenticated(ctx, request, path) : notAllowed(ctx, "POST");
        }
        if (path.startsWith(ADMIN_SKUS) && path.indexOf('/', ADMIN_SKUS.length()) < 0)
        {
            return method == HttpMethod.PUT ? authenticated(ctx, request, path) : notAllowed(ctx, "PUT");
        }
        if (path.startsWith(CHECKOUTS + "/") && (path.endsWith("/confirm") || path.endsWith("/cancel")))
        {
            final String id = path.substring(CHECKOUTS.length() + 1, path.lastIndexOf('/'));
            if (id.indexOf('/') < 0)
            {
                return method == HttpMethod.POST ? authenticated(ctx, request, path) : notAllowed(ctx, "POST");
            }
        }
        return problem(ctx, Problem.NOT_FOUND, "no route for " + path);
    }

    private FullHttpResponse authenticated(final ChannelHandlerContext ctx, final FullHttpRequest request, final String path)
    {
        final HttpHeaders headers = request.headers();
        final String apiKey = headers.get(API_KEY);
        if (apiKey == null || apiKey.isEmpty())
        {
            final FullHttpResponse response = problem(ctx, Problem.UNAUTHENTICATED, "the X-Api-Key header is required");
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "ApiKey header=\"X-Api-Key\"");
            return response;
        }
        if (path.startsWith(ADMIN_SKUS))
        {
            return putSku(ctx, request, PathParams.sku(path.substring(ADMIN_SKUS.length())));
        }
        final long customerId = tokenCustomer(headers.get(CUSTOMER_TOKEN));
        if (customerId == 0)
        {
            final FullHttpResponse response = problem(ctx, Problem.UNAUTHENTICATED,
                "the X-Customer-Token header is required, <customerId>.<expires>.<signature>");
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "CustomerToken header=\"X-Customer-Token\"");
            return response;
        }
        if (path.equals(CHECKOUTS))
        {
            return reserve(ctx, request, customerId);
        }
        final long checkoutId = PathParams.checkoutId(path.substring(CHECKOUTS.length() + 1, path.lastIndexOf('/')));
        if (path.endsWith("/cancel"))
        {
            return checkout(ctx, store.cancel(customerId, checkoutId), checkoutId, 200);
        }
        if (!isJson(request))
        {
            return unsupportedMediaType(ctx);
        }
        return checkout(ctx, store.confirm(customerId, checkoutId, requests.paymentRef(request.content())), checkoutId, 200);
    }

    private FullHttpResponse reserve(final ChannelHandlerContext ctx, final FullHttpRequest request, final long customerId)
    {
        final String key = request.headers().get(IDEMPOTENCY_KEY);
        if (!PathParams.isToken(key, ProtocolLimits.IDEMPOTENCY_KEY_LENGTH))
        {
            throw new BadRequest("the Idempotency-Key header is required: 1.." + ProtocolLimits.IDEMPOTENCY_KEY_LENGTH +
                " printable ASCII characters without spaces");
        }
        if (!isJson(request))
        {
            return unsupportedMediaType(ctx);
        }
        requests.reserve(request.content());
        if (requests.customerId != customerId)
        {
            return problem(ctx, Problem.FORBIDDEN, "customerId " + requests.customerId + " is not the customer of the token");
        }
        final ReferenceModel.Answer answer = store.reserve(customerId, key, requests.skus, requests.quantities,
            requests.lineCount, requests.holdSeconds, DEFAULT_HOLD_MS);
        final FullHttpResponse response = checkout(ctx, answer, 0, 201);
        if (answer.problem() == null)
        {
            response.headers().set(HttpHeaderNames.LOCATION, CHECKOUTS + "/" + answer.checkout().checkoutId);
        }
        return response;
    }

    private FullHttpResponse putSku(final ChannelHandlerContext ctx, final FullHttpRequest request, final String code)
    {
        if (!isJson(request))
        {
            return unsupportedMediaType(ctx);
        }
        requests.sku(request.content());
        final ReferenceModel.SkuAnswer answer = store.putSku(code, requests.totalStock, requests.perCustomerLimit,
            requests.priceMinor, requests.currency);
        if (answer.problem() != null)
        {
            return problem(ctx, answer.problem(), answer.problem().title());
        }
        final ReferenceModel.SkuView sku = answer.sku();
        final ByteBuf body = json.render(ctx.alloc(), g ->
        {
            g.writeStartObject();
            g.writeStringField("sku", sku.code());
            g.writeNumberField("totalStock", sku.totalStock());
            g.writeNumberField("available", sku.available());
            g.writeNumberField("held", sku.held());
            g.writeNumberField("sold", sku.sold());
            g.writeBooleanField("soldOut", sku.available() == 0);
            g.writeNumberField("perCustomerLimit", sku.perCustomerLimit());
            g.writeNumberField("priceMinor", sku.priceMinor());
            g.writeStringField("currency", sku.currency());
            g.writeEndObject();
        });
        return response(200, HttpHeaderValues.APPLICATION_JSON, body);
    }

    /** A checkout as the node writes it, or the problem, naming the checkout when there is one. */
    private FullHttpResponse checkout(final ChannelHandlerContext ctx, final ReferenceModel.Answer answer, final long checkoutId,
        final int status)
    {
        if (answer.problem() != null)
        {
            return checkoutProblem(ctx, answer, checkoutId);
        }
        final ReferenceModel.Checkout checkout = answer.checkout();
        final ByteBuf body = json.render(ctx.alloc(), g ->
        {
            g.writeStartObject();
            json.id("checkoutId", checkout.checkoutId);
            g.writeNumberField("customerId", checkout.customerId);
            g.writeStringField("status", answer.status().name());
            json.time("createdAt", checkout.createdAtMs);
            if (answer.status() == ReferenceModel.Status.HELD || answer.status() == ReferenceModel.Status.EXPIRED)
            {
                json.time("expiresAt", checkout.expiresAtMs);
            }
            g.writeArrayFieldStart("lines");
            long totalMinor = 0;
            String currency = checkout.currencies[0];
            for (int i = 0; i < checkout.skus.length; i++)
            {
                g.writeStartObject();
                g.writeStringField("sku", checkout.skus[i].code);
                g.writeNumberField("qty", checkout.quantities[i]);
                g.writeNumberField("unitPriceMinor", checkout.unitPriceMinor[i]);
                g.writeStringField("currency", checkout.currencies[i]);
                g.writeEndObject();
                // Cannot overflow: 16 lines of at most MAX_QUANTITY_PER_LINE units, within ProtocolLimits.MAX_UNITS_PER_CHECKOUT.
                totalMinor = Math.addExact(totalMinor, Math.multiplyExact(checkout.unitPriceMinor[i], checkout.quantities[i]));
                currency = currency != null && currency.equals(checkout.currencies[i]) ? currency : null;
            }
            g.writeEndArray();
            if (currency != null)
            {
                g.writeNumberField("totalMinor", totalMinor);
                g.writeStringField("currency", currency);
            }
            g.writeEndObject();
        });
        final FullHttpResponse response = response(status, HttpHeaderValues.APPLICATION_JSON, body);
        if (answer.replayed())
        {
            response.headers().set(IDEMPOTENT_REPLAYED, TRUE);
        }
        return response;
    }

    /** Problems of confirm and cancel that name a checkout carry its id and status now, as the node's do. */
    private FullHttpResponse checkoutProblem(final ChannelHandlerContext ctx, final ReferenceModel.Answer answer,
        final long checkoutId)
    {
        final Problem problem = answer.problem();
        final boolean namesCheckout = problem == Problem.CHECKOUT_NOT_FOUND || problem == Problem.HOLD_EXPIRED ||
            problem == Problem.WRONG_STATE || problem == Problem.PAYMENT_CONFLICT;
        if (!namesCheckout)
        {
            return problem(ctx, problem, problem.title());
        }
        final ByteBuf body = json.render(ctx.alloc(), g ->
        {
            g.writeStartObject();
            problem.fields(g, problem.title());
            json.id("checkoutId", checkoutId);
            g.writeStringField("checkoutStatus", answer.status() == null ? "NONE" : answer.status().name());
            g.writeEndObject();
        });
        return response(problem.status(), PROBLEM_JSON, body);
    }

    private FullHttpResponse notAllowed(final ChannelHandlerContext ctx, final String allow)
    {
        final FullHttpResponse response = problem(ctx, Problem.METHOD_NOT_ALLOWED, "this path allows " + allow);
        response.headers().set(HttpHeaderNames.ALLOW, allow);
        return response;
    }

    private FullHttpResponse problem(final ChannelHandlerContext ctx, final Problem problem, final String detail)
    {
        final ByteBuf body = json.render(ctx.alloc(), g ->
        {
            g.writeStartObject();
            problem.fields(g, detail);
            g.writeEndObject();
        });
        final FullHttpResponse response = response(problem.status(), PROBLEM_JSON, body);
        if (problem.retryable())
        {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        }
        return response;
    }

    private static FullHttpResponse response(final int status, final CharSequence contentType, final ByteBuf body)
    {
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), body);
        response.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, contentType)
            .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return response;
    }

    private FullHttpResponse unsupportedMediaType(final ChannelHandlerContext ctx)
    {
        return problem(ctx, Problem.UNSUPPORTED_MEDIA_TYPE, "a body needs Content-Type: application/json");
    }

    /** @return whether the body is declared JSON (parameters such as charset allowed); else it is 415, as on the node. */
    private static boolean isJson(final FullHttpRequest request)
    {
        final String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        final CharSequence mime = type == null ? null : HttpUtil.getMimeType(type);
        return mime != null && HttpHeaderValues.APPLICATION_JSON.contentEqualsIgnoreCase(mime);
    }

    /**
     * @return the customer id a token names, {@code <customerId>.<expires>.<signature>}: 1 to 18
     *         digits before the first dot, nothing else checked; 0 if the token is missing or has none.
     */
    static long tokenCustomer(final String token)
    {
        if (token == null || token.length() > 80)
        {
            return 0;
        }
        final int dot = token.indexOf('.');
        if (dot < 1 || dot > 18)
        {
            return 0;
        }
        long id = 0;
        for (int i = 0; i < dot; i++)
        {
            final char c = token.charAt(i);
            if (c < '0' || c > '9')
            {
                return 0;
            }
            id = id * 10 + (c - '0');
        }
        return id;
    }
}
