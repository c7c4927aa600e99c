package dev.flashsale.gateway;

import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.codec.ResultCode;
import dev.flashsale.gateway.EmbeddedGateway.Response;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of seeded random and mutated requests (bodies, headers, paths, framing) against the
 * connection handlers over a real engine. The SKU is sold out and no checkout exists, so no valid
 * storefront request can change state: after the storm the engine's state hash is unchanged,
 * every answer is a 4xx, nothing the engine calls invalid was ever published, and the gateway
 * still answers a good request.
 */
class GatewayFuzzTest
{
    private static final long SEED = Long.getLong("flashsale.fuzz.seed", 20261128L);
    private static final int CASES = 5_000;

    private final EmbeddedGateway gateway = new EmbeddedGateway(new GatewayConfig()
        .maxInitialLineBytes(512).maxHeaderBytes(2048).maxBodyBytes(2048).customerRatePerSecond(0), new EngineConfig());

    @Test
    void mutatedRequestsNeverChangeStateOrReachTheEngineInvalid()
    {
        final EmbeddedChannel setup = gateway.channel();
        assertThat(EmbeddedGateway.exchange(setup, gateway.admin("PUT", "/v1/admin/skus/GONE",
            "{\"totalStock\":0,\"perCustomerLimit\":5,\"priceMinor\":100,\"currency\":\"EUR\"}")).get(0).status()).isEqualTo(200);
        final int publishedBefore = gateway.backend.publishedTemplates.size();

        final SplittableRandom random = new SplittableRandom(SEED);
        final String[] seeds = seedRequests();
        int answered = 0;
        for (int i = 0; i < CASES; i++)
        {
            final byte[] request = mutate(seeds[random.nextInt(seeds.length)].getBytes(StandardCharsets.ISO_8859_1), random);
            final EmbeddedChannel channel = gateway.channel();
            final List<Response> responses;
            try
            {
                responses = EmbeddedGateway.exchange(channel, request);
            }
            catch (final RuntimeException ex)
            {
                throw new AssertionError("case " + i + " (seed " + SEED + ") broke the handler: " +
                    new String(request, StandardCharsets.ISO_8859_1), ex);
            }
            for (final Response response : responses)
            {
                if (response.status() == 100)
                {
                    continue; // an interim answer to Expect: 100-continue; the final one follows
                }
                answered++;
                assertThat(response.status()).as("case %d (seed %d): %s", i, SEED,
                    new String(request, StandardCharsets.ISO_8859_1)).isBetween(400, 499);
            }
            channel.finishAndReleaseAll();
        }
        assertThat(answered).isGreaterThan(CASES / 2);
        assertThat(gateway.backend.engine.stateHash()).as("only the input count moved").isEqualTo(
            unchangedTwinHash(publishedBefore, gateway.backend.publishedTemplates.size() - publishedBefore));
        assertThat(gateway.backend.resultCodes).doesNotContain((int)ResultCode.INVALID_REQUEST.value());
        assertThat(gateway.backend.publishedTemplates.size()).isGreaterThan(publishedBefore);

        final EmbeddedChannel after = gateway.channel();
        final Response good = EmbeddedGateway.exchange(after, gateway.request("GET", "/v1/skus/GONE/availability", 0, null, null)).get(0);
        assertThat(good.status()).isEqualTo(200);
        gateway.backend.engine.verifyInvariants();
    }

    /**
     * The hash of an engine that saw the same set-up and then as many inputs that change nothing
     * (ticks, at the same time, with nothing due) as the fuzzed engine decided: equal hashes mean the
     * fuzzed inputs changed nothing but the input count.
     */
    private long unchangedTwinHash(final int setupInputs, final int fuzzInputs)
    {
        final dev.flashsale.engine.Engine twin = new dev.flashsale.engine.Engine(new EngineConfig());
        final dev.flashsale.engine.EngineOutput discard = dev.flashsale.engine.EngineOutput.discarding();
        long sequence = 0;
        for (int i = 0; i < setupInputs; i++)
        {
            final byte[] command = gateway.backend.publishedCommands.get(i);
            twin.apply(++sequence, gateway.backend.timeMs, new org.agrona.concurrent.UnsafeBuffer(command), 0, command.length, discard);
        }
        final org.agrona.concurrent.UnsafeBuffer tick = new org.agrona.concurrent.UnsafeBuffer(new byte[64]);
        final int tickLength = new dev.flashsale.engine.protocol.CommandWriter().tick(tick, 0);
        for (int i = 0; i < fuzzInputs; i++)
        {
            twin.apply(++sequence, gateway.backend.timeMs, tick, 0, tickLength, discard);
        }
        return twin.stateHash();
    }

