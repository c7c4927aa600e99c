package dev.flashsale.export.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flashsale.engine.codec.CheckoutConfirmedEncoder;
import dev.flashsale.engine.codec.CheckoutExpiredEncoder;
import dev.flashsale.engine.codec.CheckoutHeldEncoder;
import dev.flashsale.engine.codec.CheckoutReleasedEncoder;
import dev.flashsale.engine.codec.MessageHeaderEncoder;
import dev.flashsale.engine.codec.SalePausedEncoder;
import dev.flashsale.engine.codec.SaleResumedEncoder;
import dev.flashsale.engine.codec.SkuUpsertedEncoder;
import dev.flashsale.engine.codec.SoldOutEncoder;
import dev.flashsale.engine.codec.StockChangedEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded random events of every type, SBE-encoded as the engine writes them, turned into JSON and
 * read back: every field is there with its value, nothing else, with the right topic and key. The
 * seed is printed with any failure.
 */
final class EventJsonRoundTripTest
{
    private static final String SKU_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-";

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final EventJson json = new EventJson();
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void everyEventTypeRoundTripsThroughItsJson() throws Exception
    {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        for (int i = 0; i < 2_000; i++)
        {
            final long inputSequence = 1 + (random.nextLong() & Long.MAX_VALUE) % 1_000_000_000_000L;
            final int index = random.nextInt(40);
            final long engineTimeMs = random.nextLong() & Long.MAX_VALUE;
            final Map<String, Object> expected = new LinkedHashMap<>();
            expected.put("schemaVersion", 1);
            expected.put("inputSequence", inputSequence);
            expected.put("index", index);
            expected.put("engineTimeMs", engineTimeMs);
            final int type = random.nextInt(9);
            final String key = encode(type, random, inputSequence, engineTimeMs, expected);

            final EventJson.Exported exported = json.convert(inputSequence, index, buffer, 0);

            @SuppressWarnings("unchecked")
            final Map<String, Object> actual = mapper.readValue(exported.json(), Map.class);
            assertThat(normalise(actual)).as("seed " + seed + ", event " + i).isEqualTo(normalise(expected));
            assertThat(exported.key()).as("seed " + seed).isEqualTo(key);
            assertThat(exported.type()).as("seed " + seed).isEqualTo(expected.get("type"));
            assertThat(exported.kind()).as("seed " + seed)
                .isEqualTo(((String)expected.get("type")).startsWith("Checkout") ? EventJson.Kind.CHECKOUT : EventJson.Kind.SKU);
        }
    }

    /** Encodes a random event of one of the nine types into {@link #buffer}; fills {@code expected}; returns its key. */
    private String encode(final int type, final Random random, final long inputSequence, final long engineTimeMs,
        final Map<String, Object> expected)
    {
        final String sku = text(random, SKU_CHARS, 1, 32);
        switch (type)
        {
            case 0 ->
            {
                final int total = random.nextInt(1_000_000_001);
                final int limit = 1 + random.nextInt(1_000_000_000);
                final long price = (random.nextLong() & Long.MAX_VALUE) % 1_000_000_000_001L;
                final String currency = text(random, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 3, 3);
                final long starts = random.nextLong() & Long.MAX_VALUE;
                final long ends = random.nextLong() & Long.MAX_VALUE;
                new SkuUpsertedEncoder().wrapAndApplyHeader(buffer, 0, header).inputSequence(inputSequence).engineTimeMs(engineTimeMs)
                    .sku(sku).totalStock(total).perCustomerLimit(limit).priceMinor(price).currency(currency).startsAtMs(starts)
                    .endsAtMs(ends);
                expected.putAll(Map.of("type", "SkuUpserted", "sku", sku, "totalStock", total, "perCustomerLimit", limit,
                    "priceMinor", price, "currency", currency, "startsAtMs", starts, "endsAtMs", ends));
                return sku;
            }
            case 1 ->
            {
                final int total = random.nextInt(1_000_000_001);
                final int available = random.nextInt(total + 1);
                final int held = random.nextInt(total - available + 1);
                final int sold = total - available - held;
                new StockChangedEncoder().wrapAndApplyHeader(buffer, 0, header).inputSequence(inputSequence).engineTimeMs(engineTimeMs)
                    .sku(sku).totalStock(total).available(available).held(held).sold(sold);
                expected.putAll(Map.of("type", "StockChanged", "sku", sku, "totalStock", total, "available", available,
                    "held", held, "sold", sold));
                return sku;
            }
            case 2 ->
            {
                new SalePausedEncoder().wrapAndApplyHeader(buffer, 0, header).inputSequence(inputSequence).engineTimeMs(engineTimeMs)
                    .sku(sku);
                expected.putAll(Map.of("type", "SalePaused", "sku", sku));
                return sku;
            }
            case 3 ->
            {
                new SaleResumedEncoder().wrapAndApplyHeader(buffer, 0, header).inputSequence(inputSequence).engineTimeMs(engineTimeMs)
                    .sku(sku);
                expected.putAll(Map.of("type", "SaleResumed", "sku", sku));
                return sku;
            }
            case 4 ->
            {
                new SoldOutEncoder().wrapAndApplyHeader(buffer, 0, header).inputSequence(inputSequence).engineTimeMs(engineTimeMs)
                    .sku(sku);
                expected.putAll(Map.of("type", "SoldOut", "sku", sku));
                return sku;
            }
            default ->
            {
                return checkout(type, random, inputSequence, engineTimeMs, expected);
            }
        }
    }

