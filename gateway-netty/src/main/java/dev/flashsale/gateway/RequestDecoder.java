package dev.flashsale.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;

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
 */
final class RequestDecoder extends HttpRequestDecoder
{
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