    private String[] seedRequests()
    {
        final String reserve = "{\"customerId\":42,\"lines\":[{\"sku\":\"GONE\",\"qty\":1},{\"sku\":\"OTHER\",\"qty\":2}],\"holdSeconds\":60}";
        return new String[] {
            gateway.request("POST", "/v1/checkouts", 42, "fuzz-key-1", reserve),
            gateway.request("POST", "/v1/checkouts", 42, "fuzz-key-2", "{\"customerId\":42,\"lines\":[{\"sku\":\"GONE\",\"qty\":3}]}"),
            gateway.request("POST", "/v1/checkouts/16777216/confirm", 42, null, "{\"paymentRef\":\"pay-1\"}"),
            gateway.request("POST", "/v1/checkouts/16777216/cancel", 42, null, null),
            gateway.request("GET", "/v1/checkouts/16777216", 42, null, null),
            // Admin routes with a storefront key: always refused.
            gateway.request("PUT", "/v1/admin/skus/GONE", 0, null, "{\"totalStock\":9,\"perCustomerLimit\":1,\"priceMinor\":1,\"currency\":\"EUR\"}"),
            gateway.request("POST", "/v1/admin/skus/GONE/restock", 0, null, "{\"quantity\":5}"),
        };
    }

    /** One to four mutations: flip, insert, delete or duplicate bytes, splice in nasty tokens, or cut the request. */
    private static byte[] mutate(final byte[] request, final SplittableRandom random)
    {
        byte[] bytes = request;
        final int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations; m++)
        {
            final int at = random.nextInt(bytes.length);
            switch (random.nextInt(7))
            {
                case 0 -> bytes[at] = (byte)random.nextInt(256);
                case 1 -> bytes[at] = (byte)SYNTAX.charAt(random.nextInt(SYNTAX.length()));
                case 2 -> bytes = bytes.length > 1 ? splice(bytes, at, 1, new byte[0]) : bytes;
                case 3 -> bytes = splice(bytes, at, 0, NASTY[random.nextInt(NASTY.length)].getBytes(StandardCharsets.ISO_8859_1));
                case 4 -> bytes = splice(bytes, at, 0, java.util.Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + 1 + random.nextInt(40))));
                case 5 -> bytes = java.util.Arrays.copyOf(bytes, Math.max(1, at));
                default -> bytes = replaceDigits(bytes, random);
            }
        }
        return bytes;
    }

    private static final String SYNTAX = "{}[]\",:0-9.eE\r\n \\%/?#";
    private static final String[] NASTY = {
        "-1", "0", "99999999999999999999999", "1e9", "null", "true", "\"", "\\u0000", "\u0000", "%00", "../", "//",
        "\r\n", "\r\n\r\n", "Transfer-Encoding: chunked\r\n", "Content-Length: 999999\r\n", "Expect: 100-continue\r\n",
        "{\"a\":[[[[[[[[[[[[[[]]]]]]]]]]]]]}", "x".repeat(3000), "\u00ff\u00fe", " HTTP/1.0", "?q=1",
    };

    private static byte[] splice(final byte[] bytes, final int at, final int remove, final byte[] insert)
    {
        final byte[] out = new byte[bytes.length - remove + insert.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(bytes, at + remove, out, at + insert.length, bytes.length - at - remove);
        return out;
    }

    private static byte[] replaceDigits(final byte[] bytes, final SplittableRandom random)
    {
        final byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++)
        {
            if (out[i] >= '0' && out[i] <= '9' && random.nextInt(8) == 0)
            {
                out[i] = (byte)('0' + random.nextInt(10));
            }
        }
        return out;
    }
}
