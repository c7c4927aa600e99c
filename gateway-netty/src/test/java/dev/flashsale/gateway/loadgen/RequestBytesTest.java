package dev.flashsale.gateway.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class RequestBytesTest
{
    private final RequestBytes requests = new RequestBytes("127.0.0.1:8080", "/v1/products/P-1", "key-1");
    private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;

    @Test
    void aReserveDecodesAsTheRequestTheGatewayExpects()
    {
        final String json = "{\"customerId\":7,\"lines\":[{\"sku\":\"TEE\",\"qty\":1}]}";
        final FullHttpRequest request = decode(requests.reserve(alloc, "token-7", "lg-x-3-1", json));
        try
        {
            assertThat(request.decoderResult().isSuccess()).isTrue();
            assertThat(request.method()).isEqualTo(HttpMethod.POST);
            assertThat(request.uri()).isEqualTo("/v1/checkouts");
            assertThat(request.headers().get("Host")).isEqualTo("127.0.0.1:8080");
            assertThat(request.headers().get("X-Api-Key")).isEqualTo("key-1");
            assertThat(request.headers().get("X-Customer-Token")).isEqualTo("token-7");
            assertThat(request.headers().get("Idempotency-Key")).isEqualTo("lg-x-3-1");
            assertThat(request.headers().get("Content-Type")).isEqualTo("application/json");
            assertThat(request.headers().getInt("Content-Length")).isEqualTo(json.length());
            assertThat(request.content().toString(StandardCharsets.US_ASCII)).isEqualTo(json);
        }
        finally
        {
            request.release();
        }
    }

    @Test
    void confirmsCancelsAndHellosCarryTheirIdsAndNoBodyWhereThereIsNone()
    {
        final FullHttpRequest confirm = decode(requests.confirm(alloc, 9_007_199_254_740_993L, "t", "{\"paymentRef\":\"p\"}"));
        final FullHttpRequest cancel = decode(requests.cancel(alloc, 10, "t"));
        final FullHttpRequest hello = decode(requests.hello(alloc));
        final FullHttpRequest bare = decode(new RequestBytes("h:1", "/", null).hello(alloc));
        try
        {
            assertThat(confirm.uri()).isEqualTo("/v1/checkouts/9007199254740993/confirm");
            assertThat(confirm.content().toString(StandardCharsets.US_ASCII)).isEqualTo("{\"paymentRef\":\"p\"}");
            assertThat(cancel.uri()).isEqualTo("/v1/checkouts/10/cancel");
            assertThat(cancel.headers().getInt("Content-Length")).isZero();
            assertThat(cancel.headers().contains("Content-Type")).isFalse();
            assertThat(cancel.headers().get("X-Customer-Token")).isEqualTo("t");
            assertThat(hello.method()).isEqualTo(HttpMethod.GET);
            assertThat(hello.uri()).isEqualTo("/v1/products/P-1");
            assertThat(hello.headers().get("X-Api-Key")).isEqualTo("key-1");
            assertThat(bare.headers().contains("X-Api-Key")).as("the hello world's load sends no key").isFalse();
            assertThat(bare.headers().get("Host")).isEqualTo("h:1");
        }
        finally
        {
            confirm.release();
            cancel.release();
            hello.release();
            bare.release();
        }
    }

    private static FullHttpRequest decode(final ByteBuf bytes)
    {
        final EmbeddedChannel channel = new EmbeddedChannel(new HttpRequestDecoder(), new HttpObjectAggregator(1 << 16));
        assertThat(channel.writeInbound(bytes)).isTrue();
        final FullHttpRequest request = channel.readInbound();
        assertThat(channel.finish()).as("one request, nothing left over").isFalse();
        return request;
    }
}
