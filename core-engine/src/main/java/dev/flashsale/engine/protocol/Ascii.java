package dev.flashsale.engine.protocol;

import org.agrona.DirectBuffer;

/**
 * Checks and reads the fixed-width, NUL-padded ASCII fields of the protocol without allocating.
 *
 * <p>A value is left aligned; the first NUL ends it and every byte after it must be NUL too, so one
 * value has exactly one encoding (a requirement of the idempotency fingerprint and the state hash).
 */
public final class Ascii
{
    private Ascii()
    {
    }

    /**
     * @return true if {@code width} bytes at {@code offset} hold a SKU code: 1..width characters of
     *     {@code [A-Za-z0-9._-]} followed by NUL padding only.
     */
    public static boolean isSkuCode(final DirectBuffer buffer, final int offset, final int width)
    {
        final int length = valueLength(buffer, offset, width);
        if (length <= 0)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (!isSkuChar(buffer.getByte(offset + i)))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @return true if {@code width} bytes at {@code offset} hold {@code minLength..width} printable
     *     ASCII characters (0x21..0x7E, no spaces) followed by NUL padding only.
     */
    public static boolean isToken(final DirectBuffer buffer, final int offset, final int width, final int minLength)
    {
        final int length = valueLength(buffer, offset, width);
        if (length < minLength)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            final byte b = buffer.getByte(offset + i);
            if (b < 0x21 || b > 0x7E)
            {
                return false;
            }
        }
        return true;
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

    /**
     * @return the number of bytes before the first NUL, or -1 if a non-NUL byte follows a NUL.
     */
    public static int valueLength(final DirectBuffer buffer, final int offset, final int width)
    {
        int length = width;
        for (int i = 0; i < width; i++)
        {
            if (buffer.getByte(offset + i) == 0)
            {
                length = i;
                break;
            }
        }
        for (int i = length + 1; i < width; i++)
        {
            if (buffer.getByte(offset + i) != 0)
            {
                return -1;
            }
        }
        return length;
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
