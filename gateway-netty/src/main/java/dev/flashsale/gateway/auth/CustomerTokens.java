package dev.flashsale.gateway.auth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Customer tokens: {@code <customerId>.<expiresAtEpochSeconds>.<signature>}, where the signature is
 * base64url (no padding) of HMAC-SHA256 over {@code "<clientId>.<customerId>.<expiresAtEpochSeconds>"}
 * with the client's token secret. The storefront back end signs one per signed-in shopper; the
 * gateway checks it, so a shopper cannot act for another, and a token of one client is worthless
 * with another client's key. One instance per thread (it keeps a {@link Mac}).
 */
public final class CustomerTokens
{
    /** Returned by {@link #verify} for a token that is malformed, forged or expired. */
    public static final long INVALID = -1;

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final int SIGNATURE_CHARS = 43; // 32 bytes, base64url, no padding

    private final Mac mac;
    private final byte[] expected = new byte[32];
    private final byte[] signature = new byte[32];
    /**
     * The signed text {@code "<clientId>.<customerId>.<expires>"}, one byte per char, fed to the Mac in
     * one call: the client's part (at most 11 bytes) is written when the key is set, and a token's part
     * is at most 80 chars.
     */
    private final byte[] message = new byte[96];
    private int clientPrefixLength;
    /** The client whose secret {@link #mac} holds: a Mac keeps its key across doFinal, so re-keying is only needed on a change. */
    private ApiClient keyedFor;

    public CustomerTokens()
    {
        try
        {
            mac = Mac.getInstance("HmacSHA256");
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("HmacSHA256 is not available", ex);
        }
    }

    /** @return a token for the customer, valid until {@code expiresAtEpochSeconds}. */
    public String sign(final ApiClient client, final long customerId, final long expiresAtEpochSeconds)
    {
        if (customerId <= 0)
        {
            throw new IllegalArgumentException("customerId must be positive: " + customerId);
        }
        final String payload = customerId + "." + expiresAtEpochSeconds;
        return payload + "." + ENCODER.encodeToString(mac(client, client.id() + "." + payload));
    }

    /** @return the customer id of a valid token, or {@link #INVALID}. */
    public long verify(final ApiClient client, final CharSequence token, final long nowEpochSeconds)
    {
        if (token == null || token.length() > 80 || client.tokenSecret().length == 0)
        {
            return INVALID;
        }
        final int firstDot = indexOf(token, '.', 0);
        final int secondDot = firstDot < 0 ? -1 : indexOf(token, '.', firstDot + 1);
        if (secondDot < 0 || token.length() - secondDot - 1 != SIGNATURE_CHARS)
        {
            return INVALID;
        }
        final long customerId = parse(token, 0, firstDot);
        final long expires = parse(token, firstDot + 1, secondDot);
        if (customerId <= 0 || expires < 0 || expires <= nowEpochSeconds)
        {
            return INVALID;
        }
        if (!decode(token, secondDot + 1))
        {
            return INVALID;
        }
        try
        {
            keyFor(client);
            mac.update(message, 0, signedText(token, secondDot));
            mac.doFinal(expected, 0);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
        return MessageDigest.isEqual(expected, signature) ? customerId : INVALID;
    }

    /**
     * Writes {@code "<clientId>.<token up to end>"} into {@link #message} after the key is set for the
     * client ({@link #keyFor}, which wrote the client's part). @return its length.
     */
    private int signedText(final CharSequence token, final int end)
    {
        int at = clientPrefixLength;
        for (int i = 0; i < end; i++)
        {
            message[at++] = (byte)token.charAt(i);
        }
        return at;
    }

    private byte[] mac(final ApiClient client, final String text)
    {
        try
        {
            keyFor(client);
            return mac.doFinal(text.getBytes(StandardCharsets.US_ASCII));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private void keyFor(final ApiClient client) throws GeneralSecurityException
    {
        if (keyedFor != client)
        {
            keyedFor = null; // a failed init leaves no key to trust
            mac.init(new SecretKeySpec(client.tokenSecret(), "HmacSHA256"));
            final byte[] prefix = (client.id() + ".").getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(prefix, 0, message, 0, prefix.length);
            clientPrefixLength = prefix.length;
            keyedFor = client;
        }
    }

    private static int indexOf(final CharSequence s, final char c, final int from)
    {
        for (int i = from; i < s.length(); i++)
        {
            if (s.charAt(i) == c)
            {
                return i;
            }
        }
        return -1;
    }

    /** @return a positive decimal of at most 18 digits, or -1. */
    private static long parse(final CharSequence s, final int from, final int to)
    {
        if (to <= from || to - from > 18)
        {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++)
        {
            final char c = s.charAt(i);
            if (c < '0' || c > '9')
            {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** Decodes 43 base64url characters into {@link #signature}. @return false on a bad character. */
    private boolean decode(final CharSequence s, final int from)
    {
        int bits = 0;
        int bitCount = 0;
        int out = 0;
        for (int i = from; i < from + SIGNATURE_CHARS; i++)
        {
            final int v = sextet(s.charAt(i));
            if (v < 0)
            {
                return false;
            }
            bits = bits << 6 | v;
            bitCount += 6;
            if (bitCount >= 8)
            {
                bitCount -= 8;
                signature[out++] = (byte)(bits >> bitCount);
                bits &= (1 << bitCount) - 1;
            }
        }
        return out == 32 && bits == 0;
    }

    private static int sextet(final char c)
    {
        if (c >= 'A' && c <= 'Z')
        {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z')
        {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9')
        {
            return c - '0' + 52;
        }
        if (c == '-')
        {
            return 62;
        }
        return c == '_' ? 63 : -1;
    }
}
