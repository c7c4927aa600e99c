package dev.flashsale.gateway;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The header names a storefront sends on every request are shared constants, not a new name each per request. */
class RequestDecoderTest
{
    @Test
    void theNamesAStorefrontSendsAreTheSharedConstantsInAnyCaseAndOthersAreReadAsSent()
    {
        final EmbeddedChannel channel = new EmbeddedChannel(new RequestDecoder(new GatewayConfig()));
        final String request = "POST /v1/checkouts HTTP/1.1\r\nHOST: shop\r\nX-Api-Key: k\r\nx-customer-TOKEN: t\r\n" +
            "Idempotency-Key: i\r\nContent-Type: application/json\r\nAccept-Encoding: gzip\r\nUser-Agent: u\r\n" +
            "Connection: keep-alive\r\nX-Request-Id: r\r\nIf-None-Match: e\r\nX-Other: o\r\nHosts: h\r\nContent-Length: 2\r\n\r\n{}";
        assertThat(channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII))).isTrue();
        final HttpRequest decoded = channel.readInbound();
        final List<CharSequence> names = new ArrayList<>();
        final Iterator<Map.Entry<CharSequence, CharSequence>> headers = decoded.headers().iteratorCharSequence();
        while (headers.hasNext())
        {
            names.add(headers.next().getKey());
        }
        assertThat(names).hasSize(13);
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
        assertThat(names.get(12)).isSameAs(HttpHeaderNames.CONTENT_LENGTH);
        assertThat(decoded.headers().get("x-api-key")).isEqualTo("k");
        ReferenceCountUtil.release(decoded);
        channel.finishAndReleaseAll();
    }
}
