package dev.flashsale.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.ReadOnlyHttpHeaders;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The HTTP/1.1 request decoder of a connection: a request that is plain and already whole in the
 * bytes read is read at once into one {@link io.netty.handler.codec.http.FullHttpRequest}; any
 * other is left to Netty's decoder (and the aggregator after it), which this class extends.
 *
 * <p><b>Plain and whole</b> means: the request line is {@code METHOD SP target SP HTTP/1.x CRLF}
 * with a method Netty names (not CONNECT), a target of visible ASCII and version 1.0 or 1.1; each
 * header line is a token name, a colon, optional blanks and a value of visible ASCII, spaces and
 * tabs, ended by CRLF; no {@code Transfer-Encoding} and no {@code Expect}; at most one
 * {@code Content-Length}, plain digits, within {@code gateway.max-body-bytes}; the head well inside
 * the size limits; and the head and the whole body in the bytes read so far, or in the next two
 * reads (a request that arrives in pieces, its head in one segment and its body in the next, say, is
 * parsed again from its first byte as each piece comes). Every storefront request is. Anything else
 * (a request still in pieces after three reads, chunked bodies, an expectation, obs-folded or odd
 * blanks, a line ended by a bare LF, bytes outside ASCII, a head near or over a limit, an empty line
 * before the request) goes to Netty's decoder from the first byte of that request to its end,
 * which answers it exactly as before: the fast path only ever takes requests Netty would take
 * alike, and builds the same request (method and version constants, the header names and values
 * as sent; the body a slice of the bytes read instead of an aggregated copy; no
 * {@code Content-Length: 0} added to a request that had none, which nothing here reads), except that
 * its headers are Netty's read-only set: a flat array of names and values, searched in turn (a
 * request has a handful), instead of a hash table with an entry object per header. Nothing in the
 * gateway changes a request's headers.
 *
 * <p>Why: Netty's decoder and aggregator were a quarter of the event loops' samples under the
 * storefront's load (a state machine per part of a message, a header table validated as it is
 * built, a composite buffer for each body); this reads the head in one pass over a copy of its
 * bytes, the event loop's own.
 *
 * <p>It also says whether it holds part of a request: bytes read into a request line or headers
 * not yet finished, or a body not yet whole. A request that arrives behind a complete one in the
 * same read is therefore timed like any other ({@code gateway.request-timeout-ms}) instead of
 * escaping until the idle timeout.
 *
 * <p>The names of the headers a storefront sends on every request (the API key, the customer token,
 * the idempotency key, the content's type and length, ...) are shared constants, in any letter case,
 * not a new name each per request, on either path.
 */
final class RequestDecoder extends HttpRequestDecoder
{
    /** Lower case; matched ignoring ASCII case. */
    private static final AsciiString[] SHARED_NAMES = {
        HttpHeaderNames.HOST, HttpHeaderNames.CONTENT_TYPE, HttpHeaderNames.CONTENT_LENGTH, Admission.API_KEY,
        Admission.CUSTOMER_TOKEN, EngineRoutes.IDEMPOTENCY_KEY, HttpHeaderNames.CONNECTION, HttpHeaderNames.ACCEPT,
        HttpHeaderNames.USER_AGENT, HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderNames.IF_NONE_MATCH,
        RequestIds.HEADER, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.EXPECT,
    };

    /** The indexes in {@link #SHARED_NAMES} by length: a header name is compared with the few of its length only. */
    private static final int[][] SHARED_BY_LENGTH = byLength(SHARED_NAMES);

    /** The methods the fast path reads, as Netty's constants; any other method goes to Netty's decoder. */
    private static final HttpMethod[] METHODS = {
        HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.HEAD, HttpMethod.OPTIONS,
        HttpMethod.PATCH, HttpMethod.TRACE,
    };

    /** RFC 9110's tchar: the bytes of a token (a header name). */
    private static final boolean[] TOKEN = new boolean[128];

    /** The bytes read copied for a first parse; a longer head is copied again whole, up to the limits. */
    private static final int FIRST_COPY = 1024;

    /**
     * The reads a plain request may take to arrive whole (a client may send its head and its body apart)
     * before Netty's decoder takes it on: each read parses the request again from its first byte, so a
     * request trickled in byte by byte must not be left here.
     */
    private static final int MAX_SHORT_READS = 3;

    /** Room kept below each size limit: a head near a limit is Netty's to measure and refuse. */
    private static final int LIMIT_MARGIN = 8;

    /** The event loop's copy of the head being read (decoding never nests on a thread). */
    private static final FastThreadLocal<byte[]> HEAD = new FastThreadLocal<>()
    {
        @Override
        protected byte[] initialValue()
        {
            return new byte[FIRST_COPY];
        }
    };

    static
    {
        for (int c = '0'; c <= '9'; c++)
        {
            TOKEN[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++)
        {
            TOKEN[c] = true;
            TOKEN[c - 'a' + 'A'] = true;
        }
        for (final char c : "!#$%&'*+-.^_`|~".toCharArray())
        {
            TOKEN[c] = true;
        }
    }

    /** The names and values of the head being read, in turn; copied to the request's headers at its end. */
    private CharSequence[] pairs = new CharSequence[32];
    private final int maxLineBytes;
    private final int maxHeaderBytes;
    private final int maxBodyBytes;
    /** The request being decoded is Netty's: from its first byte to its last content. */
    private boolean netty;
    /**
     * The last value read of each shared name, and the last target: a connection sends the same host, key,
     * content type (and mostly the same target) on every request; the fast path reuses the String when
     * the bytes are the same.
     */
    private final String[] lastValues = new String[SHARED_NAMES.length];
    private String lastUri = "";
    /**
     * Set by {@link #parse}: the bytes it was given ended inside a request that was plain so far (its head,
     * or its body), and within the limits.
     */
    private boolean ranOut;
    /** Set with {@link #ranOut} when the head was whole and its body not. */
    private boolean bodyShort;
    /** The reads that ended inside the request at the start of the buffer, plain so far. */
    private int shortReads;
    private boolean midRequest;
    private int completed;

    RequestDecoder(final GatewayConfig config)
    {
        super(new HttpDecoderConfig().setMaxInitialLineLength(config.maxInitialLineBytes())
            .setMaxHeaderSize(config.maxHeaderBytes()).setMaxChunkSize(8192));
        maxLineBytes = config.maxInitialLineBytes();
        maxHeaderBytes = config.maxHeaderBytes();
        maxBodyBytes = config.maxBodyBytes();
    }

    @Override
    protected void decode(final ChannelHandlerContext ctx, final ByteBuf buffer, final List<Object> out) throws Exception
    {
        if (!netty)
        {
            final DefaultFullHttpRequest request = whole(buffer);
            if (request != null)
            {
                out.add(request);
                midRequest = false;
                completed++;
                shortReads = 0;
                return;
            }
            if (ranOut && ++shortReads < MAX_SHORT_READS)
            {
                return; // plain so far: read on (the bytes wait in the buffer, timed as a partial request)
            }
            shortReads = 0;
            netty = true;
        }
        final int readerIndex = buffer.readerIndex();
        final int emitted = out.size();
        super.decode(ctx, buffer, out);
        if (out.size() > emitted && out.get(out.size() - 1) instanceof LastHttpContent)
        {
            netty = false;
            midRequest = false;
            completed++;
        }
        else if (out.size() > emitted || buffer.readerIndex() != readerIndex)
        {
            midRequest = true; // headers or body read in part
        }
    }

    /**
     * @return the request at the start of {@code in}, read past, if it is plain and whole there (the
     *     class comment); else null, with nothing read and {@link #ranOut} set if it is plain so far and
     *     within the limits.
     */
    private DefaultFullHttpRequest whole(final ByteBuf in)
    {
        final int available = Math.min(in.readableBytes(), maxLineBytes + maxHeaderBytes);
        byte[] head = HEAD.get();
        final int first = Math.min(available, FIRST_COPY); // a head is short; the bytes behind it may not be
        in.getBytes(in.readerIndex(), head, 0, first);
        DefaultFullHttpRequest request = parse(in, head, first);
        if (request == null && ranOut && !bodyShort && first < available)
        {
            if (head.length < available)
            {
                head = new byte[maxLineBytes + maxHeaderBytes];
                HEAD.set(head);
            }
            in.getBytes(in.readerIndex(), head, 0, available);
            request = parse(in, head, available);
        }
        if (request == null && ranOut && !bodyShort && available == maxLineBytes + maxHeaderBytes)
        {
            ranOut = false; // a head past the limits: Netty's to refuse
        }
        return request;
    }

    /**
     * One pass over the first {@code n} bytes read, copied into {@code head}.
     *
     * @return the request, {@code in} read past it; or null, with {@link #ranOut} set if the request went
     *     on past {@code n} bytes (or its body past the bytes read) as far as it was plain.
     */
    private DefaultFullHttpRequest parse(final ByteBuf in, final byte[] head, final int n)
    {
        ranOut = false;
        bodyShort = false;
        // METHOD SP target SP HTTP/1.x CRLF
        int i = 0;
        while (i < n && head[i] >= 'A' && head[i] <= 'Z')
        {
            i++;
        }
        if (i == n)
        {
            return ranOut();
        }
        final HttpMethod method = method(head, i);
        if (method == null || head[i] != ' ')
        {
            return null;
        }
        final int targetStart = ++i;
        while (i < n && head[i] > ' ' && head[i] < 0x7f)
        {
            i++;
        }
        if (i + 10 >= n)
        {
            return ranOut();
        }
        final HttpVersion version = version(head, i + 1);
        if (i == targetStart || head[i] != ' ' || version == null || head[i + 9] != '\r' || head[i + 10] != '\n' ||
            i + 11 > maxLineBytes - LIMIT_MARGIN)
        {
            return null;
        }
        final String uri = same(lastUri, head, targetStart, i) ? lastUri :
            (lastUri = new String(head, targetStart, i - targetStart, StandardCharsets.ISO_8859_1));

        // name: OWS value OWS CRLF, each; then CRLF
        final int headersStart = i + 11;
        int count = 0;
        long contentLength = -1;
        for (i = headersStart; ; )
        {
            if (i + 1 >= n)
            {
                return ranOut();
            }
            if (head[i] == '\r')
            {
                if (head[i + 1] != '\n')
                {
                    return null;
                }
                i += 2;
                break;
            }
            final int nameStart = i;
            while (i < n && head[i] >= 0 && TOKEN[head[i]])
            {
                i++;
            }
            if (i == n)
            {
                return ranOut();
            }
            if (i == nameStart || head[i] != ':')
            {
                return null; // no name, blanks before the colon, an obs-fold, a bare LF
            }
            final int shared = sharedIndex(head, nameStart, i - nameStart);
            final AsciiString name = shared >= 0 ? SHARED_NAMES[shared] :
                new AsciiString(head, nameStart, i - nameStart, true);
            i++;
            while (i < n && (head[i] == ' ' || head[i] == '\t'))
            {
                i++;
            }
            final int valueStart = i;
            int valueEnd = i;
            for (; i < n && head[i] != '\r'; i++)
            {
                final byte c = head[i];
                if (c >= 0x21 && c < 0x7f)
                {
                    valueEnd = i + 1;
                }
                else if (c != ' ' && c != '\t')
                {
                    return null; // a control byte (a bare LF too), or one outside ASCII
                }
            }
            if (i + 1 >= n)
            {
                return ranOut();
            }
            if (head[i + 1] != '\n')
            {
                return null; // a CR inside the line
            }
            i += 2;
            if (i - headersStart > maxHeaderBytes - LIMIT_MARGIN || name == HttpHeaderNames.TRANSFER_ENCODING ||
                name == HttpHeaderNames.EXPECT)
            {
                return null;
            }
            if (name == HttpHeaderNames.CONTENT_LENGTH)
            {
                if (contentLength >= 0)
                {
                    return null; // a second one
                }
                contentLength = length(head, valueStart, valueEnd);
                if (contentLength < 0)
                {
                    return null;
                }
            }
            final String value;
            if (shared < 0)
            {
                value = new String(head, valueStart, valueEnd - valueStart, StandardCharsets.ISO_8859_1);
            }
            else if (lastValues[shared] != null && same(lastValues[shared], head, valueStart, valueEnd))
            {
                value = lastValues[shared];
            }
            else
            {
                value = lastValues[shared] = new String(head, valueStart, valueEnd - valueStart, StandardCharsets.ISO_8859_1);
            }
            if (count == pairs.length)
            {
                pairs = Arrays.copyOf(pairs, 2 * count);
            }
            pairs[count++] = name;
            pairs[count++] = value;
        }

        final int bodyLength = (int)Math.max(contentLength, 0);
        if (bodyLength > maxBodyBytes)
        {
            return null; // the aggregator's 413
        }
        if (in.readableBytes() - i < bodyLength)
        {
            bodyShort = true;
            return ranOut(); // the body not all here yet
        }
        in.skipBytes(i);
        final ByteBuf content = bodyLength == 0 ? Unpooled.EMPTY_BUFFER : in.readRetainedSlice(bodyLength);
        // The request line is checked above (a method of Netty's, a target of visible ASCII): not again.
        final HttpHeaders headers = new ReadOnlyHttpHeaders(false, Arrays.copyOf(pairs, count)); // checked above
        return new DefaultFullHttpRequest(version, method, uri, content, headers, EmptyHttpHeaders.INSTANCE, false);
    }

    private DefaultFullHttpRequest ranOut()
    {
        ranOut = true;
        return null;
    }

    /** @return the method of the {@code length} upper-case letters at the start of {@code line}, or null. */
    private static HttpMethod method(final byte[] line, final int length)
    {
        for (final HttpMethod method : METHODS)
        {
            final AsciiString name = method.asciiName();
            if (name.length() == length && sameBytes(name, line, 0))
            {
                return method;
            }
        }
        return null;
    }

    /** @return HTTP/1.1 or HTTP/1.0 if the eight bytes at {@code at} say so, or null. */
    private static HttpVersion version(final byte[] line, final int at)
    {
        if (line[at] != 'H' || line[at + 1] != 'T' || line[at + 2] != 'T' || line[at + 3] != 'P' ||
            line[at + 4] != '/' || line[at + 5] != '1' || line[at + 6] != '.')
        {
            return null;
        }
        return line[at + 7] == '1' ? HttpVersion.HTTP_1_1 : line[at + 7] == '0' ? HttpVersion.HTTP_1_0 : null;
    }

    /** @return the value of a plain decimal Content-Length (no sign, no leading zero, nine digits at most), or -1. */
    private static long length(final byte[] line, final int start, final int end)
    {
        final int digits = end - start;
        if (digits == 0 || digits > 9 || digits > 1 && line[start] == '0')
        {
            return -1;
        }
        long value = 0;
        for (int i = start; i < end; i++)
        {
            final int digit = line[i] - '0';
            if (digit < 0 || digit > 9)
            {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    /** @return true if {@code text} is the bytes from {@code start} to {@code end} (ASCII). */
    private static boolean same(final String text, final byte[] line, final int start, final int end)
    {
        if (text.length() != end - start)
        {
            return false;
        }
        for (int i = start; i < end; i++)
        {
            if (text.charAt(i - start) != line[i])
            {
                return false;
            }
        }
        return true;
    }

    @Override
    protected AsciiString splitHeaderName(final byte[] line, final int start, final int length)
    {
        final int shared = sharedIndex(line, start, length);
        return shared >= 0 ? SHARED_NAMES[shared] : super.splitHeaderName(line, start, length);
    }

    /** @return the index in {@link #SHARED_NAMES} of this header name, in any letter case, or -1. */
    private static int sharedIndex(final byte[] line, final int start, final int length)
    {
        if (length < SHARED_BY_LENGTH.length)
        {
            for (final int index : SHARED_BY_LENGTH[length])
            {
                if (sameIgnoringCase(SHARED_NAMES[index], line, start))
                {
                    return index;
                }
            }
        }
        return -1;
    }

    private static int[][] byLength(final AsciiString[] names)
    {
        int longest = 0;
        for (final AsciiString name : names)
        {
            longest = Math.max(longest, name.length());
        }
        final int[][] byLength = new int[longest + 1][];
        for (int length = 0; length <= longest; length++)
        {
            final int wanted = length;
            byLength[length] = IntStream.range(0, names.length).filter(index -> names[index].length() == wanted).toArray();
        }
        return byLength;
    }

    private static boolean sameBytes(final AsciiString name, final byte[] line, final int start)
    {
        for (int i = 0; i < name.length(); i++)
        {
            if (line[start + i] != name.byteAt(i))
            {
                return false;
            }
        }
        return true;
    }

    /** @param name lower case ASCII */
    private static boolean sameIgnoringCase(final AsciiString name, final byte[] line, final int start)
    {
        for (int i = 0; i < name.length(); i++)
        {
            final int c = line[start + i];
            if ((c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c) != name.byteAt(i))
            {
                return false;
            }
        }
        return true;
    }

    /** @return true if the bytes read so far end inside a request: in its parts, or in bytes not yet decoded. */
    boolean partial()
    {
        return midRequest || actualReadableBytes() > 0;
    }

    /** @return the requests completed so far; the caller compares it across a read. */
    int completed()
    {
        return completed;
    }
}
