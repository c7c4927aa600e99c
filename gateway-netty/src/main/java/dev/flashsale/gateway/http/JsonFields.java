package dev.flashsale.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.flashsale.engine.protocol.Ascii;
import dev.flashsale.engine.protocol.ProtocolLimits;

import java.io.IOException;

/**
 * How a request body's JSON is read, field by field, and what a bad field is told: strict
 * (duplicate keys, depth, lengths bounded), one {@link BadRequest} per problem naming the field.
 * The node's {@link CommandReader} and {@link ReadModelReader} and the reference server read bodies the same way through it.
 */
public final class JsonFields
{
    /**
     * Longest string value in a request body, in characters as Jackson, Java and JavaScript count
     * them (UTF-16 code units), never in bytes; a body whose model allows a longer one (a product's
     * description) is read with a factory of its own ({@link #strict}).
     */
    public static final int MAX_STRING_LENGTH = 1024;
    private static final JsonFactory JSON = strict(MAX_STRING_LENGTH);

    private JsonFields()
    {
    }

    /** @return a factory of strict parsers (duplicate keys, depth, numbers and strings bounded). */
    public static JsonFactory strict(final int maxStringLength)
    {
        return JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(4).maxStringLength(maxStringLength).maxNumberLength(20).maxDocumentLength(1 << 20).build())
            .build();
    }

    /** @return a strict parser over {@code length} bytes of {@code body} from {@code offset}. */
    public static JsonParser parser(final byte[] body, final int offset, final int length) throws IOException
    {
        return JSON.createParser(body, offset, length);
    }

    /** Checks the parser stands on the object's end, with nothing after it. */
    public static void end(final JsonParser p) throws IOException
    {
        if (p.currentToken() != JsonToken.END_OBJECT)
        {
            throw new BadRequest("malformed JSON object");
        }
        if (p.nextToken() != null)
        {
            throw new BadRequest("trailing content after the JSON object");
        }
    }

    /** @return the current value: an integer in {@code min..max}. */
    public static long longValue(final JsonParser p, final String name, final long min, final long max) throws IOException
    {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT)
        {
            throw new BadRequest(name + " must be an integer");
        }
        if (p.getNumberType() != JsonParser.NumberType.INT && p.getNumberType() != JsonParser.NumberType.LONG)
        {
            throw new BadRequest(name + " must be " + min + ".." + max);
        }
        final long value = p.getLongValue();
        if (value < min || value > max)
        {
            throw new BadRequest(name + " must be " + min + ".." + max);
        }
        return value;
    }

    /** @return the current value: a string. */
    public static String stringValue(final JsonParser p, final String name) throws IOException
    {
        if (p.currentToken() != JsonToken.VALUE_STRING)
        {
            throw new BadRequest(name + " must be a string");
        }
        return p.getText();
    }

    /** @return the current value: a SKU code. */
    public static String skuValue(final JsonParser p, final String name) throws IOException
    {
        final String sku = stringValue(p, name);
        if (!Ascii.isSkuCode(sku))
        {
            throw new BadRequest(name + " must be 1.." + ProtocolLimits.SKU_CODE_LENGTH + " characters of [A-Za-z0-9._-]");
        }
        return sku;
    }

    /** @return the current value: an ISO 4217 currency code. */
    public static String currencyValue(final JsonParser p) throws IOException
    {
        final String value = stringValue(p, "currency");
        if (value.length() != 3 || value.chars().anyMatch(c -> c < 'A' || c > 'Z'))
        {
            throw new BadRequest("currency must be three upper-case letters (ISO 4217)");
        }
        return value;
    }

    /**
     * Reads a reserve's {@code lines} array (the parser on its start): each line an object of
     * {@code sku} and {@code qty}, no SKU twice, at least one line and at most {@code maxLines}.
     *
     * @return how many lines were read into {@code skus} and {@code quantities}.
     */
    public static int lines(final JsonParser p, final String[] skus, final int[] quantities, final int maxLines,
        final int maxQuantity) throws IOException
    {
        if (p.currentToken() != JsonToken.START_ARRAY)
        {
            throw new BadRequest("lines must be an array");
        }
        int count = 0;
        while (p.nextToken() != JsonToken.END_ARRAY)
        {
            if (p.currentToken() != JsonToken.START_OBJECT)
            {
                throw new BadRequest("lines[" + count + "] must be an object");
            }
            if (count == maxLines)
            {
                throw new BadRequest("lines: at most " + maxLines + " lines");
            }
            String sku = null;
            int qty = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                final String field = p.currentName();
                p.nextToken();
                switch (field)
                {
                    case "sku" -> sku = skuValue(p, "lines[" + count + "].sku");
                    case "qty" -> qty = (int)longValue(p, "lines[" + count + "].qty", 1, maxQuantity);
                    default -> throw unknown("lines[" + count + "]." + field);
                }
            }
            if (sku == null || qty == 0)
            {
                throw new BadRequest("lines[" + count + "] needs sku and qty");
            }
            for (int i = 0; i < count; i++)
            {
                if (skus[i].equals(sku))
                {
                    throw new BadRequest("lines[" + count + "].sku " + sku + " appears twice");
                }
            }
            skus[count] = sku;
            quantities[count] = qty;
            count++;
        }
        if (count == 0)
        {
            throw new BadRequest("lines: at least one line");
        }
        return count;
    }


    public static BadRequest unknown(final String field)
    {
        return new BadRequest("unknown field " + field);
    }

    /** @return the refusal of a body Jackson could not read: its first line, without its note on the (redacted) source. */
    public static BadRequest malformed(final IOException ex)
    {
        if (ex instanceof StreamConstraintsException limit)
        {
            return new BadRequest("the JSON body exceeds a limit: " + limit.getOriginalMessage());
        }
        final String message = ex instanceof JsonProcessingException json ? json.getOriginalMessage() : ex.getMessage();
        String firstLine = message == null ? "" : message.lines().findFirst().orElse("");
        final int source = firstLine.indexOf("[Source");
        if (source >= 0) // Jackson's location note, with the source redacted: cut it and its lead-in
        {
            firstLine = firstLine.substring(0, source).replaceAll("\\s*(\\(start marker at|at)\\s*$", "");
        }
        return new BadRequest("malformed JSON" + (firstLine.isBlank() ? "" : ": " + firstLine.trim()));
    }

    /** @return a parser over a body that must not be empty. */
    public static JsonParser open(final byte[] body, final int length) throws IOException
    {
        return open(JSON, body, length);
    }

    /** @return a parser of {@code factory}'s ({@link #strict}) over a body that must not be empty. */
    public static JsonParser open(final JsonFactory factory, final byte[] body, final int length) throws IOException
    {
        if (length == 0)
        {
            throw new BadRequest("a JSON body is required");
        }
        return factory.createParser(body, 0, length);
    }

    /** Reads the next token, which must be {@code token}; else a {@link BadRequest} of {@code message}. */
    public static void expect(final JsonParser p, final JsonToken token, final String message) throws IOException
    {
        if (p.nextToken() != token)
        {
            throw new BadRequest(message);
        }
    }
}
