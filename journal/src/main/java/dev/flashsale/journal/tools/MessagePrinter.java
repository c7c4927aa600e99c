package dev.flashsale.journal.tools;

import org.agrona.DirectBuffer;
import uk.co.real_logic.sbe.PrimitiveType;
import uk.co.real_logic.sbe.ir.Encoding;
import uk.co.real_logic.sbe.ir.Ir;
import uk.co.real_logic.sbe.ir.IrDecoder;
import uk.co.real_logic.sbe.ir.Token;
import uk.co.real_logic.sbe.otf.AbstractTokenListener;
import uk.co.real_logic.sbe.otf.OtfHeaderDecoder;
import uk.co.real_logic.sbe.otf.OtfMessageDecoder;
import uk.co.real_logic.sbe.otf.Types;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Prints any message of the protocol, command or output, as one line of text ({@code name=value})
 * or of JSON, decoded on the fly from the schema's intermediate representation (generated with the
 * codecs): no printer to keep in step with each message. For tools, not the hot path.
 */
final class MessagePrinter extends AbstractTokenListener
{
    private final Ir ir;
    private final OtfHeaderDecoder header;
    private final ArrayDeque<Boolean> first = new ArrayDeque<>();
    private boolean json;
    private StringBuilder out;

    MessagePrinter()
    {
        try (InputStream in = MessagePrinter.class.getResourceAsStream("/sbe/flashsale-protocol.sbeir"))
        {
            if (in == null)
            {
                throw new IllegalStateException("the protocol's IR is missing from the class path");
            }
            ir = new IrDecoder(ByteBuffer.wrap(in.readAllBytes())).decode();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        header = new OtfHeaderDecoder(ir.headerStructure());
    }

    /**
     * @return what a message says about SKUs, customer and checkout, for filtering; empty for an
     *     undecodable message.
     */
    MessageFields fields(final DirectBuffer buffer, final int offset, final int length)
    {
        final MessageFields fields = new MessageFields();
        try
        {
            final List<Token> tokens = length < header.encodedLength() ? null :
                ir.getMessage(header.getTemplateId(buffer, offset));
            if (tokens != null)
            {
                OtfMessageDecoder.decode(buffer, offset + header.encodedLength(), header.getSchemaVersion(buffer, offset),
                    header.getBlockLength(buffer, offset), tokens, fields);
            }
        }
        catch (final RuntimeException ex)
        {
            return new MessageFields();
        }
        return fields;
    }

    /** @return the message's name, e.g. {@code Reserve}, or {@code undecodable}. */
    String name(final DirectBuffer buffer, final int offset, final int length)
    {
        final List<Token> tokens = length < header.encodedLength() ? null : ir.getMessage(header.getTemplateId(buffer, offset));
        return tokens == null ? "undecodable" : tokens.get(0).name();
    }

    /** Appends the message's fields: {@code a=1 b=x lines=[{...}]} or {@code {"a":1,...}}. */
    void print(final DirectBuffer buffer, final int offset, final int length, final boolean asJson, final StringBuilder into)
    {
        json = asJson;
        out = into;
        first.clear();
        final int start = into.length();
        try
        {
            final List<Token> tokens = ir.getMessage(header.getTemplateId(buffer, offset));
            if (tokens == null)
            {
                throw new IllegalArgumentException("unknown template");
            }
            open('{');
            OtfMessageDecoder.decode(buffer, offset + header.encodedLength(), header.getSchemaVersion(buffer, offset),
                header.getBlockLength(buffer, offset), tokens, this);
            close('}');
        }
        catch (final RuntimeException ex)
        {
            into.setLength(start);
            if (json)
            {
                into.append("{\"undecodable\":\"");
            }
            for (int i = 0; i < length; i++)
            {
                into.append(String.format("%02x", buffer.getByte(offset + i)));
            }
            into.append(json ? "\"}" : "");
        }
    }

    @Override
    public void onEncoding(
        final Token fieldToken, final DirectBuffer buffer, final int index, final Token typeToken, final int actingVersion)
    {
        field(fieldToken.name());
        final Encoding encoding = typeToken.encoding();
        if (encoding.primitiveType() == PrimitiveType.CHAR && typeToken.arrayLength() > 1)
        {
            final StringBuilder text = new StringBuilder();
            for (int i = 0; i < typeToken.arrayLength(); i++)
            {
                final byte b = buffer.getByte(index + i);
                if (b == 0)
                {
                    break;
                }
                text.append(b >= 0x20 && b < 0x7F ? (char)b : '?');
            }
            if (json)
            {
                out.append('"');
                Types.jsonEscape(text.toString(), out);
                out.append('"');
            }
            else
            {
                out.append(text);
            }
        }
        else
        {
            Types.appendAsString(out, buffer, index, encoding);
        }
    }

    @Override
    public void onEnum(
        final Token fieldToken,
        final DirectBuffer buffer,
        final int bufferIndex,
        final List<Token> tokens,
        final int fromIndex,
        final int toIndex,
        final int actingVersion)
    {
        field(fieldToken.name());
        final long value = Types.getLong(buffer, bufferIndex, tokens.get(fromIndex).encoding());
        String name = Long.toString(value);
        for (int i = fromIndex + 1; i < toIndex; i++)
        {
            if (tokens.get(i).encoding().constValue().longValue() == value)
            {
                name = tokens.get(i).name();
            }
        }
        out.append(json ? "\"" + name + "\"" : name);
    }

    @Override
    public void onGroupHeader(final Token token, final int numInGroup)
    {
        field(token.name());
        out.append(numInGroup == 0 ? "[]" : "[");
    }

    @Override
    public void onBeginGroup(final Token token, final int groupIndex, final int numInGroup)
    {
        if (groupIndex > 0)
        {
            out.append(json ? "," : " ");
        }
        open('{');
    }

    @Override
    public void onEndGroup(final Token token, final int groupIndex, final int numInGroup)
    {
        close('}');
        if (groupIndex == numInGroup - 1)
        {
            out.append(']');
        }
    }

    private void open(final char bracket)
    {
        if (json || !first.isEmpty())
        {
            out.append(bracket);
        }
        first.push(true);
    }

    private void close(final char bracket)
    {
        first.pop();
        if (json || !first.isEmpty())
        {
            out.append(bracket);
        }
    }

    private void field(final String name)
    {
        if (!first.peek())
        {
            out.append(json ? "," : " ");
        }
        first.pop();
        first.push(false);
        out.append(json ? "\"" + name + "\":" : name + "=");
    }
}
