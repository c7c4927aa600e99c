package dev.flashsale.gateway;

import java.util.concurrent.atomic.LongAdder;

/**
 * Request counters by route and status, and latency histograms by route, as lock-free adders:
 * event loops record, {@code GET /metrics} reads. Rendered in the Prometheus text format, every
 * series from 0 (a public route's from its 200 and 503), so an alert on a rate sees 0, not nothing.
 */
final class GatewayMetrics
{
    private static final int[] STATUSES = {200, 201, 204, 304, 400, 401, 403, 404, 405, 408, 409, 410, 413, 414, 415, 422, 429, 431, 500, 503};
    /** Upper bounds of the latency buckets, microseconds. */
    private static final long[] BUCKETS_US = {50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000,
        1_000_000, 5_000_000};

    private final int routes = Route.values().length;
    private final LongAdder[] requests = new LongAdder[routes * (STATUSES.length + 1)];
    private final LongAdder[] buckets = new LongAdder[routes * (BUCKETS_US.length + 1)];
    private final LongAdder[] sumMicros = new LongAdder[routes];
    private final LongAdder[] counts = new LongAdder[routes];
    private final LongAdder connectionsRefused = new LongAdder();
    private final LongAdder connectionsOpened = new LongAdder();
    private final LongAdder timeouts = new LongAdder();

    GatewayMetrics()
    {
        fill(requests);
        fill(buckets);
        fill(sumMicros);
        fill(counts);
    }

    void record(final Route route, final int status, final long latencyNanos)
    {
        final int r = route.ordinal();
        requests[r * (STATUSES.length + 1) + statusIndex(status)].increment();
        final long micros = latencyNanos / 1000;
        int bucket = 0;
        while (bucket < BUCKETS_US.length && micros > BUCKETS_US[bucket])
        {
            bucket++;
        }
        buckets[r * (BUCKETS_US.length + 1) + bucket].increment();
        sumMicros[r].add(micros);
        counts[r].increment();
    }

    void connectionOpened()
    {
        connectionsOpened.increment();
    }

    void connectionRefused()
    {
        connectionsRefused.increment();
    }

    void requestTimedOut()
    {
        timeouts.increment();
    }

    long requests(final Route route, final int status)
    {
        return requests[route.ordinal() * (STATUSES.length + 1) + statusIndex(status)].sum();
    }

    void render(final StringBuilder out)
    {
        out.append("# HELP flashsale_http_requests_total HTTP requests answered, by route and status.\n")
            .append("# TYPE flashsale_http_requests_total counter\n");
        for (final Route route : Route.values())
        {
            final boolean isPublic = route.desk() == Route.Desk.PUBLIC && route != Route.UNMATCHED;
            for (int s = 0; s <= STATUSES.length; s++)
            {
                final long value = requests[route.ordinal() * (STATUSES.length + 1) + s].sum();
                // Present from 0, so that a rate() of a status a route can answer is 0, not absent; "other" once seen.
                final boolean expected = s < STATUSES.length && (!isPublic || STATUSES[s] == 200 || STATUSES[s] == 503);
                if (value > 0 || expected)
                {
                    out.append("flashsale_http_requests_total{route=\"").append(route.label()).append("\",status=\"")
                        .append(s < STATUSES.length ? Integer.toString(STATUSES[s]) : "other").append("\"} ")
                        .append(value).append('\n');
                }
            }
        }
        out.append("# HELP flashsale_http_request_duration_seconds Time from a complete request to its answer, by route.\n")
            .append("# TYPE flashsale_http_request_duration_seconds histogram\n");
        for (final Route route : Route.values())
        {
            final long count = counts[route.ordinal()].sum(); // every route from 0, like the counters
            long cumulative = 0;
            for (int b = 0; b <= BUCKETS_US.length; b++)
            {
                cumulative += buckets[route.ordinal() * (BUCKETS_US.length + 1) + b].sum();
                out.append("flashsale_http_request_duration_seconds_bucket{route=\"").append(route.label()).append("\",le=\"")
                    .append(b < BUCKETS_US.length ? seconds(BUCKETS_US[b]) : "+Inf").append("\"} ").append(cumulative).append('\n');
            }
            out.append("flashsale_http_request_duration_seconds_sum{route=\"").append(route.label()).append("\"} ")
                .append(seconds(sumMicros[route.ordinal()].sum())).append('\n');
            out.append("flashsale_http_request_duration_seconds_count{route=\"").append(route.label()).append("\"} ")
                .append(count).append('\n');
        }
        PrometheusText.counter(out, "flashsale_http_connections_opened_total", "Connections accepted.", connectionsOpened.sum());
        PrometheusText.counter(out, "flashsale_http_connections_refused_total", "Connections closed at once: gateway.max-connections reached.",
            connectionsRefused.sum());
        PrometheusText.counter(out, "flashsale_http_request_timeouts_total", "Requests not complete within gateway.request-timeout-ms (408).",
            timeouts.sum());
    }

    private static String seconds(final long micros)
    {
        return java.math.BigDecimal.valueOf(micros, 6).stripTrailingZeros().toPlainString();
    }

    private static int statusIndex(final int status)
    {
        for (int i = 0; i < STATUSES.length; i++)
        {
            if (STATUSES[i] == status)
            {
                return i;
            }
        }
        return STATUSES.length;
    }

    private static void fill(final LongAdder[] adders)
    {
        for (int i = 0; i < adders.length; i++)
        {
            adders[i] = new LongAdder();
        }
    }
}
