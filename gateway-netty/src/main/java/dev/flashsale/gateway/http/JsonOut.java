package dev.flashsale.gateway.http;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Writes one JSON document into a {@link ByteBuf}: objects, arrays, numbers, strings (escaped)
 * and epoch-ms times as ISO-8601. Commas are placed by the writer. Reused per event loop: call
 * {@link #start(ByteBuf)} for each document.
 *
 * <p>The document is built in an array of this writer's and reaches the {@code ByteBuf} in one
 * copy when its outermost object or array closes: a byte at a time into a pooled buffer (bounds,
 * capacity and reference-count checks on each) cost a quarter of the event loop's time.
 */
public final class JsonOut
{
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_DEPTH = 16;

    private ByteBuf target;
    private final boolean[] needsComma = new boolean[MAX_DEPTH];
    private int depth;
    private final Bytes out = new Bytes();

    public JsonOut start(final ByteBuf target)
    {
        this.target = target;
        out.position = 0;
        depth = 0;
        needsComma[0] = false;
        return this;
    }

    /** Copies the document to the target: called when the outermost object or array closes. */
    private void flush()
    {
        target.writeBytes(out.bytes, 0, out.position);
        out.position = 0;
    }

    /** The document being written: a growable array. */
    private static final class Bytes
    {
        private byte[] bytes = new byte[1024];
        private int position;

        Bytes writeByte(final int value)
        {
            if (position == bytes.length)
            {
                bytes = java.util.Arrays.copyOf(bytes, bytes.length * 2);
            }
            bytes[position++] = (byte)value;
            return this;
        }

        void writeAscii(final CharSequence text)
        {
            for (int i = 0, n = text.length(); i < n; i++)
            {
                writeByte(text.charAt(i));
            }
        }
    }

    public JsonOut beginObject()
    {
        separate();
        out.writeByte('{');
        push();
        return this;
    }

    public JsonOut endObject()
    {
        depth--;
        out.writeByte('}');
        if (depth == 0)
        {
            flush();
        }
        return this;
    }

    public JsonOut beginArray()
    {
        separate();
        out.writeByte('[');
        push();
        return this;
    }

    public JsonOut endArray()
    {
        depth--;
        out.writeByte(']');
        if (depth == 0)
        {
            flush();
        }
        return this;
    }

    /** Writes a field name, quoted and escaped as a string is; the value follows. */
    public JsonOut name(final String name)
    {
        separate();
        string(name);
        out.writeByte(':');
        needsComma[depth] = false; // the value follows without a comma
        return this;
    }

    public JsonOut value(final long value)
    {
        separate();
        writeLong(value);
        return this;
    }

    public JsonOut value(final boolean value)
    {
        separate();
        out.writeAscii(value ? "true" : "false");
        return this;
    }

    public JsonOut value(final CharSequence value)
    {
        separate();
        if (value == null)
        {
            out.writeAscii("null");
            return this;
        }
        string(value);
        return this;
    }

    /** A quoted string: quotes and backslashes escaped; control characters and all past ASCII as six-character unicode escapes. */
    private void string(final CharSequence value)
    {
        out.writeByte('"');
        for (int i = 0, n = value.length(); i < n; i++)
        {
            final char c = value.charAt(i);
            if (c == '"' || c == '\\')
            {
                out.writeByte('\\').writeByte(c);
            }
            else if (c < 0x20 || c >= 0x7F)
            {
                out.writeByte('\\').writeByte('u').writeByte(HEX[c >> 12 & 0xF]).writeByte(HEX[c >> 8 & 0xF])
                    .writeByte(HEX[c >> 4 & 0xF]).writeByte(HEX[c & 0xF]);
            }
            else
            {
                out.writeByte(c);
            }
        }
        out.writeByte('"');
    }

    /**
     * Writes epoch ms as an ISO-8601 UTC string, exactly as {@link Instant#toString()} would
     * ({@code 2026-12-04T15:12:42.123Z}, no fraction on a whole second), without building the
     * string: every answer about a checkout carries one or two times.
     */
    public JsonOut time(final long epochMs)
    {
        final long days = Math.floorDiv(epochMs, 86_400_000L);
        final int msOfDay = (int)Math.floorMod(epochMs, 86_400_000L);
        // Civil date from days since 1970-01-01, by 400-year eras of 146,097 days starting on March 1st.
        final long shifted = days + 719_468;
        final long era = Math.floorDiv(shifted, 146_097);
        final long dayOfEra = shifted - era * 146_097;
        final long yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        final long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        final long monthIndex = (5 * dayOfYear + 2) / 153; // 0 = March
        final int day = (int)(dayOfYear - (153 * monthIndex + 2) / 5 + 1);
        final int month = (int)(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
        final long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        if (year < 0 || year > 9_999)
        {
            return value(Instant.ofEpochMilli(epochMs).toString()); // signs and wide years: the JDK's rules
        }
        separate();
        out.writeByte('"');
        digits((int)year, 4).writeByte('-');
        digits(month, 2).writeByte('-');
        digits(day, 2).writeByte('T');
        digits(msOfDay / 3_600_000, 2).writeByte(':');
        digits(msOfDay / 60_000 % 60, 2).writeByte(':');
        digits(msOfDay / 1_000 % 60, 2);
        if (msOfDay % 1_000 != 0)
        {
            out.writeByte('.');
            digits(msOfDay % 1_000, 3);
        }
        out.writeByte('Z').writeByte('"');
        return this;
    }

    private Bytes digits(final int value, final int width)
    {
        int divisor = 1;
        for (int i = 1; i < width; i++)
        {
            divisor *= 10;
        }
        for (; divisor > 0; divisor /= 10)
        {
            out.writeByte('0' + value / divisor % 10);
        }
        return out;
    }

    /** Writes the value of a decimal id as a string (ids exceed what JSON numbers carry exactly). */
    public JsonOut id(final long id)
    {
        separate();
        out.writeByte('"');
        writeLong(id);
        out.writeByte('"');
        return this;
    }

    public JsonOut field(final String name, final long value)
    {
        return name(name).value(value);
    }

    public JsonOut field(final String name, final boolean value)
    {
        return name(name).value(value);
    }

    public JsonOut field(final String name, final CharSequence value)
    {
        return name(name).value(value);
    }

    private void push()
    {
        depth++;
        needsComma[depth] = false;
    }

    private void separate()
    {
        if (needsComma[depth])
        {
            out.writeByte(',');
        }
        needsComma[depth] = true;
    }

    private void writeLong(final long value)
    {
        if (value == Long.MIN_VALUE)
        {
            out.writeAscii("-9223372036854775808");
            return;
        }
        long v = value;
        if (v < 0)
        {
            out.writeByte('-');
            v = -v;
        }
        long divisor = 1;
        while (v / divisor >= 10)
        {
            divisor *= 10;
        }
        while (divisor > 0)
        {
            out.writeByte((int)('0' + v / divisor % 10));
            divisor /= 10;
        }
    }
}
