package dev.flashsale.gateway.http;

import io.netty.buffer.ByteBuf;

/**
 * A number written in decimal ASCII straight into a buffer, without a {@code String}: the lengths and
 * ids of the answers the gateway encodes whole, and of the requests the load generator encodes.
 */
public final class AsciiDecimal
{
    private AsciiDecimal()
    {
    }

    /** Writes {@code value} in decimal ASCII at {@code out}'s writer index, as {@link Long#toString(long)} does. */
    public static void write(final ByteBuf out, final long value)
    {
        int chars = value < 0 ? 2 : 1;
        for (long rest = value / 10; rest != 0; rest /= 10)
        {
            chars++;
        }
        final int at = out.writerIndex();
        out.ensureWritable(chars);
        long rest = value;
        for (int i = at + chars - 1; i >= at + (value < 0 ? 1 : 0); i--)
        {
            out.setByte(i, (int)('0' + Math.abs(rest % 10)));
            rest /= 10;
        }
        if (value < 0)
        {
            out.setByte(at, '-');
        }
        out.writerIndex(at + chars);
    }
}
