package dev.flashsale.gateway.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A load connection's answer decoder: each HTTP/1.x response read whole from the bytes into its
 * status and body ({@link Answer}), the only parts a load connection reads. Netty's response decoder,
 * header map and aggregator did the same at about two fifths of the load generator's user time under the
 * checkout load, CPU that on a machine shared with the server comes out of the server's share
 * (docs/BENCHMARKS.md, "Where the two cores go").
 *
 * <p>Reads what the servers it measures send: a status line, header lines, an empty line, then a body
 * of {@code Content-Length} bytes (none for a 1xx, 204 or 304). A response this cannot read whole
 * (not HTTP/1.x, a chunked or unsized body, a head over {@value #MAX_HEAD_BYTES} bytes, a body over
 * the limit) fails the connection with the reason, as a broken answer should in a benchmark.
 */
final class AnswerDecoder extends ByteToMessageDecoder
{
    /** Longest response head read; the servers measured send about 200 bytes. */
    static final int MAX_HEAD_BYTES = 8192;

    private static final byte[] HTTP_1 = "HTTP/1.".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRANSFER_ENCODING = "transfer-encoding:".getBytes(StandardCharsets.US_ASCII);

    private final int maxBodyBytes;

    AnswerDecoder(final int maxBodyBytes)
    {
        this.maxBodyBytes = maxBodyBytes;
    }

    /** A response's status and body; the body is released with the answer. */
    static final class Answer extends DefaultByteBufHolder
    {
        private final int status;

        Answer(final int status, final ByteBuf body)
        {
            super(body);
            this.status = status;
        }

        int status()
        {
            return status;
        }
    }

    @Override
    protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out)
    {
        final int start = in.readerIndex();
        final int end = in.writerIndex();
        final int headLimit = Math.min(end, start + MAX_HEAD_BYTES);
        final int status = status(in, start, headLimit);
        if (status < 0)
        {
            return; // the status line is not all here yet
        }
        long contentLength = -1;
        int line = in.indexOf(start, headLimit, (byte)'\n') + 1;
        while (true)
        {
            final int lineEnd = in.indexOf(line, headLimit, (byte)'\n');
            if (lineEnd < 0)
            {
                if (headLimit - start >= MAX_HEAD_BYTES)
                {
                    throw new DecoderException("an answer's head is longer than " + MAX_HEAD_BYTES + " bytes");
                }
                return; // the head is not all here yet
            }
            final int contentEnd = lineEnd > line && in.getByte(lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd;
            if (contentEnd == line)
            {
                line = lineEnd + 1; // the empty line: the body starts after it
                break;
            }
            if (startsWithIgnoringCase(in, line, contentEnd, CONTENT_LENGTH))
            {
                contentLength = length(in, line + CONTENT_LENGTH.length, contentEnd);
            }
            else if (startsWithIgnoringCase(in, line, contentEnd, TRANSFER_ENCODING))
            {
                throw new DecoderException("an answer with Transfer-Encoding: the load generator reads sized bodies only");
            }
            line = lineEnd + 1;
        }
        final boolean bodiless = status < 200 || status == 204 || status == 304;
        if (bodiless)
        {
            contentLength = 0;
        }
        else if (contentLength < 0)
        {
            throw new DecoderException("an answer of status " + status + " without Content-Length");
        }
        if (contentLength > maxBodyBytes)
        {
            throw new DecoderException("an answer's body of " + contentLength + " bytes, over the limit of " + maxBodyBytes);
        }
        if (end - line < contentLength)
        {
            return; // the body is not all here yet
        }
        out.add(new Answer(status, in.retainedSlice(line, (int)contentLength)));
        in.readerIndex(line + (int)contentLength);
    }

    /** @return the status code, or -1 if the status line has not all arrived. */
    private static int status(final ByteBuf in, final int start, final int limit)
    {
        final int lineEnd = in.indexOf(start, limit, (byte)'\n');
        if (lineEnd < 0)
        {
            if (limit - start >= MAX_HEAD_BYTES)
            {
                throw new DecoderException("an answer's status line is longer than " + MAX_HEAD_BYTES + " bytes");
            }
            return -1;
        }
        // "HTTP/1.x SSS"
        final int codeAt = start + HTTP_1.length + 2;
        if (lineEnd < codeAt + 3 || !startsWithIgnoringCase(in, start, lineEnd, HTTP_1) || in.getByte(codeAt - 1) != ' ')
        {
            throw new DecoderException("not an HTTP/1.x answer: " +
                in.toString(start, Math.min(lineEnd - start, 64), StandardCharsets.US_ASCII).strip());
        }
        int status = 0;
        for (int i = codeAt; i < codeAt + 3; i++)
        {
            final int digit = in.getByte(i) - '0';
            if (digit < 0 || digit > 9)
            {
                throw new DecoderException("an answer's status is not three digits");
            }
            status = status * 10 + digit;
        }
        if (codeAt + 3 < lineEnd && in.getByte(codeAt + 3) != ' ' && in.getByte(codeAt + 3) != '\r')
        {
            throw new DecoderException("an answer's status is not three digits");
        }
        return status;
    }

    /** @return the decimal value between {@code from} and {@code to}, spaces and tabs around it allowed. */
    private static long length(final ByteBuf in, final int from, final int to)
    {
        int at = from;
        while (at < to && (in.getByte(at) == ' ' || in.getByte(at) == '\t'))
        {
            at++;
        }
        int last = to;
        while (last > at && (in.getByte(last - 1) == ' ' || in.getByte(last - 1) == '\t'))
        {
            last--;
        }
        if (at == last || last - at > 12)
        {
            throw new DecoderException("an answer's Content-Length is not a length");
        }
        long value = 0;
        for (int i = at; i < last; i++)
        {
            final int digit = in.getByte(i) - '0';
            if (digit < 0 || digit > 9)
            {
                throw new DecoderException("an answer's Content-Length is not a length");
            }
            value = value * 10 + digit;
        }
        return value;
    }

    /** @return whether the bytes from {@code from} (before {@code to}) start with {@code prefix}, ASCII case ignored. */
    private static boolean startsWithIgnoringCase(final ByteBuf in, final int from, final int to, final byte[] prefix)
    {
        if (to - from < prefix.length)
        {
            return false;
        }
        for (int i = 0; i < prefix.length; i++)
        {
            int b = in.getByte(from + i);
            if (b >= 'A' && b <= 'Z')
            {
                b += 'a' - 'A';
            }
            final int p = prefix[i] >= 'A' && prefix[i] <= 'Z' ? prefix[i] + ('a' - 'A') : prefix[i];
            if (b != p)
            {
                return false;
            }
        }
        return true;
    }
}
