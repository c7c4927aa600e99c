package dev.flashsale.gateway;

import dev.flashsale.engine.EngineConfig;
import dev.flashsale.gateway.auth.ApiClient;
import dev.flashsale.gateway.auth.Credentials;
import dev.flashsale.gateway.auth.CustomerTokens;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The gateway's connection handlers on an {@link EmbeddedChannel}, over a {@link SyncBackend}. */
final class EmbeddedGateway
{
    final GatewayConfig config;
    final SyncBackend backend;
    final Credentials.Generated credentials = Credentials.generate();
    final Dispatcher dispatcher;
    final GatewayMetrics metrics = new GatewayMetrics();
    private final CustomerTokens tokens = new CustomerTokens();

    /** One parsed HTTP response. */
    record Response(int status, Map<String, String> headers, String body)
    {
        String header(final String name)
        {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    EmbeddedGateway(final GatewayConfig config, final EngineConfig engine)
    {
        this.config = config.validate();
        final Responder responder = new Responder(64);
        backend = new SyncBackend(engine, responder);
        dispatcher = new Dispatcher(config, engine, backend, null, credentials.credentials(), responder, metrics,
            () -> backend.timeMs, "openapi: 3.0.3\n".getBytes(StandardCharsets.US_ASCII));
    }

    EmbeddedChannel channel()
    {
        return new EmbeddedChannel(new io.netty.channel.ChannelInitializer<>()
        {
            @Override
            protected void initChannel(final io.netty.channel.Channel channel)
            {
                Gateway.addHandlers(channel.pipeline(), dispatcher, config);
            }
        });
    }

    String token(final long customerId)
    {
        return tokens.sign(storefront(), customerId, backend.timeMs / 1000 + 3600);
    }

    ApiClient storefront()
    {
        return credentials.storefront();
    }

    /** Writes raw bytes and returns every complete response written back. */
    static List<Response> exchange(final EmbeddedChannel channel, final String raw)
    {
        return exchange(channel, raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    static List<Response> exchange(final EmbeddedChannel channel, final byte[] raw)
    {
        channel.writeInbound(Unpooled.wrappedBuffer(raw));
        channel.runPendingTasks();
        return drain(channel);
    }

    static List<Response> drain(final EmbeddedChannel channel)
    {
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        ByteBuf out;
        while ((out = channel.readOutbound()) != null)
        {
            final byte[] chunk = new byte[out.readableBytes()];
            out.readBytes(chunk);
            bytes.writeBytes(chunk);
            out.release();
        }
        return parse(bytes.toByteArray());
    }

    /** @return the responses in {@code raw}; a JSON content type's body must be well-formed JSON ({@link Json}). */
    static List<Response> parse(final byte[] raw)
    {
        final String text = new String(raw, StandardCharsets.ISO_8859_1); // one char a byte: indexes are byte offsets
        final List<Response> responses = new ArrayList<>();
        int at = 0;
        while (at < text.length())
        {
            final int headEnd = text.indexOf("\r\n\r\n", at);
            final String[] lines = text.substring(at, headEnd).split("\r\n");
            final int status = Integer.parseInt(lines[0].split(" ")[1]);
            final Map<String, String> headers = new TreeMap<>();
            for (int i = 1; i < lines.length; i++)
            {
                final int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            final int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            final int bodyStart = headEnd + 4;
            final byte[] body = java.util.Arrays.copyOfRange(raw, bodyStart, bodyStart + length);
            Json.checkAnswer(status, headers.get("content-type"), body);
            responses.add(new Response(status, headers, new String(body, StandardCharsets.UTF_8)));
            at = bodyStart + length;
        }
        return responses;
    }

    /** A request with the storefront key and a token of {@code customerId}. */
    String request(final String method, final String path, final long customerId, final String idempotencyKey,
        final String body)
    {
        final StringBuilder request = new StringBuilder()
            .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
            .append("Host: test\r\n")
            .append("X-Api-Key: ").append(credentials.storefrontKey()).append("\r\n");
        if (customerId > 0)
        {
            request.append("X-Customer-Token: ").append(token(customerId)).append("\r\n");
        }
        if (idempotencyKey != null)
        {
            request.append("Idempotency-Key: ").append(idempotencyKey).append("\r\n");
        }
        return withBody(request, body);
    }

    String admin(final String method, final String path, final String body)
    {
        final StringBuilder request = new StringBuilder()
            .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
            .append("Host: test\r\n")
            .append("X-Api-Key: ").append(credentials.adminKey()).append("\r\n");
        return withBody(request, body);
    }

    private static String withBody(final StringBuilder request, final String body)
    {
        if (body != null)
        {
            request.append("Content-Type: application/json\r\n")
                .append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n\r\n")
                .append(body);
        }
        else
        {
            request.append("Content-Length: 0\r\n\r\n");
        }
        return request.toString();
    }
}
