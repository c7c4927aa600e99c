package dev.flashsale.gateway.loadgen;

import dev.flashsale.gateway.auth.ApiClient;
import dev.flashsale.gateway.auth.CustomerTokens;
import io.netty.util.AsciiString;

import java.util.Base64;

/**
 * The validated options of one run, fixed before it starts and shared read-only by every
 * connection: what to send, to whom, with which credentials, on which schedule.
 */
final class LoadPlan
{
    /** How long a run waits past the measured window for answers still in flight. */
    static final long GRACE_SECONDS = 5;
    /** Customers whose tokens are signed before the run, up to this many (about 120 bytes each). */
    static final long PRESIGNED_CUSTOMERS = 1_000_000;

    final LoadOptions.Scenario scenario;
    final int connections;
    final long rate;
    /** Open loop: nanoseconds between intended starts over all connections. */
    final double intervalNanos;
    final AsciiString hostHeader;
    final String[] skus;
    final long customers;
    final int holdSeconds;
    final double confirmFraction;
    final double cancelFraction;
    final ApiClient client;
    final long tokenExpiresAtEpochSeconds;
    /**
     * Customer {@code i}'s token at {@code i - 1}, signed before the run so that the load
     * generator spends its share of the cores on requests, not on HMACs (wrk's script reads
     * tokens signed up front too); null above {@link #PRESIGNED_CUSTOMERS}: signed per reserve.
     */
    final AsciiString[] tokens;
    /** Idempotency keys are {@code <keyPrefix><connection>-<counter>}: unique per run, so runs never replay each other. */
    final String keyPrefix;
    /** The run's requests, encoded. */
    final RequestBytes requests;

    LoadPlan(final LoadOptions options, final long nowEpochMillis)
    {
        scenario = options.scenario();
        connections = options.connections();
        rate = options.rate();
        intervalNanos = rate == 0 ? 0 : 1e9 / rate;
        hostHeader = AsciiString.of(hostAndPort(options));
        customers = options.customers();
        holdSeconds = options.holdSeconds();
        confirmFraction = options.confirmFraction();
        cancelFraction = options.cancelFraction();
        if (scenario == LoadOptions.Scenario.HELLO)
        {
            // GETs of one path: a plain server, or a read route of the gateway when a key is given
            skus = new String[0];
            client = null;
        }
        else
        {
            skus = skuCodes(options);
            client = new ApiClient(options.clientId(), "loadgen", ApiClient.Role.STOREFRONT, new byte[32],
                Base64.getUrlDecoder().decode(options.tokenSecret()));
        }
        final long runSeconds = options.warmupSeconds() + options.durationSeconds() + GRACE_SECONDS;
        tokenExpiresAtEpochSeconds = nowEpochMillis / 1000 + runSeconds + 3_600;
        tokens = client == null || customers > PRESIGNED_CUSTOMERS ? null : sign(client, customers, tokenExpiresAtEpochSeconds);
        keyPrefix = "lg-" + Long.toString(nowEpochMillis, 36) + "-";
        requests = new RequestBytes(hostHeader, options.path(), options.storefrontKey()); // no key: the hello world's load
    }

    private static AsciiString[] sign(final ApiClient client, final long customers, final long expiresAtEpochSeconds)
    {
        final CustomerTokens signer = new CustomerTokens();
        final AsciiString[] tokens = new AsciiString[(int)customers];
        for (int i = 0; i < tokens.length; i++)
        {
            tokens[i] = AsciiString.of(signer.sign(client, i + 1, expiresAtEpochSeconds));
        }
        return tokens;
    }

    boolean openLoop()
    {
        return rate > 0;
    }

    /** @return nanoseconds from the start of the run to the intended start of the n-th request over all connections. */
    long offsetNanos(final long n)
    {
        return (long)(n * intervalNanos);
    }

    /** @return the Host header: {@code host:port}, an IPv6 address in brackets. */
    static String hostAndPort(final LoadOptions options)
    {
        final String host = options.host();
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + options.port();
    }

    /** HOT: {@code <prefix>HOT}; SPREAD: {@code <prefix>0..n-1}. */
    private static String[] skuCodes(final LoadOptions options)
    {
        if (options.scenario() == LoadOptions.Scenario.HOT)
        {
            return new String[] {options.skuPrefix() + "HOT"};
        }
        final String[] codes = new String[options.skus()];
        for (int i = 0; i < codes.length; i++)
        {
            codes[i] = options.skuPrefix() + i;
        }
        return codes;
    }
}
