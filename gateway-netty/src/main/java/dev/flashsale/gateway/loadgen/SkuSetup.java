package dev.flashsale.gateway.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates (or resets) the SKUs of a run before it starts: {@code PUT /v1/admin/skus/{sku}} with the
 * admin key, one at a time on one connection; each must answer 200. The caller's thread waits for
 * each answer (at most {@value #ANSWER_TIMEOUT_SECONDS} s); the event loop only completes it.
 */
final class SkuSetup extends SimpleChannelInboundHandler<FullHttpResponse>
{
    private static final long ANSWER_TIMEOUT_SECONDS = 10;
    private static final AsciiString API_KEY = AsciiString.cached("x-api-key");

    private volatile CompletableFuture<Answer> pending;

    /** A status and body, copied off the event loop's buffer. */
    private record Answer(int status, String body)
    {
    }

    /**
     * Caller's thread: creates every SKU of the plan on a connected channel whose pipeline ends with this.
     *
     * @throws IllegalStateException naming the SKU and the answer, if one is not 200 or does not come.
     */
    void createSkus(final Channel channel, final LoadPlan plan, final LoadOptions options)
    {
        final String json = "{\"totalStock\":" + options.stockPerSku() + ",\"perCustomerLimit\":" +
            options.perCustomerLimit() + ",\"priceMinor\":1999,\"currency\":\"EUR\"}";
        final AsciiString adminKey = AsciiString.of(options.adminKey());
        for (final String sku : plan.skus)
        {
            final String uri = "/v1/admin/skus/" + sku;
            final ByteBuf body = ByteBufUtil.writeAscii(channel.alloc(), json);
            final FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, uri, body);
            request.headers()
                .set(HttpHeaderNames.HOST, plan.hostHeader)
                .set(API_KEY, adminKey)
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
            final CompletableFuture<Answer> answer = new CompletableFuture<>();
            pending = answer;
            channel.writeAndFlush(request, channel.voidPromise());
            final Answer got = await(answer, uri);
            if (got.status() != 200)
            {
                throw new IllegalStateException("setup: PUT " + uri + " answered " + got.status() + ": " + got.body());
            }
        }
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpResponse response)
    {
        final ByteBuf content = response.content();
        final int length = Math.min(content.readableBytes(), 500);
        pending.complete(new Answer(response.status().code(),
            content.toString(content.readerIndex(), length, StandardCharsets.UTF_8)));
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        failPending(new ClosedChannelException());
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        failPending(cause);
        ctx.close();
    }

    private void failPending(final Throwable cause)
    {
        final CompletableFuture<Answer> answer = pending;
        if (answer != null)
        {
            answer.completeExceptionally(cause);
        }
    }

    private static Answer await(final CompletableFuture<Answer> answer, final String uri)
    {
        try
        {
            return answer.get(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        catch (final ExecutionException ex)
        {
            throw new IllegalStateException("setup: PUT " + uri + " failed: " + ex.getCause(), ex.getCause());
        }
        catch (final TimeoutException ex)
        {
            throw new IllegalStateException("setup: PUT " + uri + " got no answer within " + ANSWER_TIMEOUT_SECONDS + " s", ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("setup: interrupted waiting for PUT " + uri, ex);
        }
    }
}
