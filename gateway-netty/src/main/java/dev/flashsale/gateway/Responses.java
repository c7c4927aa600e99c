package dev.flashsale.gateway;

import dev.flashsale.engine.codec.AckDecoder;
import dev.flashsale.engine.codec.CheckoutResultDecoder;
import dev.flashsale.engine.codec.CheckoutState;
import dev.flashsale.engine.codec.MessageHeaderDecoder;
import dev.flashsale.engine.codec.ResultCode;
import dev.flashsale.engine.codec.SkuResultDecoder;
import dev.flashsale.gateway.http.JsonOut;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;

/** Builds HTTP responses: engine results as JSON, refusals as RFC 9457 problems. */
final class Responses
{
    static final AsciiString APPLICATION_JSON = AsciiString.cached("application/json");
    static final AsciiString PROBLEM_JSON = AsciiString.cached("application/problem+json");
    static final AsciiString IDEMPOTENT_REPLAYED = AsciiString.cached("idempotent-replayed");
    static final AsciiString TRUE = AsciiString.cached("true");

    private Responses()
    {
    }

    /** Renders the engine's answer to an exchange. */
    static FullHttpResponse result(final Exchange exchange, final LoopScratch s, final ByteBufAllocator alloc,
        final long availabilityMaxAgeSeconds)
    {
        final DirectBuffer buffer = exchange.result();
        s.header.wrap(buffer, 0);
        final int template = s.header.templateId();
        if (template == CheckoutResultDecoder.TEMPLATE_ID)
        {
            return checkout(exchange.route, s.checkoutResult.wrapAndApplyHeader(buffer, 0, s.header), s, alloc);
        }
        if (template == SkuResultDecoder.TEMPLATE_ID)
        {
            return sku(exchange, s.skuResult.wrapAndApplyHeader(buffer, 0, s.header), s, alloc, availabilityMaxAgeSeconds);
        }
        if (template == AckDecoder.TEMPLATE_ID)
        {
            final AckDecoder ack = s.ack.wrapAndApplyHeader(buffer, 0, s.header);
            return problem(Problem.of(ack.code() == ResultCode.OK ? ResultCode.NULL_VAL : ack.code()),
                "the engine could not decode the command", s.json, alloc);
        }
        return problem(Problem.INTERNAL_ERROR, "unexpected engine answer " + template, s.json, alloc);
    }

    private static FullHttpResponse checkout(final Route route, final CheckoutResultDecoder r, final LoopScratch s,
        final ByteBufAllocator alloc)
    {
        final ResultCode code = r.code();
        if (code != ResultCode.OK)
        {
            final Problem problem = Problem.of(code);
            final ByteBuf body = alloc.buffer(256);
            final JsonOut json = s.json.start(body).beginObject();
            problem.fields(json, detail(problem));
            if (r.checkoutId() != 0)
            {
                json.name("checkoutId").id(r.checkoutId()).field("checkoutStatus", r.state().name());
            }
            json.endObject();
            return response(problem.status(), PROBLEM_JSON, body, problem.retryable() ? 1 : 0);
        }
        final ByteBuf body = alloc.buffer(256);
        final JsonOut json = s.json.start(body).beginObject();
        json.name("checkoutId").id(r.checkoutId())
            .field("customerId", r.customerId())
            .field("status", r.state().name())
            .name("createdAt").time(r.createdAtMs());
        if (r.state() == CheckoutState.HELD || r.state() == CheckoutState.EXPIRED)
        {
            json.name("expiresAt").time(r.expiresAtMs());
        }
        json.name("lines").beginArray();
        long total = 0;
        boolean first = true;
        boolean oneCurrency = true;
        for (final CheckoutResultDecoder.LinesDecoder line : r.lines())
        {
            s.sku.setLength(0);
            line.getSku(s.sku);
            s.lineCurrency.setLength(0);
            line.getCurrency(s.lineCurrency);
            json.beginObject()
                .field("sku", s.sku)
                .field("qty", line.quantity())
                .field("unitPriceMinor", line.unitPriceMinor())
                .field("currency", s.lineCurrency)
                .endObject();
            if (first)
            {
                s.currency.setLength(0);
                s.currency.append(s.lineCurrency);
                first = false;
            }
            oneCurrency &= s.currency.compareTo(s.lineCurrency) == 0;
            total += line.unitPriceMinor() * line.quantity();
        }
        json.endArray();
        if (!first && oneCurrency && s.currency.length() > 0)
        {
            json.field("totalMinor", total).field("currency", s.currency);
        }
        json.endObject();
        final int status = route == Route.RESERVE ? 201 : 200;
        final FullHttpResponse response = response(status, APPLICATION_JSON, body, 0);
        if (route == Route.RESERVE)
        {
            response.headers().set(HttpHeaderNames.LOCATION, "/v1/checkouts/" + r.checkoutId());
        }
        if (r.replayed() == dev.flashsale.engine.codec.BooleanType.TRUE)
        {
            response.headers().set(IDEMPOTENT_REPLAYED, TRUE);
        }
        return response;
    }

