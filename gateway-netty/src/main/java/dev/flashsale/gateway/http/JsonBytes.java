package dev.flashsale.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * A JSON document written straight into a byte array, for the one answer whose shape is fixed and
 * sent for nearly every request (the checkout): no generator, write context or I/O context per
 * document, as {@link JsonDocument}'s Jackson generator has. Field names are encoded once
 * ({@link Name}); strings are escaped exactly as Jackson's default generator escapes them, so the
 * two writers give the same bytes (JsonBytesTest compares them on random documents). Writes
 * objects and arrays of objects, not objects nested as field values. One per thread; not
 * thread-safe.
 */
public final class JsonBytes
{
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private byte[] bytes = new byte[512];
    private int size;
    private boolean comma;
    private final char[] chars = new char[32];

    /** A field's name, quoted and followed by its colon, encoded once. */
    public static final class Name
    {
        private final byte[] encoded;

        private Name(final byte[] encoded)
        {
            this.encoded = encoded;
        }
    }

    /** @return the field name {@code name} (plain ASCII letters and digits, as every field of the API). */
    public static Name name(final String name)
    {
        if (!name.chars().allMatch(c -> c < 128 && Character.isLetterOrDigit(c)))
        {
            throw new IllegalArgumentException("a field name of letters and digits only: " + name);
        }
        return new Name(("\"" + name + "\":").getBytes(StandardCharsets.US_ASCII));
    }

    /** Starts a new document: what was written before is dropped. @return this. */
    public JsonBytes start()
    {
        size = 0;
        comma = false;
        return this;
    }

    /** Opens an object: the document itself, or an element of the open array. */
    public void startObject()
    {
        separate();
        put((byte)'{');
        comma = false;
    }

    public void endObject()
    {
        put((byte)'}');
        comma = true;
    }

    /** Opens the array of the field {@code name}. */
    public void startArray(final Name name)
    {
        field(name);
        put((byte)'[');
        comma = false;
    }

    public void endArray()
    {
        put((byte)']');
        comma = true;
    }

    /** Writes the field {@code name}: a number. */
    public void number(final Name name, final long value)
    {
        field(name);
        digits(value);
        comma = true;
    }

    /** Writes the field {@code name}: a decimal id as a string (ids exceed what JSON numbers carry exactly). */
    public void id(final Name name, final long id)
    {
        field(name);
        put((byte)'"');
        digits(id);
        put((byte)'"');
        comma = true;
    }

    /** Writes the field {@code name}: epoch ms as an ISO-8601 UTC string, exactly as {@link Instant#toString()}. */
    public void time(final Name name, final long epochMs)
    {
        final int length = IsoTime.format(epochMs, chars);
        if (length < 0)
        {
            string(name, Instant.ofEpochMilli(epochMs).toString()); // signs and wide years: the JDK's rules
            return;
        }
        field(name);
        ensure(length + 2);
        bytes[size++] = '"';
        for (int i = 0; i < length; i++)
        {
            bytes[size++] = (byte)chars[i];
        }
        bytes[size++] = '"';
        comma = true;
    }

    /** Writes the field {@code name}: a string, escaped as Jackson escapes it, in UTF-8 (surrogates escaped). */
    public void string(final Name name, final CharSequence value)
    {
        field(name);
        put((byte)'"');
        final int length = value.length();
        for (int i = 0; i < length; i++)
        {
            final char c = value.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\')
            {
                put((byte)c);
            }
            else if (c < 0x80)
            {
                escape(c);
            }
            else if (Character.isSurrogate(c))
            {
                unicodeEscape(c); // as Jackson does by default: each half of a pair escaped on its own
            }
            else
            {
                utf8(c);
            }
        }
        put((byte)'"');
        comma = true;
    }

    /** @return the length of the document written so far, in bytes. */
    public int size()
    {
        return size;
    }

    /** Writes the document, complete, at the end of {@code out}. */
    public void writeTo(final ByteBuf out)
    {
        out.writeBytes(bytes, 0, size);
    }

    /** @return the document, complete, in a buffer of {@code alloc} of exactly its size. */
    public ByteBuf finish(final ByteBufAllocator alloc)
    {
        final ByteBuf body = alloc.buffer(size);
        body.writeBytes(bytes, 0, size);
        return body;
    }

    private void escape(final char c)
    {
        final char shortForm = switch (c)
        {
            case '"' -> '"';
            case '\\' -> '\\';
            case '\b' -> 'b';
            case '\f' -> 'f';
            case '\n' -> 'n';
            case '\r' -> 'r';
            case '\t' -> 't';
            default -> 0;
        };
        if (shortForm == 0)
        {
            unicodeEscape(c);
            return;
        }
        ensure(2);
        bytes[size++] = '\\';
        bytes[size++] = (byte)shortForm;
    }

    private void unicodeEscape(final char c)
    {
        ensure(6);
        bytes[size++] = '\\';
        bytes[size++] = 'u';
        bytes[size++] = HEX[c >> 12];
        bytes[size++] = HEX[c >> 8 & 0xF];
        bytes[size++] = HEX[c >> 4 & 0xF];
        bytes[size++] = HEX[c & 0xF];
    }

    private void utf8(final char c)
    {
        ensure(3);
        if (c < 0x800)
        {
            bytes[size++] = (byte)(0xC0 | c >> 6);
        }
        else
        {
            bytes[size++] = (byte)(0xE0 | c >> 12);
            bytes[size++] = (byte)(0x80 | (c >> 6 & 0x3F));
        }
        bytes[size++] = (byte)(0x80 | (c & 0x3F));
    }

    private void digits(final long value)
    {
        ensure(20);
        for (int position = decimal(value, chars); position < chars.length; position++)
        {
            bytes[size++] = (byte)chars[position];
        }
    }

    /** Writes {@code value} in decimal at the end of {@code out} (20 chars at most). @return where it starts. */
    static int decimal(final long value, final char[] out)
    {
        int position = out.length;
        long rest = value;
        do
        {
            out[--position] = (char)('0' + Math.abs(rest % 10));
            rest /= 10;
        }
        while (rest != 0);
        if (value < 0)
        {
            out[--position] = '-';
        }
        return position;
    }

    private void field(final Name name)
    {
        separate();
        ensure(name.encoded.length);
        System.arraycopy(name.encoded, 0, bytes, size, name.encoded.length);
        size += name.encoded.length;
    }

    private void separate()
    {
        if (comma)
        {
            put((byte)',');
        }
    }

    private void put(final byte b)
    {
        ensure(1);
        bytes[size++] = b;
    }

    private void ensure(final int more)
    {
        if (size + more > bytes.length)
        {
            bytes = Arrays.copyOf(bytes, Math.max(size + more, 2 * bytes.length));
        }
    }
}
