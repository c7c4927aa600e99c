package dev.flashsale.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.flashsale.engine.codec.AckDecoder;
import dev.flashsale.engine.codec.BooleanType;
import dev.flashsale.engine.codec.CheckoutResultDecoder;
import dev.flashsale.engine.codec.CheckoutState;
import dev.flashsale.engine.codec.ResultCode;
import dev.flashsale.engine.codec.SkuResultDecoder;
import dev.flashsale.gateway.http.JsonBytes;
import dev.flashsale.gateway.http.JsonDocument;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.util.concurrent.FastThreadLocal;
import org.agrona.DirectBuffer;

import java.io.IOException;

/**
 * The engine's answer to an {@link Exchange} as HTTP, on the exchange's event loop: a checkout
 * (201 for a reserve, with {@code Location}), a SKU's availability (cacheable on the public route),
 * a result code other than OK as its problem, and an exchange the engine never answered as a 503
 * whose outcome is unknown. Records each answer's metrics and request id, and a refusal or error in
 * the access log with the engine's result code.
 */
final class EngineAnswers
{
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EngineAnswers.class);

    private static final JsonBytes.Name CHECKOUT_ID = JsonBytes.name("checkoutId");
    private static final JsonBytes.Name CUSTOMER_ID = JsonBytes.name("customerId");
    private static final JsonBytes.Name STATUS = JsonBytes.name("status");
    private static final JsonBytes.Name CREATED_AT = JsonBytes.name("createdAt");
    private static final JsonBytes.Name EXPIRES_AT = JsonBytes.name("expiresAt");
    private static final JsonBytes.Name LINES = JsonBytes.name("lines");
    private static final JsonBytes.Name SKU = JsonBytes.name("sku");
    private static final JsonBytes.Name QTY = JsonBytes.name("qty");
    private static final JsonBytes.Name UNIT_PRICE_MINOR = JsonBytes.name("unitPriceMinor");
    private static final JsonBytes.Name CURRENCY = JsonBytes.name("currency");
    private static final JsonBytes.Name TOTAL_MINOR = JsonBytes.name("totalMinor");

    /**
     * Per {@link Problem}: the body of a refusal of a checkout command with no checkout in it (the same
     * for every shopper: the burst after a sell-out is all {@code SOLD_OUT}), written once.
     */
    private static final byte[][] PROBLEM_BODIES = problemBodies();

    private final FastThreadLocal<LoopScratch> scratch;
    private final GatewayMetrics metrics;
    private final AccessLog accessLog;
    private final HttpCaching caching;
    private final long engineTimeoutMs;

    EngineAnswers(final FastThreadLocal<LoopScratch> scratch, final GatewayMetrics metrics, final AccessLog accessLog,
        final HttpCaching caching, final long engineTimeoutMs)
    {
        this.scratch = scratch;
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.caching = caching;
        this.engineTimeoutMs = engineTimeoutMs;
    }

    /**
     * Renders the answer of a completed or failed exchange.
     *
     * @return a {@link FullHttpResponse}, or for a checkout the engine decided or refused with no
     *     checkout in it (nearly every answer) a {@link ByteBuf} holding the whole response,
     *     {@code Connection: close} included unless the exchange keeps its connection alive
     *     ({@link EncodedResponse}).
     */
    Object render(final Exchange exchange, final ByteBufAllocator alloc)
    {
        final LoopScratch s = scratch.get();
        s.answerCode = exchange.failed() ? Problem.NOT_READY.name() : null;
        final Object response = exchange.failed() ?
            Responses.problem(Problem.NOT_READY, (exchange.timedOut ? "the engine did not answer within " +
                engineTimeoutMs + " ms" : "the node stopped before deciding this request") +
                "; its outcome is unknown, retry with the same Idempotency-Key", s.json, alloc) :
            result(exchange, s, alloc);
        final long nowNanos = System.nanoTime();
        final int status;
        if (response instanceof FullHttpResponse full)
        {
            status = full.status().code();
            full.headers().set(RequestIds.HEADER, exchange.requestId);
        }
        else
        {
            status = s.encodedStatus;
        }
        metrics.record(exchange.route, status, nowNanos - exchange.startNanos);
        accessLog.answered(exchange.method, exchange.uri, status, s.answerCode, exchange.startNanos, nowNanos,
            exchange.answers == null ? null : exchange.answers.remoteAddress(), exchange.requestId);
        return response;
    }

    private Object result(final Exchange exchange, final LoopScratch s, final ByteBufAllocator alloc)
    {
        try
        {
            return decode(exchange, s, alloc);
        }
        catch (final IOException | RuntimeException ex) // a defect (a total past 64 bits): a 500 in its place, never its text
        {
            LOG.error("the engine's answer to {} could not be rendered", exchange.route.pattern(), ex);
            s.answerCode = Problem.INTERNAL_ERROR.name();
            return Responses.problem(Problem.INTERNAL_ERROR, "the engine's answer could not be rendered; the node's log has the cause",
                s.json, alloc);
        }
    }

    private Object decode(final Exchange exchange, final LoopScratch s, final ByteBufAllocator alloc)
        throws IOException
    {
        final DirectBuffer buffer = exchange.result();
        s.header.wrap(buffer, 0);
        final int template = s.header.templateId();
        if (template == CheckoutResultDecoder.TEMPLATE_ID)
        {
            return checkout(exchange, s.checkoutResult.wrapAndApplyHeader(buffer, 0, s.header), s, alloc);
        }
        if (template == SkuResultDecoder.TEMPLATE_ID)
        {
            return sku(exchange, s.skuResult.wrapAndApplyHeader(buffer, 0, s.header), s, alloc);
        }
        if (template == AckDecoder.TEMPLATE_ID)
        {
            final AckDecoder ack = s.ack.wrapAndApplyHeader(buffer, 0, s.header);
            s.answerCode = ack.code().name();
            return Responses.problem(Problem.of(ack.code() == ResultCode.OK ? ResultCode.NULL_VAL : ack.code()),
                "the engine could not decode the command", s.json, alloc);
        }
        s.answerCode = Problem.INTERNAL_ERROR.name();
        return Responses.problem(Problem.INTERNAL_ERROR, "unexpected engine answer " + template, s.json, alloc);
    }

    private static Object checkout(final Exchange exchange, final CheckoutResultDecoder r, final LoopScratch s,
        final ByteBufAllocator alloc) throws IOException
    {
        final ResultCode code = r.code();
        if (code != ResultCode.OK)
        {
            s.answerCode = code.name(); // the engine's result code; the problem's code is the same name
            final Problem problem = Problem.of(code);
            if (r.checkoutId() == 0) // the refusal of the burst after a sell-out: the same body for every shopper
            {
                s.encodedStatus = problem.status();
                return EncodedResponse.problem(alloc, problem, PROBLEM_BODIES[problem.ordinal()], exchange.requestId,
                    exchange.keepAlive);
            }
            final JsonDocument json = s.json;
            final JsonGenerator g = json.start();
            g.writeStartObject();
            problem.fields(g, detail(problem));
            json.id("checkoutId", r.checkoutId());
            g.writeStringField("checkoutStatus", r.state().name());
            g.writeEndObject();
            return Responses.response(problem.status(), Responses.PROBLEM_JSON, json.finish(alloc),
                problem.retryable() ? 1 : 0);
        }
        // The answer of nearly every request: written without a generator (JsonBytes), same bytes.
        final JsonBytes out = s.answer.start();
        out.startObject();
        out.id(CHECKOUT_ID, r.checkoutId());
        out.number(CUSTOMER_ID, r.customerId());
        out.string(STATUS, r.state().name());
        out.time(CREATED_AT, r.createdAtMs());
        if (r.state() == CheckoutState.HELD || r.state() == CheckoutState.EXPIRED)
        {
            out.time(EXPIRES_AT, r.expiresAtMs());
        }
        out.startArray(LINES);
        long total = 0;
        boolean first = true;
        boolean oneCurrency = true;
        for (final CheckoutResultDecoder.LinesDecoder line : r.lines())
        {
            s.sku.setLength(0);
            line.getSku(s.sku);
            s.lineCurrency.setLength(0);
            line.getCurrency(s.lineCurrency);
            out.startObject();
            out.string(SKU, s.sku);
            out.number(QTY, line.quantity());
            out.number(UNIT_PRICE_MINOR, line.unitPriceMinor());
            out.string(CURRENCY, s.lineCurrency);
            out.endObject();
            if (first)
            {
                s.currency.setLength(0);
                s.currency.append(s.lineCurrency);
                first = false;
            }
            oneCurrency &= s.currency.compareTo(s.lineCurrency) == 0;
            // Cannot overflow: EngineConfig bounds a checkout's units by ProtocolLimits.MAX_UNITS_PER_CHECKOUT.
            total = Math.addExact(total, Math.multiplyExact(line.unitPriceMinor(), line.quantity()));
        }
        out.endArray();
        if (!first && oneCurrency && s.currency.length() > 0)
        {
            out.number(TOTAL_MINOR, total);
            out.string(CURRENCY, s.currency);
        }
        out.endObject();
        final boolean created = exchange.route == Route.RESERVE;
        s.encodedStatus = created ? 201 : 200;
        return EncodedResponse.checkout(alloc, created, r.checkoutId(), r.replayed() == BooleanType.TRUE,
            exchange.requestId, exchange.keepAlive, out);
    }

    private FullHttpResponse sku(final Exchange exchange, final SkuResultDecoder r, final LoopScratch s,
        final ByteBufAllocator alloc) throws IOException
    {
        if (r.code() != ResultCode.OK)
        {
            s.answerCode = r.code().name();
            final Problem problem = Problem.of(r.code());
            return Responses.problem(problem, detail(problem), s.json, alloc);
        }
        final JsonDocument json = s.json;
        final JsonGenerator g = json.start();
        g.writeStartObject();
        g.writeStringField("sku", r.sku());
        g.writeNumberField("totalStock", r.totalStock());
        g.writeNumberField("available", r.available());
        g.writeNumberField("held", r.held());
        g.writeNumberField("sold", r.sold());
        g.writeBooleanField("soldOut", r.available() == 0);
        g.writeBooleanField("paused", r.paused() == BooleanType.TRUE);
        g.writeNumberField("perCustomerLimit", r.perCustomerLimit());
        g.writeNumberField("priceMinor", r.priceMinor());
        g.writeStringField("currency", r.currency());
        json.time("startsAt", r.startsAtMs());
        json.time("endsAt", r.endsAtMs());
        g.writeEndObject();
        final ByteBuf body = json.finish(alloc);
        if (exchange.route == Route.AVAILABILITY)
        {
            return caching.cacheable(body, exchange.ifNoneMatch, alloc);
        }
        final FullHttpResponse response = Responses.response(200, Responses.APPLICATION_JSON, body, 0);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return response;
    }

    private static byte[][] problemBodies()
    {
        final JsonDocument json = new JsonDocument();
        final byte[][] bodies = new byte[Problem.values().length][];
        for (final Problem problem : Problem.values())
        {
            final ByteBuf body = json.render(UnpooledByteBufAllocator.DEFAULT, g ->
            {
                g.writeStartObject();
                problem.fields(g, detail(problem));
                g.writeEndObject();
            });
            bodies[problem.ordinal()] = ByteBufUtil.getBytes(body);
            body.release();
        }
        return bodies;
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
}