    private String checkout(final int type, final Random random, final long inputSequence, final long engineTimeMs,
        final Map<String, Object> expected)
    {
        final long checkoutId = 1 + (random.nextLong() & Long.MAX_VALUE - 1);
        final long customerId = 1 + (random.nextLong() & Long.MAX_VALUE - 1);
        final long expiresAtMs = random.nextLong() & Long.MAX_VALUE;
        final String paymentRef = text(random, printable(), 1, 64);
        final int lineCount = 1 + random.nextInt(10);
        final List<Map<String, Object>> lines = new ArrayList<>();
        final String[] skus = new String[lineCount];
        final int[] quantities = new int[lineCount];
        final long[] prices = new long[lineCount];
        final String[] currencies = new String[lineCount];
        for (int l = 0; l < lineCount; l++)
        {
            skus[l] = text(random, SKU_CHARS, 1, 32);
            quantities[l] = 1 + random.nextInt(1_000);
            prices[l] = (random.nextLong() & Long.MAX_VALUE) % 1_000_000_000_001L;
            currencies[l] = text(random, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 3, 3);
            lines.add(Map.of("sku", skus[l], "quantity", quantities[l], "unitPriceMinor", prices[l], "currency", currencies[l]));
        }
        expected.put("checkoutId", Long.toString(checkoutId));
        expected.put("customerId", customerId);
        expected.put("lines", lines);
        switch (type)
        {
            case 5 ->
            {
                final CheckoutHeldEncoder.LinesEncoder e = new CheckoutHeldEncoder().wrapAndApplyHeader(buffer, 0, header)
                    .inputSequence(inputSequence).engineTimeMs(engineTimeMs).checkoutId(checkoutId).customerId(customerId)
                    .expiresAtMs(expiresAtMs).linesCount(lineCount);
                for (int l = 0; l < lineCount; l++)
                {
                    e.next().sku(skus[l]).quantity(quantities[l]).unitPriceMinor(prices[l]).currency(currencies[l]);
                }
                expected.put("type", "CheckoutHeld");
                expected.put("expiresAtMs", expiresAtMs);
            }
            case 6 ->
            {
                final CheckoutConfirmedEncoder.LinesEncoder e = new CheckoutConfirmedEncoder().wrapAndApplyHeader(buffer, 0, header)
                    .inputSequence(inputSequence).engineTimeMs(engineTimeMs).checkoutId(checkoutId).customerId(customerId)
                    .paymentRef(paymentRef).linesCount(lineCount);
                for (int l = 0; l < lineCount; l++)
                {
                    e.next().sku(skus[l]).quantity(quantities[l]).unitPriceMinor(prices[l]).currency(currencies[l]);
                }
                expected.put("type", "CheckoutConfirmed");
                expected.put("paymentRef", paymentRef);
            }
            case 7 ->
            {
                final CheckoutReleasedEncoder.LinesEncoder e = new CheckoutReleasedEncoder().wrapAndApplyHeader(buffer, 0, header)
                    .inputSequence(inputSequence).engineTimeMs(engineTimeMs).checkoutId(checkoutId).customerId(customerId)
                    .linesCount(lineCount);
                for (int l = 0; l < lineCount; l++)
                {
                    e.next().sku(skus[l]).quantity(quantities[l]).unitPriceMinor(prices[l]).currency(currencies[l]);
                }
                expected.put("type", "CheckoutReleased");
            }
            default ->
            {
                final CheckoutExpiredEncoder.LinesEncoder e = new CheckoutExpiredEncoder().wrapAndApplyHeader(buffer, 0, header)
                    .inputSequence(inputSequence).engineTimeMs(engineTimeMs).checkoutId(checkoutId).customerId(customerId)
                    .expiresAtMs(expiresAtMs).linesCount(lineCount);
                for (int l = 0; l < lineCount; l++)
                {
                    e.next().sku(skus[l]).quantity(quantities[l]).unitPriceMinor(prices[l]).currency(currencies[l]);
                }
                expected.put("type", "CheckoutExpired");
                expected.put("expiresAtMs", expiresAtMs);
            }
        }
        return Long.toString(checkoutId);
    }

    private static String printable()
    {
        final StringBuilder chars = new StringBuilder();
        for (char c = 0x21; c <= 0x7E; c++)
        {
            chars.append(c);
        }
        return chars.toString();
    }

    private static String text(final Random random, final String alphabet, final int min, final int max)
    {
        final int length = min + random.nextInt(max - min + 1);
        final StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    /** Numbers as longs, so an int written and a long read back compare equal. */
    private static Object normalise(final Object value)
    {
        if (value instanceof Number number)
        {
            return number.longValue();
        }
        if (value instanceof Map<?, ?> map)
        {
            final Map<Object, Object> copy = new java.util.TreeMap<>();
            map.forEach((k, v) -> copy.put(k, normalise(v)));
            return copy;
        }
        if (value instanceof List<?> list)
        {
            return list.stream().map(EventJsonRoundTripTest::normalise).toList();
        }
        return value;
    }
}
