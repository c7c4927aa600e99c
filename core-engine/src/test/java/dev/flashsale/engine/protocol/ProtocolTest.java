package dev.flashsale.engine.protocol;

import dev.flashsale.engine.codec.CheckoutConfirmedEncoder;
import dev.flashsale.engine.codec.CheckoutExpiredEncoder;
import dev.flashsale.engine.codec.CheckoutHeldEncoder;
import dev.flashsale.engine.codec.CheckoutReleasedEncoder;
import dev.flashsale.engine.codec.CheckoutResultEncoder;
import dev.flashsale.engine.codec.CommandKind;
import dev.flashsale.engine.codec.ReserveDecoder;
import dev.flashsale.engine.codec.ResultCode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class ProtocolTest
{
    @Test
    void skuCodesAreOneToThirtyTwoSafeCharactersThenPadding()
    {
        assertThat(isSkuCode("A")).isTrue();
        assertThat(isSkuCode("Az09._-")).isTrue();
        assertThat(isSkuCode("x".repeat(32))).isTrue();
        assertThat(isSkuCode("")).isFalse();
        assertThat(isSkuCode("has space")).isFalse();
        assertThat(isSkuCode("slash/")).isFalse();
        assertThat(isSkuCode("é")).isFalse();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[32]);
        buffer.putBytes(0, "AB".getBytes(StandardCharsets.US_ASCII));
        buffer.putByte(5, (byte)'C');
        assertThat(Ascii.isSkuCode(buffer, 0, 32)).as("a value after the padding").isFalse();
        assertThat(Ascii.isSkuCode("x".repeat(33))).isFalse();
    }

    @Test
    void wordAtATimeScanAgreesWithAByteAtATimeReading()
    {
        final SplittableRandom random = new SplittableRandom(7);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64 + 3]);
        final byte[] alphabet = "Az09._- !~\u0000\u007f\u0080\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < 200_000; i++)
        {
            final int width = random.nextBoolean() ? 32 : 64;
            final int offset = random.nextInt(4);
            final int length = random.nextInt(width + 1);
            buffer.setMemory(0, buffer.capacity(), (byte)0);
            for (int b = 0; b < length; b++)
            {
                buffer.putByte(offset + b, alphabet[random.nextInt(alphabet.length)]);
            }
            if (random.nextInt(10) == 0)
            {
                buffer.putByte(offset + random.nextInt(width), alphabet[random.nextInt(alphabet.length)]);
            }
            assertThat(Ascii.isSkuCode(buffer, offset, width)).isEqualTo(slowCheck(buffer, offset, width, true, 1));
            assertThat(Ascii.isToken(buffer, offset, width, 0)).isEqualTo(slowCheck(buffer, offset, width, false, 0));
        }
    }

    private static boolean slowCheck(
        final UnsafeBuffer buffer, final int offset, final int width, final boolean sku, final int minLength)
    {
        int length = width;
        for (int b = 0; b < width; b++)
        {
            if (buffer.getByte(offset + b) == 0)
            {
                length = b;
                break;
            }
        }
        for (int b = length; b < width; b++)
        {
            if (buffer.getByte(offset + b) != 0)
            {
                return false;
            }
        }
        for (int b = 0; b < length; b++)
        {
            final int c = buffer.getByte(offset + b) & 0xFF;
            if (sku ? !Ascii.isSkuChar(c) : c < 0x21 || c > 0x7E)
            {
                return false;
            }
        }
        return length >= minLength;
    }

    @Test
    void tokensArePrintableWithoutSpaces()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        assertThat(Ascii.isToken(buffer, 0, 64, 0)).isTrue();
        assertThat(Ascii.isToken(buffer, 0, 64, 1)).isFalse();
        buffer.putBytes(0, "order-1~!".getBytes(StandardCharsets.US_ASCII));
        assertThat(Ascii.isToken(buffer, 0, 64, 1)).isTrue();
        buffer.putByte(3, (byte)' ');
        assertThat(Ascii.isToken(buffer, 0, 64, 1)).isFalse();
        buffer.putByte(3, (byte)0x7F);
        assertThat(Ascii.isToken(buffer, 0, 64, 1)).isFalse();
    }

    @Test
    void everyCheckoutLinesGroupHasTheSharedLayout()
    {
        final int[][] layouts = {
            {CheckoutHeldEncoder.LinesEncoder.sbeBlockLength(), CheckoutHeldEncoder.LinesEncoder.skuEncodingOffset(),
                CheckoutHeldEncoder.LinesEncoder.quantityEncodingOffset(),
                CheckoutHeldEncoder.LinesEncoder.unitPriceMinorEncodingOffset(),
                CheckoutHeldEncoder.LinesEncoder.currencyEncodingOffset()},
            {CheckoutConfirmedEncoder.LinesEncoder.sbeBlockLength(), CheckoutConfirmedEncoder.LinesEncoder.skuEncodingOffset(),
                CheckoutConfirmedEncoder.LinesEncoder.quantityEncodingOffset(),
                CheckoutConfirmedEncoder.LinesEncoder.unitPriceMinorEncodingOffset(),
                CheckoutConfirmedEncoder.LinesEncoder.currencyEncodingOffset()},
            {CheckoutReleasedEncoder.LinesEncoder.sbeBlockLength(), CheckoutReleasedEncoder.LinesEncoder.skuEncodingOffset(),
                CheckoutReleasedEncoder.LinesEncoder.quantityEncodingOffset(),
                CheckoutReleasedEncoder.LinesEncoder.unitPriceMinorEncodingOffset(),
                CheckoutReleasedEncoder.LinesEncoder.currencyEncodingOffset()},
            {CheckoutExpiredEncoder.LinesEncoder.sbeBlockLength(), CheckoutExpiredEncoder.LinesEncoder.skuEncodingOffset(),
                CheckoutExpiredEncoder.LinesEncoder.quantityEncodingOffset(),
                CheckoutExpiredEncoder.LinesEncoder.unitPriceMinorEncodingOffset(),
                CheckoutExpiredEncoder.LinesEncoder.currencyEncodingOffset()},
            {CheckoutResultEncoder.LinesEncoder.sbeBlockLength(), CheckoutResultEncoder.LinesEncoder.skuEncodingOffset(),
                CheckoutResultEncoder.LinesEncoder.quantityEncodingOffset(),
                CheckoutResultEncoder.LinesEncoder.unitPriceMinorEncodingOffset(),
                CheckoutResultEncoder.LinesEncoder.currencyEncodingOffset()},
        };
        for (final int[] layout : layouts)
        {
            assertThat(layout).containsExactly(layouts[0]);
        }
    }

    @Test
    void enumCodesAreStable()
    {
        assertThat(ResultCode.OK.value()).isEqualTo((short)0);
        assertThat(ResultCode.INVALID_REQUEST.value()).isEqualTo((short)1);
        assertThat(ResultCode.SOLD_OUT.value()).isEqualTo((short)14);
        assertThat(ResultCode.CAPACITY_EXHAUSTED.value()).isEqualTo((short)16);
        assertThat(CommandKind.RESERVE.value()).isEqualTo((short)6);
        assertThat(CommandKind.TICK.value()).isEqualTo((short)11);
    }

    @Test
    void randomReservesRoundTrip()
    {
        final SplittableRandom random = new SplittableRandom(6);
        final CommandWriter writer = new CommandWriter();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ProtocolLimits.MAX_INPUT_LENGTH]);
        final ReserveDecoder decoder = new ReserveDecoder();
        for (int i = 0; i < 10_000; i++)
        {
            final int lines = 1 + random.nextInt(ProtocolLimits.MAX_LINES_PER_CHECKOUT);
            final String[] skus = new String[lines];
            final int[] quantities = new int[lines];
            for (int l = 0; l < lines; l++)
            {
                skus[l] = randomCode(random);
                quantities[l] = random.nextInt();
            }
            final int client = random.nextInt();
            final long customer = random.nextLong();
            final long ttl = random.nextLong();
            final String key = random.nextBoolean() ? "" : randomCode(random);
            final int length = writer.reserve(buffer, 0, client, customer, ttl, key, skus, quantities, lines);
            assertThat(length).isLessThanOrEqualTo(ProtocolLimits.MAX_INPUT_LENGTH);

            decoder.wrapAndApplyHeader(buffer, 0, new dev.flashsale.engine.codec.MessageHeaderDecoder());
            assertThat(decoder.clientId()).isEqualTo(client);
            assertThat(decoder.customerId()).isEqualTo(customer);
            assertThat(decoder.holdTtlMs()).isEqualTo(ttl);
            assertThat(decoder.idempotencyKey()).isEqualTo(key);
            int l = 0;
            for (final ReserveDecoder.LinesDecoder line : decoder.lines())
            {
                assertThat(line.sku()).isEqualTo(skus[l]);
                assertThat(line.quantity()).isEqualTo(quantities[l]);
                l++;
            }
            assertThat(l).isEqualTo(lines);
            assertThat(decoder.limit()).isEqualTo(length);
        }
    }

    private static String randomCode(final SplittableRandom random)
    {
        final String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-";
        final StringBuilder code = new StringBuilder();
        for (int i = 1 + random.nextInt(32); i > 0; i--)
        {
            code.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return code.toString();
    }

    private static boolean isSkuCode(final String code)
    {
        if (code.length() > 32)
        {
            return false;
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[32]);
        buffer.putBytes(0, code.getBytes(StandardCharsets.UTF_8), 0, Math.min(32, code.getBytes(StandardCharsets.UTF_8).length));
        final boolean fromBytes = Ascii.isSkuCode(buffer, 0, 32);
        assertThat(Ascii.isSkuCode(code)).as("String and byte checks agree on '" + code + "'").isEqualTo(fromBytes);
        return fromBytes;
    }
}
