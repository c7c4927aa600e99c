package dev.flashsale.gateway;

import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessageDecoderResult;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decoder reads a plain, whole request itself and leaves every other to Netty's decoder: either
 * way the application sees what Netty's decoder and aggregator alone would give it, whatever the
 * bytes and however they arrive.
 */
class RequestDecoderTest
{
    private static final String RESERVE = "POST /v1/checkouts HTTP/1.1\r\nHost: shop\r\nX-Api-Key: k\r\n" +
        "X-Customer-Token: t\r\nIdempotency-Key: i-1\r\nContent-Type: application/json\r\nContent-Length: 36\r\n\r\n" +
        "{\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}";

    /** Requests the fast path reads, and requests it must leave to Netty (each case says which). */
    private static final String[][] CASES = {
        {"fast", RESERVE},
        {"fast", "GET /v1/checkouts/42 HTTP/1.1\r\nHost: shop\r\nX-Api-Key: k\r\n\r\n"},
        {"fast", "GET /health/live HTTP/1.0\r\n\r\n"},
        {"fast", "DELETE /v1/admin/products/p1?x=1&y=%20 HTTP/1.1\r\nX-Api-Key:k\r\nX-Empty:\r\nX-Blank:   \r\n\r\n"},
        {"fast", "PUT /v1/me/profile HTTP/1.1\r\nContent-Length: 2\r\nX-Spaced: \t a  b \t\r\nConnection: close\r\n\r\n{}"},
        {"fast", "HEAD /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n"},
        {"fast", "OPTIONS * HTTP/1.1\r\nAccept: */*\r\nUser-Agent: curl/8.0 (x86_64)\r\n\r\n"},
        {"fast", "PATCH /x HTTP/1.1\r\nX-Token-Chars!#$%&'*+-.^_`|~: v\r\n\r\n"},
        {"netty", "POST /v1/checkouts HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{}x\r\n0\r\n\r\n"},
        {"netty", "POST /v1/checkouts HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}"},
        {"netty", "POST /v1/checkouts HTTP/1.1\r\nExpect: something-else\r\nContent-Length: 2\r\n\r\n{}"},
        {"netty", "POST /v1/checkouts HTTP/1.1\nHost: shop\n\n"},
        {"netty", "GET / HTTP/1.1\r\nHost: shop\nX-A: b\r\n\r\n"},
        {"netty", "\r\nGET / HTTP/1.1\r\nHost: shop\r\n\r\n"},
        {"netty", "GET / HTTP/1.1\r\nX-Folded: a\r\n  b\r\n\r\n"},
        {"netty", "GET / HTTP/1.1\r\nX-Space : a\r\n\r\n"},
        {"netty", "GET / HTTP/1.1\r\nX-Ctl: a\u0001b\r\n\r\n"},
        {"netty", "GET / HTTP/1.1\r\nX-Cr: a\rb\r\n\r\n"},
        {"netty", "GET / HTTP/1.1\r\nX-Latin: caf\u00e9\r\n\r\n"},
        {"netty", "GET /caf\u00e9 HTTP/1.1\r\n\r\n"},
        {"netty", "get / HTTP/1.1\r\n\r\n"},
        {"netty", "CONNECT shop:443 HTTP/1.1\r\n\r\n"},
        {"netty", "BREW /pot HTTP/1.1\r\n\r\n"},
        {"netty", "GET / HTTP/2.0\r\n\r\n"},
        {"netty", "GET / HTTP/1.1 \r\n\r\n"},
        {"netty", "GET  / HTTP/1.1\r\n\r\n"},
        {"netty", "GET /\tx HTTP/1.1\r\n\r\n"},
        {"netty", "GET / HTTP/1.1\r\n: no-name\r\n\r\n"},
        {"netty", "GET / HTTP/1.1\r\nNoColon\r\n\r\n"},
        {"netty", "POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}"},
        {"netty", "POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}x"},
        {"netty", "POST / HTTP/1.1\r\nContent-Length: +2\r\n\r\n{}"},
        {"netty", "POST / HTTP/1.1\r\nContent-Length: 02\r\n\r\n{}"},
        {"netty", "POST / HTTP/1.1\r\nContent-Length: 2x\r\n\r\n{}"},
        {"netty", "POST / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n{}"},
        {"netty", "POST / HTTP/1.1\r\nContent-Length: 20000\r\n\r\n{}"},
        {"netty", "GET /" + "a".repeat(5000) + " HTTP/1.1\r\n\r\n"},
        {"netty", "GET /" + "a".repeat(4086) + " HTTP/1.1\r\n\r\n"},
        {"netty", "GET / HTTP/1.1\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n"},
        {"netty", "GET / HTTP/1.1\r\nX-Big: " + "b".repeat(8180) + "\r\n\r\n"},
        {"netty", "GET\r\n\r\n"},
    };

