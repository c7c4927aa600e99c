package dev.flashsale.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Answer bodies read by Jackson's parser, strictly: UTF-8, one value and nothing after it, no key
 * twice in an object, no raw control character in a string. A body that is not such JSON fails
 * the test. Values come back as plain Java: {@code Map} (in document order), {@code List},
 * {@code String}, {@code Long} (or {@code BigInteger}), {@code Double}, {@code Boolean}, null.
 */
final class Json
{
    private static final JsonFactory STRICT = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private Json()
    {
    }

    /** @return true for the content types the gateway writes JSON under. */
    static boolean isJson(final String contentType)
    {
        final String type = contentType.toLowerCase(Locale.ROOT);
        return type.startsWith("application/json") || type.startsWith("application/problem+json");
    }

    /** Checks an answer: a JSON content type means a well-formed body, unless the status carries none. */
    static void checkAnswer(final int status, final String contentType, final byte[] body)
    {
        if (contentType != null && isJson(contentType) && !(body.length == 0 && (status == 204 || status == 304)))
        {
            parse(body);
        }
    }

    /** @return the JSON object of {@code body}; fails the test if it is not one. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> object(final String body)
    {
        final Object value = parse(body.getBytes(StandardCharsets.UTF_8));
        if (!(value instanceof Map))
        {
            throw new AssertionError("not a JSON object: " + body);
        }
        return (Map<String, Object>)value;
    }

    /** @return {@code value} (maps, lists, strings, numbers, booleans, null) as a JSON document, written by Jackson. */
    static String write(final Object value)
    {
        final java.io.StringWriter out = new java.io.StringWriter();
        try (JsonGenerator generator = STRICT.createGenerator(out))
        {
            write(generator, value);
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
        return out.toString();
    }

    private static void write(final JsonGenerator generator, final Object value) throws IOException
    {
        if (value instanceof Map<?, ?> object)
        {
            generator.writeStartObject();
            for (final Map.Entry<?, ?> field : object.entrySet())
            {
                generator.writeFieldName((String)field.getKey());
                write(generator, field.getValue());
            }
            generator.writeEndObject();
        }
        else if (value instanceof List<?> array)
        {
            generator.writeStartArray();
            for (final Object element : array)
            {
                write(generator, element);
            }
            generator.writeEndArray();
        }
        else
        {
            generator.writeObject(value); // strings, numbers, booleans and null: no codec needed
        }
    }

    /** @return the value of {@code body}; fails the test if it is not well-formed JSON. */
    static Object parse(final byte[] body)
    {
        try (JsonParser parser = STRICT.createParser(body))
        {
            if (parser.nextToken() == null)
            {
                throw new AssertionError("an empty body where JSON was due");
            }
            final Object value = value(parser);
            if (parser.nextToken() != null)
            {
                throw new AssertionError("content after the JSON value: " + new String(body, StandardCharsets.UTF_8));
            }
            return value;
        }
        catch (final IOException ex)
        {
            throw new AssertionError("not well-formed JSON (" + ex.getMessage() + "): " +
                new String(body, StandardCharsets.ISO_8859_1), ex);
        }
    }

    private static Object value(final JsonParser parser) throws IOException
    {
        final JsonToken token = parser.currentToken();
        return switch (token)
        {
            case START_OBJECT ->
            {
                final Map<String, Object> object = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME)
                {
                    final String name = parser.currentName();
                    parser.nextToken();
                    object.put(name, value(parser));
                }
                yield object;
            }
            case START_ARRAY ->
            {
                final List<Object> array = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY)
                {
                    array.add(value(parser));
                }
                yield array;
            }
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT -> parser.getNumberValue() instanceof Integer small ? Long.valueOf(small) : parser.getNumberValue();
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new AssertionError("unexpected JSON token " + token);
        };
    }
}
