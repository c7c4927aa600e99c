package dev.flashsale.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpVersion;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Decoding one storefront reserve (the request {@code flashsale loadgen} sends: 6 headers, a signed
 * customer token, a 71-byte JSON body; 363 bytes in all) from a pooled direct buffer, as an event
 * loop reads it, into the request the dispatcher takes: by the gateway's {@link RequestDecoder}
 * followed by the aggregator, as a connection's pipeline has them ({@code gateway}), against
 * Netty's decoder and aggregator alone with the same limits ({@code netty}). Both on an
 * {@code EmbeddedChannel}, whose own cost, with the buffer's, is {@code none}: a handler that drops the
 * bytes and passes on one request made at start. In this package for the package-private decoder.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled") // as flashsale run starts a node
public class RequestDecodingBenchmark
{
    private static final String BODY = "{\"customerId\":123456,\"lines\":[{\"sku\":\"HOT-1\",\"qty\":1}],\"holdSeconds\":5}";
    private static final String RESERVE = "POST /v1/checkouts HTTP/1.1\r\n" +
        "host: 127.0.0.1:8080\r\n" +
        "content-length: " + BODY.length() + "\r\n" +
        "content-type: application/json\r\n" +
        "idempotency-key: k0-17-1048576\r\n" +
        "x-api-key: sf_Xq3vN8pR2sT5wY7zA1cE4gH6jK9mB0dF2hL5nP8rS1u\r\n" +
        "x-customer-token: 123456.1767225600.3q2-7wAAAAB9Xq3vN8pR2sT5wY7zA1cE4gH6jK9mB0dF2hL5nP8rS1uW3x\r\n\r\n" + BODY;

    @Param({"gateway", "netty", "none"})
    public String decoder;

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private final byte[] request = RESERVE.getBytes(StandardCharsets.US_ASCII);
    private EmbeddedChannel channel;

    @Setup
    public void setUp()
    {
        final GatewayConfig config = new GatewayConfig();
        channel = switch (decoder)
        {
            case "gateway" -> new EmbeddedChannel(new RequestDecoder(config),
                new HttpObjectAggregator(config.maxBodyBytes(), true));
            case "netty" -> new EmbeddedChannel(new HttpRequestDecoder(new HttpDecoderConfig()
                .setMaxInitialLineLength(config.maxInitialLineBytes()).setMaxHeaderSize(config.maxHeaderBytes())
                .setMaxChunkSize(8192)), new HttpObjectAggregator(config.maxBodyBytes(), true));
            case "none" -> new EmbeddedChannel(new ChannelInboundHandlerAdapter()
            {
                private final FullHttpRequest decoded = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                    "/v1/checkouts");

                @Override
                public void channelRead(final ChannelHandlerContext ctx, final Object msg)
                {
                    ((ByteBuf)msg).release();
                    ctx.fireChannelRead(decoded.retain());
                }
            });
            default -> throw new IllegalArgumentException(decoder);
        };
    }

    @Benchmark
    public int decodeOneReserve()
    {
        final ByteBuf read = alloc.directBuffer(request.length).writeBytes(request);
        channel.writeInbound(read);
        final FullHttpRequest decoded = channel.readInbound();
        final int checked = decoded.uri().length() + decoded.headers().size() + decoded.content().readableBytes();
        decoded.release();
        return checked;
    }

    @TearDown
    public void tearDown()
    {
        channel.finishAndReleaseAll();
    }
}
