package dev.flashsale.gateway.auth;

/**
 * One API client: a storefront back end or an operator tool.
 *
 * @param id          1..Integer.MAX_VALUE: scopes idempotency keys in the engine.
 * @param name        for logs and metrics.
 * @param role        what it may call.
 * @param keySha256   SHA-256 of its API key (the key itself is never stored).
 * @param tokenSecret the HMAC key of its customer tokens (storefronts; empty for admins).
 */
public record ApiClient(int id, String name, Role role, byte[] keySha256, byte[] tokenSecret)
{
    /** What a client may call. */
    public enum Role
    {
        /** Checkouts and availability, on behalf of customers it vouches for with tokens. */
        STOREFRONT,
        /** The admin routes. */
        ADMIN
    }
}
