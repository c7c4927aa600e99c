package dev.flashsale.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.flashsale.gateway.http.JsonDocument;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Builds HTTP responses: a status, a content type and a body; refusals as RFC 9457 problems. */
final class Responses
{
    static final AsciiString APPLICATION_JSON = AsciiString.cached("application/json");
    static final AsciiString PROBLEM_JSON = AsciiString.cached("application/problem+json");
    private static final AsciiString[] CONTENT_LENGTHS = new AsciiString[4096];
    private static final DefaultHttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory();

    private Responses()
    {
    }

    /** A problem response with {@code Retry-After: 1} when it is retryable. */
    static FullHttpResponse problem(final Problem problem, final String detail, final JsonDocument json,
        final ByteBufAllocator alloc)
    {
        final JsonGenerator g = json.start();
        try
        {
            g.writeStartObject();
            problem.fields(g, detail);
            g.writeEndObject();
        }
        catch (final IOException ex) // the generator writes to memory: never, but Jackson declares it
        {
            throw new UncheckedIOException(ex);
        }
        return response(problem.status(), PROBLEM_JSON, json.finish(alloc), problem.retryable() ? 1 : 0);
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

    /** @return the header value of a body's length: shared for the lengths of most answers, not a new String per answer. */
    static CharSequence contentLength(final int length)
    {
        if (length >= CONTENT_LENGTHS.length)
        {
            return Integer.toString(length);
        }
        AsciiString value = CONTENT_LENGTHS[length];
        if (value == null) // a race only makes the same value twice
        {
            value = AsciiString.cached(Integer.toString(length));
            CONTENT_LENGTHS[length] = value;
        }
        return value;
    }

    static FullHttpResponse response(final int status, final CharSequence contentType, final ByteBuf body, final long retryAfter)
    {
        // No trailers: an answer has a Content-Length, so the encoder never writes any; not a header table per answer for none.
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), body,
            HEADERS.newHeaders(), EmptyHttpHeaders.INSTANCE);
        final HttpHeaders headers = response.headers();
        if (contentType != null)
        {
            headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        headers.set(HttpHeaderNames.CONTENT_LENGTH, contentLength(body.readableBytes()));
        if (retryAfter > 0)
        {
            headers.set(HttpHeaderNames.RETRY_AFTER, Long.toString(retryAfter));
        }
        return response;
    }
}
