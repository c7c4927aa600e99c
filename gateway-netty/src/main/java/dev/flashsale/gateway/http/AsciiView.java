package dev.flashsale.gateway.http;

import java.nio.charset.StandardCharsets;

/**
 * Bytes of ASCII in an array, read as characters without copying them into a String: a SKU code or
 * a payment reference of a request body, handed to the SBE encoder (which takes any
 * {@link CharSequence}). Valid until the array is reused; not thread-safe.
 */
final class AsciiView implements CharSequence
{
    private byte[] bytes = new byte[0];
    private int offset;
    private int length;

    void wrap(final byte[] bytes, final int offset, final int length)
    {
        this.bytes = bytes;
        this.offset = offset;
        this.length = length;
    }

    /** @return true if this view holds the same bytes as {@code length} bytes of {@code other} from {@code from}. */
    boolean sameBytes(final byte[] other, final int from, final int length)
    {
        if (length != this.length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (bytes[offset + i] != other[from + i])
            {
                return false;
            }
        }
        return true;
    }

    @Override
    public int length()
    {
        return length;
    }

    @Override
    public char charAt(final int index)
    {
        if (index < 0 || index >= length)
        {
            throw new IndexOutOfBoundsException(index);
        }
        return (char)(bytes[offset + index] & 0xFF);
    }

    @Override
    public CharSequence subSequence(final int start, final int end)
    {
        return toString().subSequence(start, end);
    }

    @Override
    public String toString()
    {
        return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
    }
}
