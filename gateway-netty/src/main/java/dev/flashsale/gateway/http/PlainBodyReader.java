package dev.flashsale.gateway.http;

import dev.flashsale.engine.protocol.ProtocolLimits;

/**
 * The reserve and confirm bodies every storefront sends, read without Jackson and without
 * allocating: a parser, its contexts, its duplicate detector and a String per SKU cost a few hundred
 * bytes and a good part of an event loop's time per request, for bodies of fifty bytes.
 *
 * <p>It reads only the plainest JSON: the routes' own fields, each once, in any order; strings of
 * printable ASCII without escapes; integers without sign, fraction, exponent or leading zero, of at
 * most 18 digits; space, tab, CR and LF between tokens; nothing after the object. It accepts a body
 * only if it is complete and valid, every value in range (the same ranges as {@link CommandReader}'s
 * Jackson reader), the lines' SKUs distinct and the body's customer the token's. Every other body,
 * valid or not, it declines, and {@link CommandReader} reads that one with Jackson, which gives the
 * answer and the message it always gave. So a body it accepts is one Jackson's reader accepts with the
 * same values (its grammar is a subset of JSON's, and its checks are those of the Jackson reader),
 * and every refusal is Jackson's.
 *
 * <p>The SKUs and the payment reference it read are views into the caller's body array
 * ({@link AsciiView}), valid until the next body. One instance per event loop; not thread-safe.
 */
final class PlainBodyReader
{
    /** Longer bodies (a reserve of 16 lines is under 1 KB) are left to Jackson and its document limits. */
    static final int MAX_BODY_BYTES = 4096;

    private static final byte[] CUSTOMER_ID = ascii("customerId");
    private static final byte[] HOLD_SECONDS = ascii("holdSeconds");
    private static final byte[] LINES = ascii("lines");
    private static final byte[] SKU = ascii("sku");
    private static final byte[] QTY = ascii("qty");
    private static final byte[] PAYMENT_REF = ascii("paymentRef");
    private static final boolean[] SKU_CHARS = new boolean[128];

    static
    {
        for (int c = 0; c < 128; c++)
        {
            SKU_CHARS[c] = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' ||
                c == '-';
        }
    }

    private final AsciiView[] skus = new AsciiView[ProtocolLimits.MAX_LINES_PER_CHECKOUT];
    private final int[] quantities = new int[ProtocolLimits.MAX_LINES_PER_CHECKOUT];
    private final AsciiView paymentRef = new AsciiView();
    private byte[] b;
    private int pos;
    private int end;
    /** Start and end of the last string read. */
    private int stringStart;
    private int stringEnd;
    private long holdSeconds;
    private int lineCount;

    PlainBodyReader()
    {
        for (int i = 0; i < skus.length; i++)
        {
            skus[i] = new AsciiView();
        }
    }

    /**
     * Reads {@code {customerId, lines: [{sku, qty}], holdSeconds?}}.
     *
     * @return true if the body is a valid reserve of {@code customerId}, read into {@link #skus()},
     *     {@link #quantities()}, {@link #lineCount()} and {@link #holdSeconds()} (0 when absent);
     *     false if Jackson's reader has to read it.
     */
    boolean reserve(final byte[] body, final int length, final long customerId, final long minHoldSeconds,
        final long maxHoldSeconds, final int maxLines, final int maxQuantity)
    {
        if (!open(body, length))
        {
            return false;
        }
        long bodyCustomer = 0;
        long hold = 0;
        int lines = -1;
        while (true)
        {
            if (!string())
            {
                return false;
            }
            final int nameStart = stringStart;
            final int nameEnd = stringEnd;
            if (!colon())
            {
                return false;
            }
            if (is(nameStart, nameEnd, CUSTOMER_ID) && bodyCustomer == 0)
            {
                bodyCustomer = number(1, Long.MAX_VALUE);
                if (bodyCustomer < 0)
                {
                    return false;
                }
            }
            else if (is(nameStart, nameEnd, HOLD_SECONDS) && hold == 0)
            {
                hold = number(minHoldSeconds, maxHoldSeconds);
                if (hold <= 0) // a minimum of 0 would make an explicit 0 look absent: left to Jackson
                {
                    return false;
                }
            }
            else if (is(nameStart, nameEnd, LINES) && lines < 0)
            {
                lines = lines(maxLines, maxQuantity);
                if (lines < 0)
                {
                    return false;
                }
            }
            else
            {
                return false; // unknown or repeated
            }
            final int next = afterValue('}');
            if (next < 0)
            {
                return false;
            }
            if (next == '}')
            {
                break;
            }
        }
        if (!atEnd() || bodyCustomer != customerId || lines < 1)
        {
            return false;
        }
        holdSeconds = hold;
        lineCount = lines;
        return true;
    }

    /**
     * Reads {@code {paymentRef}}.
     *
     * @return true if the body is a valid confirm, its reference in {@link #paymentRef()}; false if
     *     Jackson's reader has to read it.
     */
    boolean confirm(final byte[] body, final int length)
    {
        if (!open(body, length) || !string() || !is(stringStart, stringEnd, PAYMENT_REF) || !colon() || !string())
        {
            return false;
        }
        final int refLength = stringEnd - stringStart;
        if (refLength < 1 || refLength > ProtocolLimits.PAYMENT_REF_LENGTH || !printableNoSpace(stringStart, stringEnd))
        {
            return false;
        }
        paymentRef.wrap(b, stringStart, refLength);
        return afterValue('}') == '}' && atEnd();
    }

