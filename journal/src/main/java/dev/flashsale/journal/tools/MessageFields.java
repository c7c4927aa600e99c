package dev.flashsale.journal.tools;

import org.agrona.DirectBuffer;
import uk.co.real_logic.sbe.ir.Token;
import uk.co.real_logic.sbe.otf.AbstractTokenListener;
import uk.co.real_logic.sbe.otf.Types;

import java.util.ArrayList;
import java.util.List;

/**
 * The fields the dump filters on, gathered by name from any message: every {@code sku} (top level
 * or in lines), {@code customerId}, {@code checkoutId}.
 */
final class MessageFields extends AbstractTokenListener
{
    final List<String> skus = new ArrayList<>();
    long customerId;
    long checkoutId;

    @Override
    public void onEncoding(
        final Token fieldToken, final DirectBuffer buffer, final int index, final Token typeToken, final int actingVersion)
    {
        switch (fieldToken.name())
        {
            case "sku" ->
            {
                final StringBuilder code = new StringBuilder();
                for (int i = 0; i < typeToken.arrayLength() && buffer.getByte(index + i) != 0; i++)
                {
                    code.append((char)buffer.getByte(index + i));
                }
                skus.add(code.toString());
            }
            case "customerId" -> customerId = Types.getLong(buffer, index, typeToken.encoding());
            case "checkoutId" -> checkoutId = Types.getLong(buffer, index, typeToken.encoding());
            default ->
            {
                // not filtered on
            }
        }
    }
}