    private static FullHttpResponse sku(final Exchange exchange, final SkuResultDecoder r, final LoopScratch s,
        final ByteBufAllocator alloc, final long maxAgeSeconds)
    {
        if (r.code() != ResultCode.OK)
        {
            final Problem problem = Problem.of(r.code());
            return problem(problem, detail(problem), s.json, alloc);
        }
        final boolean paused = r.paused() == dev.flashsale.engine.codec.BooleanType.TRUE;
        final String etag = etag(r, paused);
        final boolean cacheable = exchange.route == Route.AVAILABILITY;
        if (cacheable && exchange.ifNoneMatch != null && matches(exchange.ifNoneMatch, etag))
        {
            final FullHttpResponse notModified = response(304, null, alloc.buffer(0), 0);
            notModified.headers().remove(HttpHeaderNames.CONTENT_LENGTH); // a 304 has no body, and must not claim a length
            cacheHeaders(notModified.headers(), etag, maxAgeSeconds);
            return notModified;
        }
        final ByteBuf body = alloc.buffer(384);
        s.json.start(body).beginObject()
            .field("sku", r.sku())
            .field("totalStock", r.totalStock())
            .field("available", r.available())
            .field("held", r.held())
            .field("sold", r.sold())
            .field("soldOut", r.available() == 0)
            .field("paused", paused)
            .field("perCustomerLimit", r.perCustomerLimit())
            .field("priceMinor", r.priceMinor())
            .field("currency", r.currency())
            .name("startsAt").time(r.startsAtMs())
            .name("endsAt").time(r.endsAtMs())
            .endObject();
        final FullHttpResponse response = response(200, APPLICATION_JSON, body, 0);
        if (cacheable)
        {
            cacheHeaders(response.headers(), etag, maxAgeSeconds);
        }
        else
        {
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        }
        return response;
    }

    private static void cacheHeaders(final HttpHeaders headers, final String etag, final long maxAgeSeconds)
    {
        headers.set(HttpHeaderNames.ETAG, etag);
        headers.set(HttpHeaderNames.CACHE_CONTROL, "public, max-age=" + maxAgeSeconds);
    }

    /** A strong ETag over everything the representation shows. */
    private static String etag(final SkuResultDecoder r, final boolean paused)
    {
        long h = 0x9E3779B97F4A7C15L;
        h = mix(h, r.totalStock());
        h = mix(h, r.available());
        h = mix(h, r.held());
        h = mix(h, r.sold());
        h = mix(h, r.perCustomerLimit());
        h = mix(h, r.priceMinor());
        h = mix(h, r.startsAtMs());
        h = mix(h, r.endsAtMs());
        h = mix(h, paused ? 1 : 0);
        h = mix(h, r.currency().hashCode());
        return "\"" + Long.toHexString(h) + "\"";
    }

    private static long mix(final long h, final long v)
    {
        long x = (h ^ v) * 0xBF58476D1CE4E5B9L;
        return x ^ (x >>> 31);
    }

    static boolean matches(final String ifNoneMatch, final String etag)
    {
        if (ifNoneMatch.trim().equals("*"))
        {
            return true;
        }
        for (final String candidate : ifNoneMatch.split(","))
        {
            String tag = candidate.trim();
            if (tag.startsWith("W/"))
            {
                tag = tag.substring(2);
            }
            if (tag.equals(etag))
            {
                return true;
            }
        }
        return false;
    }

    private static String detail(final Problem problem)
    {
        return switch (problem)
        {
            case SOLD_OUT -> "a SKU of the request has no available units";
            case INSUFFICIENT_STOCK -> "a SKU of the request has fewer units available than requested";
            case LIMIT_EXCEEDED -> "the customer's held and confirmed units of a SKU would exceed its per-customer limit";
            case TOO_MANY_HOLDS -> "the customer has the most live holds allowed; confirm or cancel one first";
            case HOLD_EXPIRED -> "the hold expired before this request; void the payment";
            case CAPACITY_EXHAUSTED -> "a configured capacity of the engine is reached; retry later";
            case TOO_MANY_KEYS -> "the customer has the most stored Idempotency-Keys allowed; a new key is accepted once" +
                " older ones reach their retention";
            case IDEMPOTENCY_MISMATCH -> "this Idempotency-Key was used with another request body";
            case SALE_NOT_STARTED -> "the sale of a SKU of the request has not started";
            case SALE_ENDED -> "the sale of a SKU of the request has ended";
            case SALE_PAUSED -> "the sale of a SKU of the request is paused";
            case WRONG_STATE -> "the checkout is not in a state that allows this";
            case PAYMENT_CONFLICT -> "the checkout was confirmed with another paymentRef";
            case STOCK_BELOW_COMMITTED -> "the new total stock is below the held and sold units";
            case SKU_NOT_FOUND -> "no SKU with this code";
            case CHECKOUT_NOT_FOUND -> "no checkout with this id for this customer";
            case INVALID_REQUEST -> "the engine refused a value of the request";
            default -> problem.title();
        };
    }

    /** A problem response with {@code Retry-After: 1} when it is retryable. */
    static FullHttpResponse problem(final Problem problem, final String detail, final JsonOut json, final ByteBufAllocator alloc)
    {
        final ByteBuf body = alloc.buffer(256);
        problem.fields(json.start(body).beginObject(), detail).endObject();
        return response(problem.status(), PROBLEM_JSON, body, problem.retryable() ? 1 : 0);
    }

    static FullHttpResponse text(final int status, final CharSequence contentType, final String text, final ByteBufAllocator alloc)
    {
        final ByteBuf body = alloc.buffer(text.length());
        body.writeCharSequence(text, StandardCharsets.UTF_8);
        return response(status, contentType, body, 0);
    }

    static FullHttpResponse bytes(final int status, final CharSequence contentType, final byte[] bytes, final ByteBufAllocator alloc)
    {
        final ByteBuf body = alloc.buffer(bytes.length);
        body.writeBytes(bytes);
        return response(status, contentType, body, 0);
    }

    static FullHttpResponse response(final int status, final CharSequence contentType, final ByteBuf body, final long retryAfter)
    {
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), body);
        final HttpHeaders headers = response.headers();
        if (contentType != null)
        {
            headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        if (retryAfter > 0)
        {
            headers.set(HttpHeaderNames.RETRY_AFTER, Long.toString(retryAfter));
        }
        return response;
    }
}