    CharSequence[] skus()
    {
        return skus;
    }

    int[] quantities()
    {
        return quantities;
    }

    int lineCount()
    {
        return lineCount;
    }

    long holdSeconds()
    {
        return holdSeconds;
    }

    CharSequence paymentRef()
    {
        return paymentRef;
    }

    /** Starts a body: not empty, not too long, an object that opens with a field. */
    private boolean open(final byte[] body, final int length)
    {
        if (length <= 0 || length > MAX_BODY_BYTES || length > body.length)
        {
            return false;
        }
        b = body;
        pos = 0;
        end = length;
        skipWhitespace();
        if (pos == end || b[pos] != '{')
        {
            return false;
        }
        pos++;
        return true;
    }

    /** Reads {@code [{sku, qty}, ...]}. @return the number of lines, or -1. */
    private int lines(final int maxLines, final int maxQuantity)
    {
        if (pos == end || b[pos] != '[')
        {
            return -1;
        }
        pos++;
        int count = 0;
        while (true)
        {
            skipWhitespace();
            if (pos == end || b[pos] != '{' || count == maxLines || count == skus.length)
            {
                return -1;
            }
            pos++;
            int skuStart = -1;
            int skuEnd = -1;
            long qty = 0;
            while (true)
            {
                if (!string())
                {
                    return -1;
                }
                final int nameStart = stringStart;
                final int nameEnd = stringEnd;
                if (!colon())
                {
                    return -1;
                }
                if (is(nameStart, nameEnd, SKU) && skuStart < 0)
                {
                    if (!string() || !skuCode(stringStart, stringEnd))
                    {
                        return -1;
                    }
                    skuStart = stringStart;
                    skuEnd = stringEnd;
                }
                else if (is(nameStart, nameEnd, QTY) && qty == 0)
                {
                    qty = number(1, maxQuantity);
                    if (qty < 0)
                    {
                        return -1;
                    }
                }
                else
                {
                    return -1;
                }
                final int next = afterValue('}');
                if (next < 0)
                {
                    return -1;
                }
                if (next == '}')
                {
                    break;
                }
            }
            if (skuStart < 0 || qty == 0)
            {
                return -1;
            }
            for (int i = 0; i < count; i++)
            {
                if (skus[i].sameBytes(b, skuStart, skuEnd - skuStart))
                {
                    return -1;
                }
            }
            skus[count].wrap(b, skuStart, skuEnd - skuStart);
            quantities[count] = (int)qty;
            count++;
            final int next = afterValue(']');
            if (next < 0)
            {
                return -1;
            }
            if (next == ']')
            {
                return count;
            }
        }
    }

    /**
     * After a value: whitespace, then a comma (more follows) or {@code close}.
     *
     * @return ',' or {@code close}, or -1 for anything else.
     */
    private int afterValue(final char close)
    {
        skipWhitespace();
        if (pos == end)
        {
            return -1;
        }
        final byte c = b[pos++];
        return c == ',' || c == close ? c : -1;
    }

    /** Whitespace, a colon, whitespace. */
    private boolean colon()
    {
        skipWhitespace();
        if (pos == end || b[pos] != ':')
        {
            return false;
        }
        pos++;
        skipWhitespace();
        return true;
    }

    /**
     * After whitespace, a string of printable ASCII without escapes: its content is
     * {@link #stringStart}..{@link #stringEnd}.
     */
    private boolean string()
    {
        skipWhitespace();
        if (pos == end || b[pos] != '"')
        {
            return false;
        }
        final int start = ++pos;
        while (pos < end)
        {
            final byte c = b[pos];
            if (c == '"')
            {
                stringStart = start;
                stringEnd = pos++;
                return true;
            }
            if (c < 0x20 || c > 0x7E || c == '\\') // control, non-ASCII (negative) or an escape
            {
                return false;
            }
            pos++;
        }
        return false;
    }

    /** @return an integer of 1 to 18 digits without a leading zero, in {@code min..max}; or -1. */
    private long number(final long min, final long max)
    {
        if (pos == end || b[pos] < '1' || b[pos] > '9')
        {
            return -1;
        }
        final int start = pos;
        long value = 0;
        while (pos < end && b[pos] >= '0' && b[pos] <= '9')
        {
            if (pos - start == 18)
            {
                return -1;
            }
            value = value * 10 + (b[pos++] - '0');
        }
        return value < min || value > max ? -1 : value;
    }

    private void skipWhitespace()
    {
        while (pos < end)
        {
            final byte c = b[pos];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
            {
                return;
            }
            pos++;
        }
    }

    private boolean atEnd()
    {
        skipWhitespace();
        return pos == end;
    }

    private boolean is(final int start, final int stop, final byte[] name)
    {
        if (stop - start != name.length)
        {
            return false;
        }
        for (int i = 0; i < name.length; i++)
        {
            if (b[start + i] != name[i])
            {
                return false;
            }
        }
        return true;
    }

    private boolean skuCode(final int start, final int stop)
    {
        if (stop - start < 1 || stop - start > ProtocolLimits.SKU_CODE_LENGTH)
        {
            return false;
        }
        for (int i = start; i < stop; i++)
        {
            if (!SKU_CHARS[b[i]]) // string() let only 0x20..0x7E through
            {
                return false;
            }
        }
        return true;
    }

    private boolean printableNoSpace(final int start, final int stop)
    {
        for (int i = start; i < stop; i++)
        {
            if (b[i] == ' ') // string() let only 0x20..0x7E through
            {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(final String s)
    {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
