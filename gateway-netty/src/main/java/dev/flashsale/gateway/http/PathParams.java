package dev.flashsale.gateway.http;

import dev.flashsale.engine.protocol.Ascii;

/** The values a request carries in its path and headers: SKU codes, checkout ids, header tokens. */
public final class PathParams
{
    private PathParams()
    {
    }

    /** @return the SKU code of a path segment, or throws. */
    public static String sku(final String segment)
    {
        if (!Ascii.isSkuCode(segment))
        {
            throw new BadRequest("the SKU code in the path must be 1..32 characters of [A-Za-z0-9._-]");
        }
        return segment;
    }

    /** @return a checkout id of a path segment (a positive decimal), or throws. */
    public static long checkoutId(final String segment)
    {
        if (segment.isEmpty() || segment.length() > 19)
        {
            throw new BadRequest("the checkout id in the path must be a positive decimal number");
        }
        long id = 0;
        for (int i = 0; i < segment.length(); i++)
        {
            final char c = segment.charAt(i);
            if (c < '0' || c > '9')
            {
                throw new BadRequest("the checkout id in the path must be a positive decimal number");
            }
            id = id * 10 + (c - '0');
            if (id < 0)
            {
                throw new BadRequest("the checkout id in the path is out of range");
            }
        }
        if (id == 0)
        {
            throw new BadRequest("the checkout id in the path must be a positive decimal number");
        }
        return id;
    }

    /** @return true if {@code value} is 1..maxLength printable ASCII characters without spaces. */
    public static boolean isToken(final CharSequence value, final int maxLength)
    {
        if (value == null || value.length() == 0 || value.length() > maxLength)
        {
            return false;
        }
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c < 0x21 || c > 0x7E)
            {
                return false;
            }
        }
        return true;
    }
}
