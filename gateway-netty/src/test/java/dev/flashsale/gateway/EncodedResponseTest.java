package dev.flashsale.gateway;

import dev.flashsale.gateway.http.JsonBytes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.util.AsciiString;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** An answer encoded whole is, byte for byte, what Netty's encoder writes for the same response. */
class EncodedResponseTest
{
    private static final AsciiString IDEMPOTENT_REPLAYED = AsciiString.cached("idempotent-replayed");

    /** @return an answer as a client reads it: a {@link FullHttpResponse} as it is, an encoded one decoded by Netty. */
    static FullHttpResponse parse(final Object rendered)
    {
        if (rendered instanceof FullHttpResponse response)
        {
            return response;
        }
        final EmbeddedChannel client = new EmbeddedChannel(new HttpResponseDecoder(), new HttpObjectAggregator(1 << 20));
        assertThat(client.writeInbound(rendered)).isTrue();
        final FullHttpResponse response = client.readInbound();
        assertThat(response.decoderResult().isSuccess()).as("%s", response.decoderResult()).isTrue();
        assertThat((Object)client.readInbound()).as("one response, nothing after it").isNull();
        client.finishAndReleaseAll();
        return response;
    }

    /** The response as Netty built and encoded it before: Responses.response, the headers set in the same order. */
    private static ByteBuf nettys(final boolean created, final long checkoutId, final boolean replayed, final String requestId,
        final boolean keepAlive, final JsonBytes body)
    {
        final FullHttpResponse response = Responses.response(created ? 201 : 200, Responses.APPLICATION_JSON,
            body.finish(UnpooledByteBufAllocator.DEFAULT), 0);
        if (created)
        {
            response.headers().set(HttpHeaderNames.LOCATION, "/v1/checkouts/" + checkoutId);
        }
        if (replayed)
        {
            response.headers().set(IDEMPOTENT_REPLAYED, "true");
        }
        response.headers().set(RequestIds.HEADER, requestId);
        if (!keepAlive)
        {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return encode(response);
    }

    /** @return the response as Netty's encoder writes it, in one buffer. */
    private static ByteBuf encode(final FullHttpResponse response)
    {
        final EmbeddedChannel encoder = new EmbeddedChannel(new HttpResponseEncoder());
        assertThat(encoder.writeOutbound(response)).isTrue();
        final ByteBuf all = Unpooled.buffer();
        for (ByteBuf part = encoder.readOutbound(); part != null; part = encoder.readOutbound())
        {
            all.writeBytes(part);
            part.release();
        }
        return all;
    }

    private static JsonBytes body(final long checkoutId)
    {
        final JsonBytes body = new JsonBytes().start();
        body.startObject();
        body.id(JsonBytes.name("checkoutId"), checkoutId);
        body.string(JsonBytes.name("status"), "HELD \u00e9\"");
        body.endObject();
        return body;
    }

    @Test
    void everyShapeOfACheckoutAnswerIsTheBytesNettysEncoderWrites()
    {
        for (final long checkoutId : new long[] {0, 7, 16_777_217, Long.MAX_VALUE, -1, Long.MIN_VALUE})
        {
            for (int shape = 0; shape < 8; shape++)
            {
                final boolean created = (shape & 1) != 0;
                final boolean replayed = (shape & 2) != 0;
                final boolean keepAlive = (shape & 4) != 0;
                final String requestId = shape % 3 == 0 ? "5f0c1a9e22b7-0300000002a1f" : "client:trace-" + shape;
                final ByteBuf ours = EncodedResponse.checkout(UnpooledByteBufAllocator.DEFAULT, created, checkoutId, replayed,
                    requestId, keepAlive, body(checkoutId));
                final ByteBuf theirs = nettys(created, checkoutId, replayed, requestId, keepAlive, body(checkoutId));
                assertThat(ours.toString(StandardCharsets.ISO_8859_1)).as("id %d, shape %d", checkoutId, shape)
                    .isEqualTo(theirs.toString(StandardCharsets.ISO_8859_1));
                assertThat(ByteBufUtil.equals(ours, theirs)).isTrue();
                ours.release();
                theirs.release();
            }
        }
    }

    @Test
    void everyProblemIsTheBytesNettysEncoderWrites()
    {
        final byte[] body = "{\"type\":\"urn:x\",\"status\":409}".getBytes(StandardCharsets.US_ASCII);
        for (final Problem problem : Problem.values())
        {
            for (final boolean keepAlive : new boolean[] {true, false})
            {
                final ByteBuf ours = EncodedResponse.problem(UnpooledByteBufAllocator.DEFAULT, problem, body, "req-9", keepAlive);
                final FullHttpResponse response = Responses.response(problem.status(), Responses.PROBLEM_JSON,
                    Unpooled.copiedBuffer(body), problem.retryable() ? 1 : 0);
                response.headers().set(RequestIds.HEADER, "req-9");
                if (!keepAlive)
                {
                    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                }
                final ByteBuf theirs = encode(response);
                assertThat(ours.toString(StandardCharsets.ISO_8859_1)).as("%s, keep-alive %s", problem, keepAlive)
                    .isEqualTo(theirs.toString(StandardCharsets.ISO_8859_1));
                ours.release();
                theirs.release();
            }
        }
    }

    @Test
    void aClientReadsTheAnswerWithItsStatusHeadersAndBody()
    {
        final FullHttpResponse response = parse(EncodedResponse.checkout(UnpooledByteBufAllocator.DEFAULT, true, 42, true,
            "req-1", true, body(42)));
        try
        {
            assertThat(response.status().code()).isEqualTo(201);
            assertThat(response.headers().get(HttpHeaderNames.LOCATION)).isEqualTo("/v1/checkouts/42");
            assertThat(response.headers().get(IDEMPOTENT_REPLAYED)).isEqualTo("true");
            assertThat(response.headers().get(RequestIds.HEADER)).isEqualTo("req-1");
            assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/json");
            assertThat(response.content().toString(StandardCharsets.UTF_8))
                .isEqualTo("{\"checkoutId\":\"42\",\"status\":\"HELD \u00e9\\\"\"}");
        }
        finally
        {
            response.release();
        }
    }

    @Test
    void theEncoderWritesABareBufferAsItIsAndStillEncodesEveryOtherResponse()
    {
        final EmbeddedChannel channel = new EmbeddedChannel(new EncodedResponse.Encoder());
        final ByteBuf encoded = EncodedResponse.checkout(UnpooledByteBufAllocator.DEFAULT, false, 1, false, "r", true, body(1));
        final String expected = encoded.toString(StandardCharsets.ISO_8859_1);
        assertThat(channel.writeOutbound(encoded)).isTrue();
        final ByteBuf passed = channel.readOutbound();
        assertThat(passed).isSameAs(encoded);
        passed.release();
        assertThat(expected).startsWith("HTTP/1.1 200 OK\r\n");

        assertThat(channel.writeOutbound(Responses.text(404, "text/plain", "no", UnpooledByteBufAllocator.DEFAULT))).isTrue();
        final ByteBuf all = Unpooled.buffer();
        for (ByteBuf part = channel.readOutbound(); part != null; part = channel.readOutbound())
        {
            all.writeBytes(part);
            part.release();
        }
        assertThat(all.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 404 Not Found\r\n").endsWith("\r\n\r\nno");
        all.release();
        channel.finishAndReleaseAll();
    }
}
