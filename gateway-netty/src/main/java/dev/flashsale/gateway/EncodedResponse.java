package dev.flashsale.gateway;

import dev.flashsale.gateway.http.AsciiDecimal;
import dev.flashsale.gateway.http.JsonBytes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;

/**
 * The answers of nearly every request encoded here whole: status line, headers and body in one
 * buffer, written to the socket as it is ({@link Encoder} lets a {@link ByteBuf} through). They are a
 * checkout the engine decided (201 with its {@code Location}, or 200) and a refusal of one with no
 * checkout in it (the {@code SOLD_OUT} of the burst after a sell-out, whose body is the same for
 * every shopper). Netty's way, a response object with a header table whose every value is validated,
 * then the encoder's pass over that table into a second buffer, cost the event loop more than
 * deciding the request (docs/BENCHMARKS.md, "Answers encoded whole"). The bytes are those Netty's
 * encoder writes for the same response, headers in the same order; every value here is a number, a
 * constant or a request id {@link RequestIds} made or checked, so none can carry a line break. Every
 * other answer stays a {@code FullHttpResponse}.
 */
final class EncodedResponse
{
    private static final byte[] CREATED = ascii("HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: ");
    private static final byte[] OK = ascii("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ");
    private static final byte[] LOCATION = ascii("\r\nlocation: /v1/checkouts/");
    private static final byte[] REPLAYED = ascii("\r\nidempotent-replayed: true");
    private static final byte[] RETRY_AFTER = ascii("\r\nretry-after: 1");
    /** Per {@link Problem}: its status line, content type and the start of its length. */
    private static final byte[][] PROBLEM_HEADS = new byte[Problem.values().length][];
    private static final byte[] REQUEST_ID = ascii("\r\nx-request-id: ");
    private static final byte[] CLOSE = ascii("\r\nconnection: close");
    private static final byte[] END = ascii("\r\n\r\n");
    /** Room for the head but its status line and request id: the fixed headers, two numbers of 20 digits. */
    private static final int HEAD = 20 + LOCATION.length + 20 + REPLAYED.length + RETRY_AFTER.length + REQUEST_ID.length +
        CLOSE.length + END.length;

    static
    {
        for (final Problem problem : Problem.values())
        {
            PROBLEM_HEADS[problem.ordinal()] = ascii("HTTP/1.1 " + HttpResponseStatus.valueOf(problem.status()) +
                "\r\ncontent-type: " + Responses.PROBLEM_JSON + "\r\ncontent-length: ");
        }
    }

    private EncodedResponse()
    {
    }

    /**
     * @param created    201 with a {@code Location} (a reserve), else 200.
     * @param checkoutId the checkout, for the {@code Location}.
     * @param requestId  the {@code X-Request-Id}: printable ASCII without spaces ({@link RequestIds}).
     * @param keepAlive  false adds {@code Connection: close}.
     * @param body       the JSON body, complete.
     * @return the whole response, in a buffer of {@code alloc}.
     */
    static ByteBuf checkout(final ByteBufAllocator alloc, final boolean created, final long checkoutId,
        final boolean replayed, final String requestId, final boolean keepAlive, final JsonBytes body)
    {
        final ByteBuf out = alloc.buffer(CREATED.length + HEAD + requestId.length() + body.size());
        out.writeBytes(created ? CREATED : OK);
        AsciiDecimal.write(out, body.size());
        if (created)
        {
            out.writeBytes(LOCATION);
            AsciiDecimal.write(out, checkoutId);
        }
        if (replayed)
        {
            out.writeBytes(REPLAYED);
        }
        end(out, requestId, keepAlive);
        body.writeTo(out);
        return out;
    }

    /**
     * @param problem   the refusal: its status, and {@code Retry-After: 1} when it is retryable.
     * @param body      its RFC 9457 body, complete.
     * @param requestId the {@code X-Request-Id}: printable ASCII without spaces ({@link RequestIds}).
     * @param keepAlive false adds {@code Connection: close}.
     * @return the whole response, in a buffer of {@code alloc}.
     */
    static ByteBuf problem(final ByteBufAllocator alloc, final Problem problem, final byte[] body, final String requestId,
        final boolean keepAlive)
    {
        final byte[] head = PROBLEM_HEADS[problem.ordinal()];
        final ByteBuf out = alloc.buffer(head.length + HEAD + requestId.length() + body.length);
        out.writeBytes(head);
        AsciiDecimal.write(out, body.length);
        if (problem.retryable())
        {
            out.writeBytes(RETRY_AFTER);
        }
        end(out, requestId, keepAlive);
        out.writeBytes(body);
        return out;
    }

    /** The request id, {@code Connection: close} unless kept alive, and the end of the head. */
    private static void end(final ByteBuf out, final String requestId, final boolean keepAlive)
    {
        out.writeBytes(REQUEST_ID);
        ByteBufUtil.writeAscii(out, requestId);
        if (!keepAlive)
        {
            out.writeBytes(CLOSE);
        }
        out.writeBytes(END);
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Netty's response encoder, but a {@link ByteBuf} written to the connection is a response encoded
     * whole ({@link EncodedResponse}) and goes to the socket as it is. The gateway writes no other bare
     * buffer: every other answer is a {@code FullHttpResponse}, encoded as before.
     */
    static final class Encoder extends HttpResponseEncoder
    {
        @Override
        public boolean acceptOutboundMessage(final Object msg) throws Exception
        {
            return !(msg instanceof ByteBuf) && super.acceptOutboundMessage(msg);
        }
    }
}
