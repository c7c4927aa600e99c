package dev.flashsale.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;

import java.util.Arrays;
import java.util.List;

/**
 * Netty's HTTP/1.1 request decoder, which also says whether it holds part of a request: bytes
 * read into a request line or headers it has not finished, or a body not yet whole. A request
 * that arrives behind a complete one in the same read is therefore timed like any other
 * ({@code gateway.request-timeout-ms}) instead of escaping until the idle timeout.
 *
 * <p>The decoder returns after each message it completes, so a call that ends with the last
 * content of a message leaves nothing partial; a call that consumed bytes or emitted a part of a
 * message without its end leaves a request in progress; and bytes it could not decode yet (a
 * request line without its end) wait in its buffer.
 *
 * <p>The names of the headers a storefront sends on every request (the API key, the customer token,
 * the idempotency key, the content's type and length, ...) are shared constants, in any letter case,
 * not a new name each per request (Netty shares five, only as {@code Host}, {@code Content-Type} ...
 * are spelled); any other name is Netty's as before.
 */
final class RequestDecoder extends HttpRequestDecoder
{
    /** Lower case; matched ignoring ASCII case. */
    private static final AsciiString[] SHARED_NAMES = {
        HttpHeaderNames.HOST, HttpHeaderNames.CONTENT_TYPE, HttpHeaderNames.CONTENT_LENGTH, Admission.API_KEY,
        Admission.CUSTOMER_TOKEN, EngineRoutes.IDEMPOTENCY_KEY, HttpHeaderNames.CONNECTION, HttpHeaderNames.ACCEPT,
        HttpHeaderNames.USER_AGENT, HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderNames.IF_NONE_MATCH,
        RequestIds.HEADER,
    };

    /** {@link #SHARED_NAMES} by length: a header name is compared with the few of its length only. */
    private static final AsciiString[][] SHARED_BY_LENGTH = byLength(SHARED_NAMES);

    private boolean midRequest;
    private int completed;

    RequestDecoder(final GatewayConfig config)
    {
        super(new HttpDecoderConfig().setMaxInitialLineLength(config.maxInitialLineBytes())
            .setMaxHeaderSize(config.maxHeaderBytes()).setMaxChunkSize(8192));
    }

    @Override
    protected void decode(final ChannelHandlerContext ctx, final ByteBuf buffer, final List<Object> out) throws Exception
    {
        final int readerIndex = buffer.readerIndex();
        final int emitted = out.size();
        super.decode(ctx, buffer, out);
        if (out.size() > emitted && out.get(out.size() - 1) instanceof LastHttpContent)
        {
            midRequest = false;
            completed++;
        }
        else if (out.size() > emitted || buffer.readerIndex() != readerIndex)
        {
            midRequest = true; // headers or body read in part
        }
    }

    @Override
    protected AsciiString splitHeaderName(final byte[] line, final int start, final int length)
    {
        if (length < SHARED_BY_LENGTH.length)
        {
            for (final AsciiString name : SHARED_BY_LENGTH[length])
            {
                if (sameIgnoringCase(name, line, start))
                {
                    return name;
                }
            }
        }
        return super.splitHeaderName(line, start, length);
    }

    private static AsciiString[][] byLength(final AsciiString[] names)
    {
        int longest = 0;
        for (final AsciiString name : names)
        {
            longest = Math.max(longest, name.length());
        }
        final AsciiString[][] byLength = new AsciiString[longest + 1][];
        for (int length = 0; length <= longest; length++)
        {
            final int wanted = length;
            byLength[length] = Arrays.stream(names).filter(name -> name.length() == wanted).toArray(AsciiString[]::new);
        }
        return byLength;
    }

    /** @param name lower case ASCII */
    private static boolean sameIgnoringCase(final AsciiString name, final byte[] line, final int start)
    {
        for (int i = 0; i < name.length(); i++)
        {
            final int c = line[start + i];
            if ((c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c) != name.byteAt(i))
            {
                return false;
            }
        }
        return true;
    }

    /** @return true if the bytes read so far end inside a request: in its parts, or in bytes not yet decoded. */
    boolean partial()
    {
        return midRequest || actualReadableBytes() > 0;
    }

    /** @return the requests completed so far; the caller compares it across a read. */
    int completed()
    {
        return completed;
    }
}