    @Test
    void everyCaseDecodesAsNettysDecoderAndAggregatorAloneDecodeIt()
    {
        for (final String[] example : CASES)
        {
            final byte[] bytes = example[1].getBytes(StandardCharsets.ISO_8859_1);
            assertThat(decode(ours(), List.of(bytes))).as(example[1]).isEqualTo(decode(netty(), List.of(bytes)));
        }
    }

    @Test
    void aPlainWholeRequestIsReadByTheFastPathAndTheOthersByNetty()
    {
        for (final String[] example : CASES)
        {
            final EmbeddedChannel channel = new EmbeddedChannel(new RequestDecoder(new GatewayConfig()),
                new HttpObjectAggregator(new GatewayConfig().maxBodyBytes(), true));
            channel.writeInbound(Unpooled.copiedBuffer(example[1], StandardCharsets.ISO_8859_1));
            final FullHttpRequest decoded = channel.readInbound();
            if (example[0].equals("fast"))
            {
                // Netty's decoder records the sizes it read in the result; the aggregator's body is a composite.
                assertThat(decoded.decoderResult()).as(example[1]).isNotInstanceOf(HttpMessageDecoderResult.class);
                assertThat(decoded.content()).isNotInstanceOf(CompositeByteBuf.class);
            }
            else if (decoded != null)
            {
                assertThat(decoded.decoderResult() instanceof HttpMessageDecoderResult || decoded.decoderResult().isFailure())
                    .as(example[1]).isTrue();
            }
            ReferenceCountUtil.release(decoded);
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void aRequestSplitAnywhereDecodesTheSame()
    {
        for (final String[] example : CASES)
        {
            final byte[] bytes = example[1].getBytes(StandardCharsets.ISO_8859_1);
            final List<String> expected = decode(netty(), List.of(bytes));
            final int step = Math.max(1, bytes.length / 200);
            for (int split = 1; split < bytes.length; split += step)
            {
                final List<byte[]> parts = List.of(slice(bytes, 0, split), slice(bytes, split, bytes.length));
                assertThat(decode(ours(), parts)).as(example[1] + " split at " + split).isEqualTo(expected);
            }
        }
    }

    @Test
    void pipelinedRequestsOfBothKindsInRandomReadsDecodeInOrderAsNettyDecodesThem()
    {
        final List<String> valid = new ArrayList<>(); // a request Netty refuses ends its connection: none in the stream
        for (final String[] example : CASES)
        {
            final List<String> alone = decode(netty(), List.of(example[1].getBytes(StandardCharsets.ISO_8859_1)));
            if (alone.size() == 1 && alone.get(0).contains(" ok\n"))
            {
                valid.add(example[1]);
            }
        }
        assertThat(valid).hasSizeGreaterThan(12);
        final Random random = new Random(7);
        for (int round = 0; round < 300; round++)
        {
            final StringBuilder stream = new StringBuilder();
            for (int n = 1 + random.nextInt(6); n > 0; n--)
            {
                stream.append(valid.get(random.nextInt(valid.size())));
            }
            final byte[] bytes = stream.toString().getBytes(StandardCharsets.ISO_8859_1);
            final List<byte[]> reads = new ArrayList<>();
            for (int at = 0; at < bytes.length; )
            {
                final int next = Math.min(bytes.length, at + 1 + random.nextInt(400));
                reads.add(slice(bytes, at, next));
                at = next;
            }
            assertThat(decode(ours(), reads)).as(stream.toString()).isEqualTo(decode(netty(), List.of(bytes)));
        }
    }

    @Test
    void theDecoderSaysWhetherItHoldsPartOfARequest()
    {
        final RequestDecoder decoder = new RequestDecoder(new GatewayConfig());
        final EmbeddedChannel channel = new EmbeddedChannel(decoder,
            new HttpObjectAggregator(new GatewayConfig().maxBodyBytes(), true));
        final String twoAndAHalf = RESERVE + RESERVE + RESERVE.substring(0, 60);
        channel.writeInbound(Unpooled.copiedBuffer(twoAndAHalf, StandardCharsets.US_ASCII));
        assertThat(decoder.completed()).isEqualTo(2);
        assertThat(decoder.partial()).isTrue();
        channel.writeInbound(Unpooled.copiedBuffer(RESERVE.substring(60, 170), StandardCharsets.US_ASCII));
        assertThat(decoder.completed()).isEqualTo(2); // the head whole, the body not
        assertThat(decoder.partial()).isTrue();
        channel.writeInbound(Unpooled.copiedBuffer(RESERVE.substring(170), StandardCharsets.US_ASCII));
        assertThat(decoder.completed()).isEqualTo(3);
        assertThat(decoder.partial()).isFalse();
        channel.writeInbound(Unpooled.copiedBuffer(RESERVE, StandardCharsets.US_ASCII));
        assertThat(decoder.completed()).isEqualTo(4);
        assertThat(decoder.partial()).isFalse();
        for (Object request = channel.readInbound(); request != null; request = channel.readInbound())
        {
            ReferenceCountUtil.release(request);
        }
        channel.finishAndReleaseAll();
    }

    @Test
    void aRequestInTwoOrThreeReadsIsStillReadByTheFastPathAndInMoreByNetty()
    {
        final byte[] bytes = RESERVE.getBytes(StandardCharsets.US_ASCII);
        final int bodyAt = RESERVE.indexOf('{');
        final List<List<byte[]>> fast = List.of(
            List.of(slice(bytes, 0, bodyAt), slice(bytes, bodyAt, bytes.length)),
            List.of(slice(bytes, 0, 20), slice(bytes, 20, bodyAt + 3), slice(bytes, bodyAt + 3, bytes.length)));
        final List<byte[]> trickled = new ArrayList<>();
        for (int at = 0; at < bytes.length; at += 40)
        {
            trickled.add(slice(bytes, at, Math.min(bytes.length, at + 40)));
        }
        for (final List<byte[]> reads : List.of(fast.get(0), fast.get(1), trickled))
        {
            final EmbeddedChannel channel = new EmbeddedChannel(ours());
            for (final byte[] read : reads)
            {
                channel.writeInbound(Unpooled.wrappedBuffer(read));
            }
            final FullHttpRequest decoded = channel.readInbound();
            assertThat(decoded.decoderResult() instanceof HttpMessageDecoderResult).as(reads.size() + " reads")
                .isEqualTo(reads.size() > 3);
            assertThat(decoded.headers().get(EngineRoutes.IDEMPOTENCY_KEY)).isEqualTo("i-1");
            assertThat(decoded.content().toString(StandardCharsets.US_ASCII)).isEqualTo(RESERVE.substring(bodyAt));
            decoded.release();
            assertThat(channel.finish()).isFalse();
        }
    }

    @Test
    void aHeadPastTheLimitsWithoutItsEndIsRefusedAtOnceNotWaitedFor()
    {
        final RequestDecoder decoder = new RequestDecoder(new GatewayConfig());
        final EmbeddedChannel channel = new EmbeddedChannel(decoder,
            new HttpObjectAggregator(new GatewayConfig().maxBodyBytes(), true));
        channel.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nX-Big: " + "b".repeat(13_000),
            StandardCharsets.US_ASCII));
        final FullHttpRequest refused = channel.readInbound();
        assertThat(refused.decoderResult().cause()).isInstanceOf(TooLongHttpHeaderException.class);
        refused.release();
        channel.finishAndReleaseAll();
    }

