package dev.flashsale.gateway.loadgen;

import dev.flashsale.engine.protocol.Ascii;
import dev.flashsale.engine.protocol.ProtocolLimits;
import dev.flashsale.gateway.http.PathParams;

import java.util.Base64;

/** The checks of {@link LoadOptions#validate()}: each option in its range, named in the error. */
final class LoadOptionsCheck
{
    private LoadOptionsCheck()
    {
    }

    /** @throws IllegalArgumentException naming the first bad option. */
    static void check(final LoadOptions o)
    {
        if (o.host() == null || o.host().isBlank())
        {
            throw new IllegalArgumentException("loadgen option host=" + o.host() + ": must be a host name or address");
        }
        range("port", o.port(), 1, 65_535);
        range("connections", o.connections(), 1, 100_000);
        range("ioThreads", o.ioThreads(), 1, 64);
        range("rate", o.rate(), 0, 100_000_000);
        range("durationSeconds", o.durationSeconds(), 1, 86_400);
        range("warmupSeconds", o.warmupSeconds(), 0, 3_600);
        range("serverPid", o.serverPid(), 0, Integer.MAX_VALUE);
        if (o.scenario() == null)
        {
            throw new IllegalArgumentException("loadgen option scenario: must be one of HOT, SPREAD, HELLO");
        }
        if (o.scenario() == LoadOptions.Scenario.HELLO)
        {
            if (o.path() == null || !o.path().startsWith("/") || !PathParams.isToken(o.path(), 2048))
            {
                throw new IllegalArgumentException("loadgen option path=" + o.path() +
                    ": must start with / and be printable ASCII without spaces");
            }
            return;
        }
        range("skus", o.skus(), 1, 1_000_000);
        final String widestSku = (o.skuPrefix() == null ? "" : o.skuPrefix()) +
            (o.scenario() == LoadOptions.Scenario.HOT ? "HOT" : o.skus() - 1);
        if (o.skuPrefix() == null || !Ascii.isSkuCode(widestSku))
        {
            throw new IllegalArgumentException("loadgen option skuPrefix=" + o.skuPrefix() + ": SKU codes such as " +
                widestSku + " must be 1.." + ProtocolLimits.SKU_CODE_LENGTH + " characters of [A-Za-z0-9._-]");
        }
        range("customers", o.customers(), 1, Long.MAX_VALUE / 2);
        range("stockPerSku", o.stockPerSku(), 0, ProtocolLimits.MAX_STOCK);
        range("perCustomerLimit", o.perCustomerLimit(), 1, ProtocolLimits.MAX_STOCK);
        range("holdSeconds", o.holdSeconds(), 0, 86_400);
        fraction("confirmFraction", o.confirmFraction());
        fraction("cancelFraction", o.cancelFraction());
        if (o.confirmFraction() + o.cancelFraction() > 1)
        {
            throw new IllegalArgumentException("loadgen options confirmFraction=" + o.confirmFraction() +
                " and cancelFraction=" + o.cancelFraction() + ": must add up to at most 1");
        }
        apiKey("storefrontKey", o.storefrontKey());
        if (o.setup())
        {
            apiKey("adminKey", o.adminKey());
        }
        if (o.tokenSecret() == null || o.tokenSecret().isEmpty())
        {
            throw new IllegalArgumentException("loadgen option tokenSecret: required to sign customer tokens");
        }
        try
        {
            Base64.getUrlDecoder().decode(o.tokenSecret());
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("loadgen option tokenSecret: must be base64url", ex);
        }
        range("clientId", o.clientId(), 1, Integer.MAX_VALUE);
        return;
    }

    private static void range(final String name, final long value, final long min, final long max)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException("loadgen option " + name + "=" + value + ": must be " + min + ".." + max);
        }
    }

    private static void fraction(final String name, final double value)
    {
        if (!(value >= 0 && value <= 1))
        {
            throw new IllegalArgumentException("loadgen option " + name + "=" + value + ": must be 0..1");
        }
    }

    private static void apiKey(final String name, final String key)
    {
        if (key == null || !PathParams.isToken(key, 256))
        {
            throw new IllegalArgumentException("loadgen option " + name + (key == null ? ": required" :
                ": must be 1..256 printable ASCII characters without spaces"));
        }
    }
}
