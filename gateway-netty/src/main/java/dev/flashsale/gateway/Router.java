package dev.flashsale.gateway;

import io.netty.handler.codec.http.HttpMethod;

/**
 * The route of a request's path and method, or {@link Route#UNMATCHED}; and for a path no route
 * takes with this method, the methods it allows (a 405's {@code Allow}). Paths are split on
 * {@code /} once; the routes that carry a SKU or a checkout id leave its segment to the desk.
 */
final class Router
{
    private Router()
    {
    }

    /** The segments of the storefront's routes, shared instead of a new String per request. */
    private static final String[] SHARED_SEGMENTS = {"", "v1", "checkouts", "confirm", "cancel"};

    /**
     * @return the segments of the path of {@code uri}: {@code ["", "v1", "checkouts"]} for
     *     {@code /v1/checkouts?x}; as {@code path.split("/", -1)} gives them, empty ones included.
     */
    static String[] segments(final String uri)
    {
        final int query = uri.indexOf('?');
        final int end = query < 0 ? uri.length() : query;
        int count = 1;
        for (int i = 0; i < end; i++)
        {
            if (uri.charAt(i) == '/')
            {
                count++;
            }
        }
        final String[] segments = new String[count];
        int start = 0;
        for (int n = 0; n < count; n++)
        {
            int stop = uri.indexOf('/', start);
            if (stop < 0 || stop > end)
            {
                stop = end;
            }
            segments[n] = segment(uri, start, stop);
            start = stop + 1;
        }
        return segments;
    }

    private static String segment(final String uri, final int start, final int stop)
    {
        for (final String shared : SHARED_SEGMENTS)
        {
            if (shared.length() == stop - start && uri.regionMatches(start, shared, 0, shared.length()))
            {
                return shared;
            }
        }
        return uri.substring(start, stop);
    }

    /** The route of a path and method; UNMATCHED if none. Segments start with "" (the leading slash). */
    static Route match(final String[] p, final HttpMethod method)
    {
        final int n = p.length;
        if (n < 2 || !p[0].isEmpty())
        {
            return Route.UNMATCHED;
        }
        final boolean get = method == HttpMethod.GET;
        final boolean post = method == HttpMethod.POST;
        if (n == 2)
        {
            if (get && p[1].equals("metrics"))
            {
                return Route.METRICS;
            }
            if (get && p[1].equals("openapi.yaml"))
            {
                return Route.OPENAPI;
            }
            return Route.UNMATCHED;
        }
        if (n == 3 && p[1].equals("health") && get)
        {
            return p[2].equals("live") ? Route.HEALTH_LIVE : p[2].equals("ready") ? Route.HEALTH_READY : Route.UNMATCHED;
        }
        if (!p[1].equals("v1"))
        {
            return Route.UNMATCHED;
        }
        if (p[2].equals("checkouts"))
        {
            if (n == 3 && post)
            {
                return Route.RESERVE;
            }
            if (n == 4 && get && !p[3].isEmpty())
            {
                return Route.GET_CHECKOUT;
            }
            if (n == 5 && post && !p[3].isEmpty())
            {
                return p[4].equals("confirm") ? Route.CONFIRM : p[4].equals("cancel") ? Route.CANCEL : Route.UNMATCHED;
            }
            return Route.UNMATCHED;
        }
        if (p[2].equals("me") && n == 4 && get && p[3].equals("orders"))
        {
            return Route.MY_ORDERS;
        }
        if (p[2].equals("me") && n == 4 && p[3].equals("profile"))
        {
            return get ? Route.MY_PROFILE : method == HttpMethod.PUT ? Route.PUT_MY_PROFILE : Route.UNMATCHED;
        }
        if (p[2].equals("search") && n == 3 && get)
        {
            return Route.SEARCH;
        }
        if (p[2].equals("admin") && n == 5 && p[3].equals("search") && p[4].equals("rebuild") && post)
        {
            return Route.ADMIN_REBUILD_SEARCH;
        }
        if (p[2].equals("products") && n == 4 && get && !p[3].isEmpty())
        {
            return Route.PRODUCT;
        }
        if (p[2].equals("admin") && n == 5 && p[3].equals("products") && !p[4].isEmpty())
        {
            return method == HttpMethod.PUT ? Route.ADMIN_PUT_PRODUCT : get ? Route.ADMIN_GET_PRODUCT :
                method == HttpMethod.DELETE ? Route.ADMIN_DELETE_PRODUCT : Route.UNMATCHED;
        }
        if (p[2].equals("skus") && n == 5 && get && p[4].equals("availability") && !p[3].isEmpty())
        {
            return Route.AVAILABILITY;
        }
        if (p[2].equals("admin") && n >= 5 && p[3].equals("skus") && !p[4].isEmpty())
        {
            if (n == 5)
            {
                return method == HttpMethod.PUT ? Route.ADMIN_PUT_SKU : get ? Route.ADMIN_GET_SKU : Route.UNMATCHED;
            }
            if (n == 6 && post)
            {
                return switch (p[5])
                {
                    case "restock" -> Route.ADMIN_RESTOCK;
                    case "adjust" -> Route.ADMIN_ADJUST;
                    case "pause" -> Route.ADMIN_PAUSE;
                    case "resume" -> Route.ADMIN_RESUME;
                    default -> Route.UNMATCHED;
                };
            }
        }
        return Route.UNMATCHED;
    }

    /** @return the methods a known path allows (for 405), or null if no route has this path. */
    static String allowed(final String[] p)
    {
        final StringBuilder allowed = new StringBuilder();
        for (final HttpMethod method : new HttpMethod[] {HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE})
        {
            if (match(p, method) != Route.UNMATCHED)
            {
                allowed.append(allowed.length() == 0 ? "" : ", ").append(method.name());
            }
        }
        return allowed.length() == 0 ? null : allowed.toString();
    }
}