    @Test
    void theFastPathKeepsTheRequestAsSentAndItsBodyIsASliceOfTheBytesRead()
    {
        final EmbeddedChannel channel = new EmbeddedChannel(new RequestDecoder(new GatewayConfig()));
        channel.writeInbound(Unpooled.copiedBuffer(RESERVE, StandardCharsets.US_ASCII));
        final FullHttpRequest request = channel.readInbound();
        assertThat(request.method()).isSameAs(HttpMethod.POST);
        assertThat(request.protocolVersion()).isSameAs(HttpVersion.HTTP_1_1);
        assertThat(request.uri()).isEqualTo("/v1/checkouts");
        assertThat(request.headers().get(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo("36");
        assertThat(request.headers().get("idempotency-key")).isEqualTo("i-1");
        assertThat(request.content().toString(StandardCharsets.US_ASCII)).isEqualTo(RESERVE.substring(RESERVE.indexOf('{')));
        assertThat(request.decoderResult().isSuccess()).isTrue();
        assertThat(request.release()).isTrue();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aConnectionsRepeatedTargetAndValuesOfSharedNamesAreOneStringEachAndAChangedOneIsReadAsSent()
    {
        final EmbeddedChannel channel = new EmbeddedChannel(new RequestDecoder(new GatewayConfig()));
        channel.writeInbound(Unpooled.copiedBuffer(RESERVE + RESERVE.replace("i-1", "i-2") +
            RESERVE.replace("X-Api-Key: k", "X-Api-Key: k2"), StandardCharsets.US_ASCII));
        final FullHttpRequest first = channel.readInbound();
        final FullHttpRequest second = channel.readInbound();
        final FullHttpRequest third = channel.readInbound();
        assertThat(second.uri()).isSameAs(first.uri());
        assertThat(second.headers().get(Admission.API_KEY)).isSameAs(first.headers().get(Admission.API_KEY));
        assertThat(second.headers().get(HttpHeaderNames.HOST)).isSameAs(first.headers().get(HttpHeaderNames.HOST));
        assertThat(second.headers().get(EngineRoutes.IDEMPOTENCY_KEY)).isEqualTo("i-2");
        assertThat(third.headers().get(Admission.API_KEY)).isEqualTo("k2");
        assertThat(third.headers().get(HttpHeaderNames.HOST)).isSameAs(first.headers().get(HttpHeaderNames.HOST));
        first.release();
        second.release();
        third.release();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void theNamesAStorefrontSendsAreTheSharedConstantsInAnyCaseAndOthersAreReadAsSent()
    {
        final String request = "POST /v1/checkouts HTTP/1.1\r\nHOST: shop\r\nX-Api-Key: k\r\nx-customer-TOKEN: t\r\n" +
            "Idempotency-Key: i\r\nContent-Type: application/json\r\nAccept-Encoding: gzip\r\nUser-Agent: u\r\n" +
            "Connection: keep-alive\r\nX-Request-Id: r\r\nIf-None-Match: e\r\nX-Other: o\r\nHosts: h\r\nContent-Length: 2\r\n\r\n{}";
        // The fast path, and Netty's decoder (a chunked body sends the same head there).
        for (final String sent : List.of(request, request.replace("Content-Length: 2\r\n\r\n{}",
            "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")))
        {
            final EmbeddedChannel channel = new EmbeddedChannel(new RequestDecoder(new GatewayConfig()),
                new HttpObjectAggregator(new GatewayConfig().maxBodyBytes(), true));
            assertThat(channel.writeInbound(Unpooled.copiedBuffer(sent, StandardCharsets.US_ASCII))).isTrue();
            final HttpRequest decoded = channel.readInbound();
            final List<CharSequence> names = new ArrayList<>();
            final Iterator<Map.Entry<CharSequence, CharSequence>> headers = decoded.headers().iteratorCharSequence();
            while (headers.hasNext())
            {
                names.add(headers.next().getKey());
            }
            assertThat(names.get(0)).isSameAs(HttpHeaderNames.HOST);
            assertThat(names.get(1)).isSameAs(Admission.API_KEY);
            assertThat(names.get(2)).isSameAs(Admission.CUSTOMER_TOKEN);
            assertThat(names.get(3)).isSameAs(EngineRoutes.IDEMPOTENCY_KEY);
            assertThat(names.get(4)).isSameAs(HttpHeaderNames.CONTENT_TYPE);
            assertThat(names.get(5)).isSameAs(HttpHeaderNames.ACCEPT_ENCODING);
            assertThat(names.get(6)).isSameAs(HttpHeaderNames.USER_AGENT);
            assertThat(names.get(7)).isSameAs(HttpHeaderNames.CONNECTION);
            assertThat(names.get(8)).isSameAs(RequestIds.HEADER);
            assertThat(names.get(9)).isSameAs(HttpHeaderNames.IF_NONE_MATCH);
            assertThat(names.get(10).toString()).isEqualTo("X-Other");
            assertThat(names.get(11).toString()).isEqualTo("Hosts");
            assertThat(names).contains(HttpHeaderNames.CONTENT_LENGTH);
            assertThat(decoded.headers().get("x-api-key")).isEqualTo("k");
            ReferenceCountUtil.release(decoded);
            channel.finishAndReleaseAll();
        }
    }

    private static ChannelHandler[] ours()
    {
        final GatewayConfig config = new GatewayConfig();
        return new ChannelHandler[] {new RequestDecoder(config), new HttpObjectAggregator(config.maxBodyBytes(), true)};
    }

    /** Netty's decoder and aggregator alone, with the gateway's limits. */
    private static ChannelHandler[] netty()
    {
        final GatewayConfig config = new GatewayConfig();
        return new ChannelHandler[] {
            new HttpRequestDecoder(new HttpDecoderConfig().setMaxInitialLineLength(config.maxInitialLineBytes())
                .setMaxHeaderSize(config.maxHeaderBytes()).setMaxChunkSize(8192)),
            new HttpObjectAggregator(config.maxBodyBytes(), true)};
    }

    /**
     * @return each request the handlers pass on (method, target, version, decoding result, headers with
     *     names in lower case, Content-Length left out as the aggregator adds one where none was sent, and the
     *     body), then what they wrote back (the aggregator's 100 Continue, 413 or 417).
     */
    private static List<String> decode(final ChannelHandler[] handlers, final List<byte[]> reads)
    {
        final EmbeddedChannel channel = new EmbeddedChannel(handlers);
        for (final byte[] read : reads)
        {
            if (channel.isOpen())
            {
                channel.writeInbound(Unpooled.wrappedBuffer(read));
            }
        }
        final List<String> seen = new ArrayList<>();
        for (Object message = channel.readInbound(); message != null; message = channel.readInbound())
        {
            final FullHttpRequest request = (FullHttpRequest)message;
            final StringBuilder text = new StringBuilder().append(request.method()).append(' ').append(request.uri())
                .append(' ').append(request.protocolVersion()).append(' ').append(request.decoderResult().isSuccess() ?
                    "ok" : request.decoderResult().cause().getClass().getSimpleName()).append('\n');
            for (final Map.Entry<String, String> header : request.headers())
            {
                if (!header.getKey().equalsIgnoreCase("content-length"))
                {
                    text.append(header.getKey().toLowerCase(Locale.ROOT)).append(": ").append(header.getValue())
                        .append('\n');
                }
            }
            seen.add(text.append(request.content().toString(StandardCharsets.ISO_8859_1)).toString());
            request.release();
        }
        for (Object written = channel.readOutbound(); written != null; written = channel.readOutbound())
        {
            seen.add("wrote " + written);
            ReferenceCountUtil.release(written);
        }
        channel.finishAndReleaseAll();
        return seen;
    }

    private static byte[] slice(final byte[] bytes, final int from, final int to)
    {
        final byte[] part = new byte[to - from];
        System.arraycopy(bytes, from, part, 0, part.length);
        return part;
    }
}
