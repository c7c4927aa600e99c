package dev.flashsale.engine.protocol;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * Checks and reads the fixed-width, NUL-padded ASCII fields of the protocol without allocating.
 *
 * <p>A value is left aligned; the first NUL ends it and every byte after it must be NUL too, so one
 * value has exactly one encoding (a requirement of the idempotency fingerprint and the state hash).
 */
public final class Ascii
{
    private static final boolean[] SKU_CHARS = new boolean[256];
    private static final boolean[] TOKEN_CHARS = new boolean[256];

    static
    {
        for (int c = 0; c < 256; c++)
        {
            SKU_CHARS[c] = isSkuChar(c);
            TOKEN_CHARS[c] = c >= 0x21 && c <= 0x7E;
        }
    }

    private Ascii()
    {
    }

    /**
     * @return true if {@code width} bytes at {@code offset} hold a SKU code: 1..width characters of
     *     {@code [A-Za-z0-9._-]} followed by NUL padding only. {@code width} is a multiple of 8.
     */
    public static boolean isSkuCode(final DirectBuffer buffer, final int offset, final int width)
    {
        return scan(buffer, offset, width, SKU_CHARS) >= 1;
    }

    /**
     * @return true if {@code width} bytes at {@code offset} hold {@code minLength..width} printable
     *     ASCII characters (0x21..0x7E, no spaces) followed by NUL padding only. {@code width} is a
     *     multiple of 8.
     */
    public static boolean isToken(final DirectBuffer buffer, final int offset, final int width, final int minLength)
    {
        return scan(buffer, offset, width, TOKEN_CHARS) >= minLength;
    }

    /**
     * Reads a NUL-padded field eight bytes at a time (these checks run on every input, and a byte at
     * a time costs a bounds check per byte): finds the first NUL with the zero-byte bit trick, checks
     * each character of the value against {@code allowed}, and the padding for zeroes.
     *
     * @return the value's length, or -1 if a character is not allowed or padding is not all NUL.
     */
    static int scan(final DirectBuffer buffer, final int offset, final int width, final boolean[] allowed)
    {
        for (int at = 0; at < width; at += Long.BYTES)
        {
            final long word = buffer.getLong(offset + at, ByteOrder.LITTLE_ENDIAN);
            final long zeroes = (word - 0x0101010101010101L) & ~word & 0x8080808080808080L;
            // the lowest flagged byte is exactly the first NUL (flags above it may be false positives)
            final int valueBytes = zeroes == 0 ? Long.BYTES : Long.numberOfTrailingZeros(zeroes) >>> 3;
            for (int i = 0; i < valueBytes; i++)
            {
                if (!allowed[(int)(word >>> (i << 3)) & 0xFF])
                {
                    return -1;
                }
            }
            if (valueBytes < Long.BYTES)
            {
                if (valueBytes < Long.BYTES - 1 && word >>> ((valueBytes + 1) << 3) != 0)
                {
                    return -1;
                }
                for (int rest = at + Long.BYTES; rest < width; rest += Long.BYTES)
                {
                    if (buffer.getLong(offset + rest, ByteOrder.LITTLE_ENDIAN) != 0)
                    {
                        return -1;
                    }
                }
                return at + valueBytes;
            }
        }
        return width;
    }

    /** @return true if three bytes at {@code offset} are upper-case ASCII letters. */
    public static boolean isCurrency(final DirectBuffer buffer, final int offset)
    {
        for (int i = 0; i < 3; i++)
        {
            final byte b = buffer.getByte(offset + i);
            if (b < 'A' || b > 'Z')
            {
                return false;
            }
        }
        return true;
    }

    /** @return true if the character may appear in a SKU code. */
    public static boolean isSkuChar(final int c)
    {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '.' || c == '_' || c == '-';
    }

    /** @return true if {@code value} is a valid SKU code (for checks outside the hot path). */
    public static boolean isSkuCode(final CharSequence value)
    {
        if (value.length() == 0 || value.length() > ProtocolLimits.SKU_CODE_LENGTH)
        {
            return false;
        }
        for (int i = 0; i < value.length(); i++)
        {
            if (!isSkuChar(value.charAt(i)))
            {
                return false;
            }
        }
        return true;
    }

    /** Reads a NUL-padded value as a String: for tools, tests and logs, never the hot path. */
    public static String toString(final DirectBuffer buffer, final int offset, final int width)
    {
        final StringBuilder text = new StringBuilder(width);
        for (int i = 0; i < width; i++)
        {
            final byte b = buffer.getByte(offset + i);
            if (b == 0)
            {
                break;
            }
            text.append(b >= 0x20 && b < 0x7F ? (char)b : '?');
        }
        return text.toString();
    }
}
