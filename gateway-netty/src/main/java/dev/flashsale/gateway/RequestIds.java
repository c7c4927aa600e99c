package dev.flashsale.gateway;

import io.netty.util.AsciiString;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The request id of every answer, sent back as {@code X-Request-Id} and written in the access log:
 * the client's own when it sent a well-formed one (so a storefront can follow its request through
 * our log), else one made here. One instance per thread (in its {@link LoopScratch}), so making an
 * id touches no shared counter: it is a random prefix drawn once per process (48 bits, so ids of
 * different processes and restarts do not meet), the number of the thread, and that thread's own
 * count, as 25 lower-case hex characters and a dash, e.g. {@code 5f0c1a9e22b7-0300000002a1f}.
 * Making one allocates its String only.
 */
final class RequestIds
{
    static final AsciiString HEADER = AsciiString.cached("x-request-id");
    /** Longest client-supplied id taken; a longer one is replaced. */
    static final int MAX_CLIENT_ID_LENGTH = 64;

    private static final long PROCESS_PREFIX = new SecureRandom().nextLong() & 0xFFFF_FFFF_FFFFL;
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final int PREFIX_CHARS = 12;
    private static final int THREAD_CHARS = 2;
    private static final int COUNT_CHARS = 11;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final char[] id = new char[PREFIX_CHARS + 1 + THREAD_CHARS + COUNT_CHARS];
    private long count;

    RequestIds()
    {
        hex(PROCESS_PREFIX, 0, PREFIX_CHARS);
        id[PREFIX_CHARS] = '-';
        // 256 threads (gateway.io-threads is at most 64, plus the catalog thread) before the thread part repeats.
        hex(THREADS.getAndIncrement(), PREFIX_CHARS + 1, THREAD_CHARS);
    }

    /** @return the client's id if {@link #wellFormed}, else a new one. */
    String of(final String clientId)
    {
        return clientId != null && wellFormed(clientId) ? clientId : next();
    }

    /** @return a new id, unique in this process (2^44 per thread before the count wraps). */
    String next()
    {
        hex(++count, PREFIX_CHARS + 1 + THREAD_CHARS, COUNT_CHARS);
        return new String(id);
    }

    /**
     * @return true for 1..{@value #MAX_CLIENT_ID_LENGTH} characters of {@code A-Z a-z 0-9 - _ . : ~}:
     *     enough for UUIDs, trace ids and our own ids, and nothing that could break a log line.
     */
    static boolean wellFormed(final CharSequence candidate)
    {
        final int length = candidate.length();
        if (length == 0 || length > MAX_CLIENT_ID_LENGTH)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            final char c = candidate.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
                c == '-' || c == '_' || c == '.' || c == ':' || c == '~'))
            {
                return false;
            }
        }
        return true;
    }

    private void hex(final long value, final int at, final int chars)
    {
        long rest = value;
        for (int i = at + chars - 1; i >= at; i--)
        {
            id[i] = HEX[(int)(rest & 0xF)];
            rest >>>= 4;
        }
    }
}
