package dev.flashsale.gateway.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AnswerDecoderTest
{
    private static final String CHECKOUT = "{\"checkoutId\":\"42\",\"customerId\":7,\"status\":\"HELD\"}";
    private static final String CREATED = "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: " +
        CHECKOUT.length() + "\r\nlocation: /v1/checkouts/42\r\nx-request-id: r-1\r\n\r\n" + CHECKOUT;

    private final EmbeddedChannel channel = new EmbeddedChannel(new AnswerDecoder(1024));

    @Test
    void aCheckoutAnswerGivesItsStatusAndBody()
    {
        channel.writeInbound(bytes(CREATED));

        assertThat(answers()).containsExactly("201 " + CHECKOUT);
    }

    @Test
    void answersInOneReadComeOutOneByOne()
    {
        channel.writeInbound(bytes(CREATED + "HTTP/1.1 409 Conflict\r\nContent-Length: 2\r\n\r\n{}" + CREATED));

        assertThat(answers()).containsExactly("201 " + CHECKOUT, "409 {}", "201 " + CHECKOUT);
    }

    @Test
    void anAnswerSplitAtAnyByteComesOutWholeOnce()
    {
        final byte[] whole = CREATED.getBytes(StandardCharsets.US_ASCII);
        for (int cut = 1; cut < whole.length; cut++)
        {
            final EmbeddedChannel split = new EmbeddedChannel(new AnswerDecoder(1024));
            split.writeInbound(Unpooled.wrappedBuffer(whole, 0, cut));
            assertThat((Object)split.readInbound()).as("after %d bytes", cut).isNull();
            split.writeInbound(Unpooled.wrappedBuffer(whole, cut, whole.length - cut));
            final AnswerDecoder.Answer answer = split.readInbound();
            assertThat(answer.status()).isEqualTo(201);
            assertThat(answer.content().toString(StandardCharsets.US_ASCII)).isEqualTo(CHECKOUT);
            answer.release();
            assertThat(split.finish()).isFalse();
        }
    }

    @Test
    void readsWhatNettysEncoderWrites()
    {
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_0, HttpResponseStatus.OK,
            bytes("{\"hello\":\"world\"}"));
        response.headers().set("X-Anything", "a:b").setInt(HttpHeaderNames.CONTENT_LENGTH, 17);
        final EmbeddedChannel encoder = new EmbeddedChannel(new HttpResponseEncoder());
        encoder.writeOutbound(response);
        ByteBuf encoded;
        while ((encoded = encoder.readOutbound()) != null)
        {
            channel.writeInbound(encoded);
        }

        assertThat(answers()).containsExactly("200 {\"hello\":\"world\"}");
    }

    @Test
    void bodilessStatusesNeedNoLength()
    {
        channel.writeInbound(bytes("HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\netag: \"x\"\r\n\r\n"));

        assertThat(answers()).containsExactly("204 ", "304 ");
    }

    @Test
    void whatItCannotReadWholeFailsTheConnectionWithTheReason()
    {
        assertFails("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", "Transfer-Encoding");
        assertFails("HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nhello", "without Content-Length");
        assertFails("HTTP/1.1 200 OK\r\ncontent-length: 2048\r\n\r\n", "over the limit of 1024");
        assertFails("HTTP/1.1 200 OK\r\ncontent-length: 1x\r\n\r\n", "not a length");
        assertFails("HTTP/1.1 20 OK\r\ncontent-length: 0\r\n\r\n", "three digits");
        assertFails("SSH-2.0-OpenSSH\r\n", "not an HTTP/1.x answer: SSH-2.0-OpenSSH");
        assertFails("HTTP/1.1 200 OK\r\nx-long: " + "a".repeat(AnswerDecoder.MAX_HEAD_BYTES) + "\r\n\r\n", "longer than");
        assertFails("HTTP/1.1 200 " + "a".repeat(AnswerDecoder.MAX_HEAD_BYTES), "longer than");
    }

    private static void assertFails(final String bytes, final String reason)
    {
        final EmbeddedChannel failing = new EmbeddedChannel(new AnswerDecoder(1024));
        assertThatThrownBy(() -> failing.writeInbound(bytes(bytes)))
            .isInstanceOf(DecoderException.class)
            .hasMessageContaining(reason);
    }

    private List<String> answers()
    {
        final List<String> answers = new ArrayList<>();
        AnswerDecoder.Answer answer;
        while ((answer = channel.readInbound()) != null)
        {
            answers.add(answer.status() + " " + answer.content().toString(StandardCharsets.US_ASCII));
            answer.release();
        }
        assertThat(channel.finish()).isFalse();
        return answers;
    }

    private static ByteBuf bytes(final String text)
    {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }
}
