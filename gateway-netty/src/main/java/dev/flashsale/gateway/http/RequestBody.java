package dev.flashsale.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;

/** The JSON body of a request, copied into an event loop's array for the readers of this package. */
public final class RequestBody
{
    private RequestBody()
    {
    }

    /**
     * Copies the body of {@code request} into {@code into}.
     *
     * @return its length (0 for none).
     * @throws UnsupportedMediaType if there is a body and it is not {@code application/json}.
     * @throws BadRequest if it does not fit.
     */
    public static int copy(final FullHttpRequest request, final byte[] into)
    {
        final ByteBuf content = request.content();
        final String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (content.isReadable() && (type == null || !isJson(type)))
        {
            throw new UnsupportedMediaType("the body must be application/json");
        }
        final int length = content.readableBytes();
        if (length > into.length)
        {
            throw new BadRequest("the body exceeds " + into.length + " bytes");
        }
        content.getBytes(content.readerIndex(), into, 0, length);
        return length;
    }

    private static boolean isJson(final String contentType)
    {
        final int semicolon = contentType.indexOf(';');
        final String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        return media.equalsIgnoreCase("application/json");
    }
}
