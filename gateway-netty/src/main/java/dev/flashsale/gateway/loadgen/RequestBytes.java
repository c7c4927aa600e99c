package dev.flashsale.gateway.loadgen;

import dev.flashsale.gateway.http.AsciiDecimal;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

import java.nio.charset.StandardCharsets;

/**
 * Encodes the load generator's HTTP/1.1 requests straight into a buffer: the parts every request of
 * a run shares (request line ends, host, API key) encoded once, the rest (token, idempotency key,
 * body, its length) written per request. Netty's request objects and encoder did the same work
 * through a header map per request; the load generator runs on the cores of the server it measures,
 * and every microsecond it spends is one the server does not get (docs/BENCHMARKS.md, "The load
 * generator's own heap"). The bytes are the same requests: header names in lower case, as HTTP/1.1
 * allows and as Netty's constants wrote them.
 */
final class RequestBytes
{
    private static final byte[] CRLF = ascii("\r\n");
    private static final byte[] POST = ascii("POST ");
    private static final byte[] CUSTOMER_TOKEN = ascii("x-customer-token: ");
    private static final byte[] IDEMPOTENCY_KEY = ascii("idempotency-key: ");
    private static final byte[] JSON = ascii("content-type: application/json\r\n");
    private static final byte[] CONTENT_LENGTH = ascii("content-length: ");
    private static final byte[] CHECKOUTS = ascii("/v1/checkouts");
    private static final byte[] CONFIRM = ascii("/confirm");
    private static final byte[] CANCEL = ascii("/cancel");

    private final byte[] hello;
    /** From the end of a POST's request line to the last header every POST shares. */
    private final byte[] postHeaders;

    /**
     * @param host      the Host header's value.
     * @param helloPath the hello scenario's path.
     * @param apiKey    the storefront API key, or null (the hello world's load: none sent).
     */
    RequestBytes(final CharSequence host, final String helloPath, final CharSequence apiKey)
    {
        final String key = apiKey == null ? "" : "x-api-key: " + apiKey + "\r\n";
        hello = ascii("GET " + helloPath + " HTTP/1.1\r\nhost: " + host + "\r\n" + key + "\r\n");
        postHeaders = ascii(" HTTP/1.1\r\nhost: " + host + "\r\n" + key);
    }

    /** @return {@code GET <helloPath>}, with the API key if there is one. */
    ByteBuf hello(final ByteBufAllocator alloc)
    {
        return alloc.buffer(hello.length).writeBytes(hello);
    }

    /** @return {@code POST /v1/checkouts} of {@code json}, as {@code customerToken}'s, under {@code idempotencyKey}. */
    ByteBuf reserve(final ByteBufAllocator alloc, final CharSequence customerToken, final CharSequence idempotencyKey,
        final CharSequence json)
    {
        final ByteBuf out = alloc.buffer(postHeaders.length + 256 + json.length());
        out.writeBytes(POST).writeBytes(CHECKOUTS);
        headers(out, customerToken);
        out.writeBytes(IDEMPOTENCY_KEY);
        ByteBufUtil.writeAscii(out, idempotencyKey);
        out.writeBytes(CRLF);
        return body(out, json);
    }

    /** @return {@code POST /v1/checkouts/<checkoutId>/confirm} of {@code json}. */
    ByteBuf confirm(final ByteBufAllocator alloc, final long checkoutId, final CharSequence customerToken,
        final CharSequence json)
    {
        return body(checkout(alloc, checkoutId, CONFIRM, customerToken), json);
    }

    /** @return {@code POST /v1/checkouts/<checkoutId>/cancel}, no body. */
    ByteBuf cancel(final ByteBufAllocator alloc, final long checkoutId, final CharSequence customerToken)
    {
        return body(checkout(alloc, checkoutId, CANCEL, customerToken), "");
    }

    private ByteBuf checkout(final ByteBufAllocator alloc, final long checkoutId, final byte[] action,
        final CharSequence customerToken)
    {
        final ByteBuf out = alloc.buffer(postHeaders.length + 256);
        out.writeBytes(POST).writeBytes(CHECKOUTS).writeByte('/');
        AsciiDecimal.write(out, checkoutId);
        out.writeBytes(action);
        headers(out, customerToken);
        return out;
    }

    private void headers(final ByteBuf out, final CharSequence customerToken)
    {
        out.writeBytes(postHeaders).writeBytes(CUSTOMER_TOKEN);
        ByteBufUtil.writeAscii(out, customerToken);
        out.writeBytes(CRLF);
    }

    /** Ends the headers with the body's type (if any) and length, then the body. */
    private static ByteBuf body(final ByteBuf out, final CharSequence json)
    {
        if (json.length() > 0)
        {
            out.writeBytes(JSON);
        }
        out.writeBytes(CONTENT_LENGTH);
        AsciiDecimal.write(out, json.length());
        out.writeBytes(CRLF).writeBytes(CRLF);
        ByteBufUtil.writeAscii(out, json);
        return out;
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
