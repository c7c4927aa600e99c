package dev.flashsale.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.flashsale.engine.codec.ResultCode;

import java.io.IOException;

/**
 * The refusals a client can get, each an RFC 9457 problem with a stable {@code code}. Codes the
 * engine decides carry the engine's result code name; the rest are the gateway's own.
 * docs/API.md has the table.
 */
public enum Problem
{
    // The engine's result codes.
    INVALID_REQUEST(400, "Invalid request"),
    IDEMPOTENCY_MISMATCH(422, "Idempotency key reused with another request"),
    SKU_NOT_FOUND(404, "SKU not found"),
    CHECKOUT_NOT_FOUND(404, "Checkout not found"),
    SALE_NOT_STARTED(409, "Sale not started"),
    SALE_ENDED(409, "Sale ended"),
    SALE_PAUSED(409, "Sale paused"),
    HOLD_EXPIRED(410, "Hold expired"),
    WRONG_STATE(409, "Checkout is in another state"),
    PAYMENT_CONFLICT(409, "Checkout confirmed with another payment reference"),
    STOCK_BELOW_COMMITTED(409, "Stock below held and sold units"),
    TOO_MANY_HOLDS(422, "Too many live holds for this customer"),
    LIMIT_EXCEEDED(422, "Per-customer limit exceeded"),
    SOLD_OUT(409, "Sold out"),
    INSUFFICIENT_STOCK(409, "Insufficient stock"),
    CAPACITY_EXHAUSTED(503, "Capacity exhausted"),
    TOO_MANY_KEYS(422, "Too many idempotency keys for this customer"),
    // The gateway's own.
    UNAUTHENTICATED(401, "Unauthenticated"),
    FORBIDDEN(403, "Forbidden"),
    NOT_FOUND(404, "Not found"),
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    REQUEST_TIMEOUT(408, "Request timeout"),
    PAYLOAD_TOO_LARGE(413, "Payload too large"),
    URI_TOO_LONG(414, "URI too long"),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
    HEADERS_TOO_LARGE(431, "Request header fields too large"),
    RATE_LIMITED(429, "Too many requests"),
    OVERLOADED(503, "Overloaded"),
    NOT_READY(503, "Not ready"),
    INTERNAL_ERROR(500, "Internal error");

    private static final Problem[] BY_RESULT_CODE = new Problem[ResultCode.values().length];

    static
    {
        for (final ResultCode code : ResultCode.values())
        {
            if (code != ResultCode.OK && code != ResultCode.NULL_VAL)
            {
                BY_RESULT_CODE[code.ordinal()] = valueOf(code.name());
            }
        }
    }

    private final int status;
    private final String title;
    private final String type;

    Problem(final int status, final String title)
    {
        this.status = status;
        this.title = title;
        this.type = "urn:flashsale:problem:" + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public int status()
    {
        return status;
    }

    public String title()
    {
        return title;
    }

    public String type()
    {
        return type;
    }

    /** @return true when the client may retry later: the answer carries Retry-After. */
    public boolean retryable()
    {
        return status == 429 || status == 503;
    }

    /** @return the problem for an engine result code other than OK. */
    public static Problem of(final ResultCode code)
    {
        final Problem problem = code.ordinal() < BY_RESULT_CODE.length ? BY_RESULT_CODE[code.ordinal()] : null;
        return problem == null ? INTERNAL_ERROR : problem;
    }

    /** Writes this problem's RFC 9457 members (and our {@code code}) into the object {@code json} has open. */
    public void fields(final JsonGenerator json, final String detail) throws IOException
    {
        json.writeStringField("type", type);
        json.writeStringField("title", title);
        json.writeNumberField("status", status);
        json.writeStringField("detail", detail);
        json.writeStringField("code", name());
    }
}
