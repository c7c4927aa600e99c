package dev.flashsale.gateway.http;

import dev.flashsale.engine.EngineConfig;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plain reader changes no answer: every body gives the same command bytes, or the same refusal
 * (type and message), as the Jackson reader alone gave before it. And it does take the bodies
 * storefronts send, else it would save nothing.
 */
class PlainBodyReaderTest
{
    private static final long CUSTOMER = 42;
    private static final EngineConfig ENGINE = new EngineConfig().maxLinesPerCheckout(3);

    private final CommandReader reader = new CommandReader(ENGINE);
    private final CommandReader jackson = new CommandReader(ENGINE);
    private final PlainBodyReader plain = new PlainBodyReader();

    /** What a reader answered: the command's bytes, or the refusal's type and message. */
    private static String outcome(final Reading reading)
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[2048]);
        try
        {
            final int length = reading.read(out);
            return "command " + Arrays.toString(Arrays.copyOf(out.byteArray(), length));
        }
        catch (final BadRequest | Forbidden ex)
        {
            return ex.getClass().getSimpleName() + ": " + ex.getMessage();
        }
    }

    @FunctionalInterface
    private interface Reading
    {
        int read(UnsafeBuffer out);
    }

    private String reserveAnswer(final CommandReader r, final byte[] body, final boolean jacksonOnly)
    {
        return outcome(out -> jacksonOnly ? r.jacksonReserve(body, body.length, 5, CUSTOMER, "key-1", out) :
            r.reserve(body, body.length, 5, CUSTOMER, "key-1", out));
    }

    private String confirmAnswer(final CommandReader r, final byte[] body, final boolean jacksonOnly)
    {
        return outcome(out -> jacksonOnly ? r.jacksonConfirm(body, body.length, CUSTOMER, 77, out) :
            r.confirm(body, body.length, CUSTOMER, 77, out));
    }

    private void sameReserve(final byte[] body)
    {
        assertThat(reserveAnswer(reader, body, false))
            .as("reserve body %s", new String(body, StandardCharsets.ISO_8859_1))
            .isEqualTo(reserveAnswer(jackson, body, true));
    }

    private void sameConfirm(final byte[] body)
    {
        assertThat(confirmAnswer(reader, body, false))
            .as("confirm body %s", new String(body, StandardCharsets.ISO_8859_1))
            .isEqualTo(confirmAnswer(jackson, body, true));
    }

    private static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private boolean plainTakesReserve(final String body)
    {
        final byte[] b = bytes(body);
        return plain.reserve(b, b.length, CUSTOMER, 1, 3600, 3, 10_000);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"customerId\":42,\"lines\":[{\"sku\":\"HOT\",\"qty\":1}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":2},{\"qty\":1,\"sku\":\"B-1.x_y\"}],\"holdSeconds\":60}",
        "{\"lines\":[{\"qty\":10000,\"sku\":\"12345678901234567890123456789012\"}],\"holdSeconds\":3600,\"customerId\":42}",
        " \r\n\t{ \"customerId\" : 42 , \"lines\" : [ { \"sku\" : \"A\" , \"qty\" : 1 } , { \"sku\" : \"B\" , \"qty\" : 3 } ] }\n ",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1},{\"sku\":\"B\",\"qty\":1},{\"sku\":\"C\",\"qty\":1}]}",
        "{\"customerId\":42,\"holdSeconds\":1,\"lines\":[{\"sku\":\"a.b_c-D9\",\"qty\":9}]}",
    })
    void takesTheBodiesStorefrontsSendWithTheAnswerJacksonGives(final String body)
    {
        assertThat(plainTakesReserve(body)).isTrue();
        sameReserve(bytes(body));
    }

    @Test
    void takesAPlainConfirm()
    {
        final byte[] body = bytes(" {\"paymentRef\" :\t\"pay_0123-ABC/x=~!\"}\r\n");
        assertThat(plain.confirm(body, body.length)).isTrue();
        assertThat(plain.paymentRef().toString()).isEqualTo("pay_0123-ABC/x=~!");
        sameConfirm(body);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // empty, not an object, truncated
        "", " ", "[]", "null", "42", "\"x\"", "{", "{}", "{\"customerId\"", "{\"customerId\":", "{\"customerId\":42",
        "{\"customerId\":42,", "{\"customerId\":42,\"lines\":[", "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1}]", "{\"customerId\":42,\"lines\":[{\"sku\":\"A",
        // required fields, another customer
        "{\"customerId\":42}", "{\"lines\":[{\"sku\":\"A\",\"qty\":1}]}", "{\"customerId\":43,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\"}]}", "{\"customerId\":42,\"lines\":[{\"qty\":1}]}",
        "{\"customerId\":42,\"lines\":[{}]}", "{\"customerId\":42,\"lines\":[]}",
        // duplicate fields, at each level, and duplicate SKUs
        "{\"customerId\":42,\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1}],\"lines\":[{\"sku\":\"B\",\"qty\":1}]}",
        "{\"customerId\":42,\"holdSeconds\":5,\"holdSeconds\":5,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"sku\":\"A\",\"qty\":1}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1,\"qty\":1}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1},{\"sku\":\"A\",\"qty\":2}]}",
        // unknown fields
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1}],\"unknown\":true}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1,\"extra\":1}]}",
        "{\"customerid\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        "{\"customerId \":42,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        // numbers: range, sign, zero, fraction, exponent, length, type
        "{\"customerId\":0,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        "{\"customerId\":-42,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        "{\"customerId\":042,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        "{\"customerId\":42.0,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        "{\"customerId\":4.2e1,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        "{\"customerId\":42e0,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        "{\"customerId\":\"42\",\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        "{\"customerId\":true,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        "{\"customerId\":null,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        "{\"customerId\":9223372036854775807,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        "{\"customerId\":9223372036854775808,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        "{\"customerId\":99999999999999999999999,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        "{\"customerId\":000000000000000000042,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":0}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":10001}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":2147483648}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1.5}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":-1}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1}],\"holdSeconds\":0}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1}],\"holdSeconds\":3601}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1}],\"holdSeconds\":\"60\"}",
        "{\"customerId\":42 1,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        "{\"customerId\":42x,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        // strings: escapes (valid and not), control characters, non-ASCII, bad SKU codes
        "{\"customerId\":42,\"lines\":[{\"sku\":\"\\u0041\",\"qty\":1}]}",
        "{\"customer\\u0049d\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\\\"\",\"qty\":1}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\\n\",\"qty\":1}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\\x\",\"qty\":1}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\\",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\tB\",\"qty\":1}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\u0000\",\"qty\":1}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"ÄÖ\",\"qty\":1}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A B\",\"qty\":1}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"\",\"qty\":1}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"123456789012345678901234567890123\",\"qty\":1}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A/B\",\"qty\":1}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":A,\"qty\":1}]}",
        "{'customerId':42,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        // whitespace Jackson refuses, and the separators
        "{\u000b\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        "{\"customerId\":42\u00a0,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        "\ufeff{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        "{\"customerId\":42,,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1},]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1}],}",
        "{\"customerId\"=42,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        "{\"customerId\":42;\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
        // structure: wrong types, too deep, too many lines, trailing content, comments
        "{\"customerId\":42,\"lines\":{}}",
        "{\"customerId\":42,\"lines\":[[[[[[]]]]]]}",
        "{\"customerId\":42,\"lines\":[1]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1},{\"sku\":\"B\",\"qty\":1},{\"sku\":\"C\",\"qty\":1},{\"sku\":\"D\",\"qty\":1}]}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1}]} trailing",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}{}",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}\u0000",
        "{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}/* c */",
        "/* c */{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}",
    })
    void answersEveryOtherReserveBodyAsJacksonDid(final String body)
    {
        sameReserve(bytes(body));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "{}", "{\"paymentRef\":\"\"}", "{\"paymentRef\":\"a b\"}", "{\"paymentRef\":1}", "{\"paymentRef\":null}",
        "{\"paymentRef\":\"p\",\"paymentRef\":\"p\"}", "{\"paymentRef\":\"p\",\"x\":1}", "{\"paymentRef\":\"p\\u0041\"}",
        "{\"paymentRef\":\"p\\\"\"}", "{\"paymentRef\":\"pé\"}", "{\"paymentRef\":\"p\"", "{\"paymentRef\":\"p", "{\"paymentRef\"",
        "{\"paymentRef\":\"p\"} x", "{\"paymentRef\":\"p\",}", "[\"paymentRef\"]",
        "{\"paymentRef\":\"0123456789012345678901234567890123456789012345678901234567890123456789\"}",
    })
    void answersEveryOtherConfirmBodyAsJacksonDid(final String body)
    {
        sameConfirm(bytes(body));
    }

    @Test
    void answersEveryPrefixOfAValidBodyAsJacksonDid()
    {
        for (final String valid : List.of(
            " {\"customerId\":42, \"lines\":[{\"sku\":\"A\",\"qty\":2},{\"qty\":1,\"sku\":\"B-1\"}],\"holdSeconds\":60} ",
            "{\"paymentRef\":\"pay-1\"}"))
        {
            final byte[] body = bytes(valid);
            for (int length = 0; length <= body.length; length++)
            {
                final byte[] prefix = Arrays.copyOf(body, length);
                if (valid.contains("paymentRef"))
                {
                    sameConfirm(prefix);
                }
                else
                {
                    sameReserve(prefix);
                }
            }
        }
    }

    @Test
    void readsABodyWithinALargerArrayOnlyUpToItsLength()
    {
        final byte[] valid = bytes("{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}");
        final int length = valid.length;
        final byte[] body = Arrays.copyOf(valid, 200);
        Arrays.fill(body, length, body.length, (byte)'x');
        final UnsafeBuffer out = new UnsafeBuffer(new byte[2048]);
        final UnsafeBuffer expected = new UnsafeBuffer(new byte[2048]);
        assertThat(reader.reserve(body, length, 5, CUSTOMER, "k", out))
            .isEqualTo(jackson.jacksonReserve(body, length, 5, CUSTOMER, "k", expected));
        assertThat(out.byteArray()).isEqualTo(expected.byteArray());
    }

    /**
     * Seeded random edits of valid bodies (a byte deleted, inserted, replaced or repeated, a cut):
     * each answered as Jackson did. Prints the seed and the body on a failure.
     */
    @Test
    void answersRandomlyEditedBodiesAsJacksonDid()
    {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final List<byte[]> valid = new ArrayList<>();
        valid.add(bytes("{\"customerId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":2},{\"qty\":1,\"sku\":\"B-1\"}],\"holdSeconds\":60}"));
        valid.add(bytes(" { \"lines\" : [ { \"qty\" : 10 , \"sku\" : \"HOT\" } ] , \"customerId\" : 42 } "));
        final byte[] alphabet = bytes("{}[]:,\" \t\r\n\\0123456789-+.eEaABqtyskulinescustomerIdholdSecondsnull");
        final byte[] confirm = bytes("{\"paymentRef\":\"pay-1\"}");
        int taken = 0;
        for (int i = 0; i < 20_000; i++)
        {
            final boolean isConfirm = i % 5 == 0;
            byte[] body = isConfirm ? confirm : valid.get(random.nextInt(valid.size()));
            for (int edits = 1 + random.nextInt(3); edits > 0; edits--)
            {
                body = edit(body, random, alphabet);
            }
            try
            {
                if (isConfirm)
                {
                    sameConfirm(body);
                }
                else
                {
                    sameReserve(body);
                    taken += plain.reserve(body, body.length, CUSTOMER, 1, 3600, 3, 10_000) ? 1 : 0;
                }
            }
            catch (final AssertionError ex)
            {
                throw new AssertionError("seed " + seed + ": " + ex.getMessage(), ex);
            }
        }
        assertThat(taken).as("edits that left a plain valid reserve (whitespace, digits), seed %d", seed).isPositive();
    }

    private static byte[] edit(final byte[] body, final Random random, final byte[] alphabet)
    {
        if (body.length == 0)
        {
            return new byte[] {alphabet[random.nextInt(alphabet.length)]};
        }
        final int at = random.nextInt(body.length);
        final byte c = alphabet[random.nextInt(alphabet.length)];
        return switch (random.nextInt(5))
        {
            case 0 -> concat(Arrays.copyOf(body, at), Arrays.copyOfRange(body, at + 1, body.length));
            case 1 -> concat(Arrays.copyOf(body, at), concat(new byte[] {c}, Arrays.copyOfRange(body, at, body.length)));
            case 2 ->
            {
                final byte[] copy = body.clone();
                copy[at] = c;
                yield copy;
            }
            case 3 ->
            {
                final int to = at + random.nextInt(body.length - at) + 1;
                yield concat(Arrays.copyOf(body, to), Arrays.copyOfRange(body, at, body.length));
            }
            default -> Arrays.copyOf(body, at);
        };
    }

    private static byte[] concat(final byte[] a, final byte[] b)
    {
        final byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
