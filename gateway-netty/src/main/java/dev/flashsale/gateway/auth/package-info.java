/**
 * Who is calling: API clients and the customers they act for.
 *
 * <ul>
 *   <li>{@link dev.flashsale.gateway.auth.Credentials}: the API clients of a node from the file
 *   {@code gateway.credentials-file} (private to its owner): a name, a role (storefront or
 *   admin), the SHA-256 of the API key (the key itself is never stored) and the secret that signs
 *   the client's customer tokens. A request's key is found by its SHA-256.</li>
 *   <li>{@link dev.flashsale.gateway.auth.ApiClient}: one client, as the gateway sees it.</li>
 *   <li>{@link dev.flashsale.gateway.auth.CustomerTokens}: the customer a request acts for, from
 *   a token the client's back end signs with its secret (HMAC-SHA256, with an expiry); one
 *   instance per event loop keeps each client's MAC key ready.</li>
 * </ul>
 *
 * <p>The gateway's {@code Admission} uses these: a customer can act only as the customer its
 * token names, so one shopper never reserves, confirms or reads for another.
 */
package dev.flashsale.gateway.auth;
