package dev.flashsale.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;

/**
 * The one cache scheme of the public read answers (availability, products, search): a strong
 * ETag that is a 64-bit FNV-1a hash of the body's bytes, so equal bodies have equal tags whatever
 * produced them, and {@code Cache-Control: public, max-age=gateway.availability-max-age-seconds}.
 * A request whose {@code If-None-Match} names the tag gets a 304 without the body.
 */
final class HttpCaching
{
    private final String cacheControl;

    HttpCaching(final long maxAgeSeconds)
    {
        this.cacheControl = "public, max-age=" + maxAgeSeconds;
    }

    /** A 200 of the JSON {@code body} with its tag, or a 304 (the body released) when {@code ifNoneMatch} names it. */
    FullHttpResponse cacheable(final ByteBuf body, final String ifNoneMatch, final ByteBufAllocator alloc)
    {
        final String etag = etag(body);
        if (ifNoneMatch != null && matches(ifNoneMatch, etag))
        {
            body.release();
            final FullHttpResponse notModified = Responses.response(304, null, alloc.buffer(0), 0);
            // a 304 has no body, and must not claim a length
            notModified.headers().remove(HttpHeaderNames.CONTENT_LENGTH).set(HttpHeaderNames.ETAG, etag)
                .set(HttpHeaderNames.CACHE_CONTROL, cacheControl);
            return notModified;
        }
        final FullHttpResponse response = Responses.response(200, Responses.APPLICATION_JSON, body, 0);
        response.headers().set(HttpHeaderNames.ETAG, etag).set(HttpHeaderNames.CACHE_CONTROL, cacheControl);
        return response;
    }

    /** @return the quoted strong ETag of the readable bytes of {@code body}. */
    static String etag(final ByteBuf body)
    {
        long h = 0xCBF29CE484222325L;
        for (int i = body.readerIndex(), end = body.writerIndex(); i < end; i++)
        {
            h = (h ^ (body.getByte(i) & 0xFF)) * 0x100000001B3L;
        }
        return "\"" + Long.toHexString(h) + "\"";
    }

    /** @return true if {@code ifNoneMatch} is {@code *} or lists {@code etag} (a weak {@code W/} form matches too). */
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
}
