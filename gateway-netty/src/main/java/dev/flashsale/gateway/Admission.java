package dev.flashsale.gateway;

import dev.flashsale.gateway.auth.ApiClient;
import dev.flashsale.gateway.auth.Credentials;
import dev.flashsale.gateway.auth.CustomerTokens;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import org.agrona.concurrent.EpochClock;

/**
 * Who may call a route, and how often: the API key names a client and its role (admin keys call
 * the admin routes only, storefront keys the rest), the client's token bucket, then on the
 * routes that act for a customer the customer token (signed with the client's secret) and the
 * customer's token bucket. A refusal is answered here (401 with {@code WWW-Authenticate}, 403,
 * 429); a caller let in is set on the {@link Call}.
 */
final class Admission
{
    static final AsciiString API_KEY = AsciiString.cached("x-api-key");
    static final AsciiString CUSTOMER_TOKEN = AsciiString.cached("x-customer-token");

    private final Credentials credentials;
    private final EpochClock clock;
    private final TokenBuckets clientBuckets;
    private final TokenBuckets customerBuckets;

    Admission(final GatewayConfig config, final Credentials credentials, final EpochClock clock)
    {
        this.credentials = credentials;
        this.clock = clock;
        this.clientBuckets = new TokenBuckets(config.clientRatePerSecond(), config.clientBurst(), 1024);
        this.customerBuckets = new TokenBuckets(config.customerRatePerSecond(), config.customerBurst(),
            config.customerRateTableSize());
    }

    /** @return true if the caller may go on (set on {@code call}); false if it was refused (answered). */
    boolean admit(final Call call, final HttpHeaders headers)
    {
        final Route route = call.route();
        final ApiClient client = credentials.authenticate(headers.get(API_KEY));
        if (client == null)
        {
            unauthenticated(call, headers.contains(API_KEY) ? "the X-Api-Key is not valid" :
                "an X-Api-Key header is required", "ApiKey header=\"X-Api-Key\"");
            return false;
        }
        if (route.isAdmin() != (client.role() == ApiClient.Role.ADMIN))
        {
            call.refuse(Problem.FORBIDDEN, route.isAdmin() ? "this route needs an admin key" :
                "admin keys cannot call storefront routes");
            return false;
        }
        final long nowNanos = System.nanoTime();
        if (clientBuckets.tryTake(client.id(), nowNanos) != 0)
        {
            call.refuse(Problem.RATE_LIMITED, "the rate limit of this API key is reached");
            return false;
        }
        long customerId = 0;
        if (route.needsCustomer())
        {
            final String token = headers.get(CUSTOMER_TOKEN);
            customerId = call.scratch().tokens.verify(client, token, clock.time() / 1000);
            if (customerId == CustomerTokens.INVALID)
            {
                unauthenticated(call, token == null ? "an X-Customer-Token header is required" :
                    "the X-Customer-Token is not valid or has expired", "CustomerToken header=\"X-Customer-Token\"");
                return false;
            }
            if (customerBuckets.tryTake(customerId, nowNanos) != 0)
            {
                call.refuse(Problem.RATE_LIMITED, "the rate limit of this customer is reached");
                return false;
            }
        }
        call.caller(client, customerId);
        return true;
    }

    private static void unauthenticated(final Call call, final String detail, final String challenge)
    {
        final FullHttpResponse response = Responses.problem(Problem.UNAUTHENTICATED, detail, call.scratch().json,
            call.alloc());
        response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, challenge);
        call.code(Problem.UNAUTHENTICATED);
        call.send(response);
    }
}
