package dev.flashsale.server.cluster;

import dev.flashsale.gateway.auth.ApiClient;
import dev.flashsale.gateway.auth.CustomerTokens;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shoppers of the cluster demo, one thread each, closed loop over the members' HTTP gateways: reserve
 * one unit, then pay, cancel or walk away, as the load generator's shoppers do. Unlike the load
 * generator, which counts answers, they remember every acknowledged write ({@link Acknowledged}) so
 * that each can be looked for on every member at the end, and they behave as a client should
 * during a failover: a 503 (no leader yet, or outcome unknown) is retried with the same request and
 * idempotency key, and a gateway that is gone (its member was killed) is left for the next member's.
 * A request is retried for at most {@link #RETRY_BUDGET_MS}; one still unanswered then is counted
 * unresolved.
 */
final class Shoppers
{
    static final long RETRY_BUDGET_MS = 30_000;
    /** Shorter than the 503's Retry-After of 1 s: the demo wants to see the new leader as soon as it serves. */
    private static final long RETRY_PAUSE_MS = 50;
    private static final Pattern CHECKOUT_ID = Pattern.compile("\"checkoutId\":\"(\\d+)\"");

    /** What the shoppers sell and how they behave. */
    record Sale(List<String> skus, long customers, int holdSeconds, double confirmFraction, double cancelFraction)
    {
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2)).build();
    private final int[] httpPorts;
    private final String storefrontKey;
    private final ApiClient storefront;
    private final Sale sale;
    private final String keyPrefix;
    private final List<Thread> threads = new ArrayList<>();
    private final ConcurrentLinkedQueue<Acknowledged> acknowledged = new ConcurrentLinkedQueue<>();
    private final AtomicLong latestReserveAckNs = new AtomicLong();
    private final AtomicReference<String> firstUnexpected = new AtomicReference<>();
    private final LongAdder requests = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder retried503 = new LongAdder();
    private final LongAdder gatewaysLeft = new LongAdder();
    private final LongAdder replayed = new LongAdder();
    private final LongAdder unexpected = new LongAdder();
    private final LongAdder unresolved = new LongAdder();
    private volatile boolean running = true;

    Shoppers(final int[] httpPorts, final String storefrontKey, final ApiClient storefront, final Sale sale, final long seed)
    {
        this.httpPorts = httpPorts.clone();
        this.storefrontKey = storefrontKey;
        this.storefront = storefront;
        this.sale = sale;
        this.keyPrefix = "cd-" + Long.toString(seed, 36) + "-" + Long.toString(System.currentTimeMillis(), 36) + "-";
    }

    /** Starts {@code count} shoppers, shopper {@code i} first at member {@code i % members}, each with its own seeded random. */
    void start(final int count, final long seed)
    {
        final SplittableRandom seeds = new SplittableRandom(seed);
        for (int i = 0; i < count; i++)
        {
            final Shopper shopper = new Shopper(i, seeds.split());
            final Thread thread = new Thread(shopper::run, "flashsale-shopper-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /** Stops sending new requests and waits for each shopper's last one to resolve. */
    void stop() throws InterruptedException
    {
        running = false;
        for (final Thread thread : threads)
        {
            thread.join(RETRY_BUDGET_MS + 20_000);
            if (thread.isAlive())
            {
                throw new IllegalStateException(thread.getName() + " did not stop within " + (RETRY_BUDGET_MS + 20_000) + " ms");
            }
        }
    }

    /** @return the {@link System#nanoTime()} of the latest acknowledged reserve, 0 if none yet. Any thread. */
    long latestReserveAckNs()
    {
        return latestReserveAckNs.get();
    }

    List<Acknowledged> acknowledged()
    {
        return List.copyOf(acknowledged);
    }

    /** @return one line: requests, answers and retries. */
    String summary()
    {
        final long[] counts = new long[Acknowledged.Kind.values().length];
        acknowledged.forEach(ack -> counts[ack.kind().ordinal()]++);
        return String.format("%,d requests: %,d reserves acknowledged (201), %,d confirms and %,d cancels (200), %,d refused" +
                " (sold out, limit, expired); %,d answers 503 retried with the same key, %,d of them replayed an earlier" +
                " result (Idempotent-Replayed); %,d moves to another gateway; %,d unexpected answers%s; %,d unresolved",
            requests.sum(), counts[0], counts[1], counts[2], refused.sum(), retried503.sum(), replayed.sum(),
            gatewaysLeft.sum(), unexpected.sum(), firstUnexpected.get() == null ? "" : " (first: " + firstUnexpected.get() + ")",
            unresolved.sum());
    }

    long unexpected()
    {
        return unexpected.sum();
    }

    long unresolved()
    {
        return unresolved.sum();
    }

    /** One shopper: its thread's state. */
    private final class Shopper
    {
        private final int index;
        private final SplittableRandom random;
        private final CustomerTokens tokens = new CustomerTokens();
        private int gateway;
        private long sentNs;
        private long keys;

        Shopper(final int index, final SplittableRandom random)
        {
            this.index = index;
            this.random = random;
            this.gateway = index % httpPorts.length;
        }

        void run()
        {
            while (running)
            {
                final long customer = random.nextLong(1, sale.customers() + 1);
                final String sku = sale.skus().get(random.nextInt(sale.skus().size()));
                final String token = tokens.sign(storefront, customer, System.currentTimeMillis() / 1000 + 3_600);
                final String key = keyPrefix + index + "-" + ++keys;
                final String body = "{\"customerId\":" + customer + ",\"lines\":[{\"sku\":\"" + sku + "\",\"qty\":1}]," +
                    "\"holdSeconds\":" + sale.holdSeconds() + "}";
                final HttpResponse<String> held = call(member -> post(member, "/v1/checkouts", token, body)
                    .header("Idempotency-Key", key).build());
                if (held == null || !answered(held, 201, "reserve"))
                {
                    continue;
                }
                final Matcher id = CHECKOUT_ID.matcher(held.body());
                if (!id.find())
                {
                    unexpectedAnswer("reserve 201 without a checkout id: " + held.body());
                    continue;
                }
                final long checkoutId = Long.parseLong(id.group(1));
                final long receivedNs = System.nanoTime();
                acknowledged.add(new Acknowledged(Acknowledged.Kind.RESERVE, checkoutId, sku, gateway, sentNs,
                    receivedNs));
                latestReserveAckNs.accumulateAndGet(receivedNs, Math::max); // after the add: a reader that sees it finds it
                final double draw = random.nextDouble();
                if (draw < sale.confirmFraction())
                {
                    settle(Acknowledged.Kind.CONFIRM, checkoutId, sku, token, "/confirm", "{\"paymentRef\":\"pay-" +
                        checkoutId + "\"}");
                }
                else if (draw < sale.confirmFraction() + sale.cancelFraction())
                {
                    settle(Acknowledged.Kind.CANCEL, checkoutId, sku, token, "/cancel", "");
                }
            }
        }

        private void settle(final Acknowledged.Kind kind, final long checkoutId, final String sku, final String token,
            final String action, final String body)
        {
            final HttpResponse<String> answer = call(member -> post(member, "/v1/checkouts/" + checkoutId + action, token,
                body).build());
            if (answer != null && answered(answer, 200, kind.name().toLowerCase(java.util.Locale.ROOT)))
            {
                acknowledged.add(new Acknowledged(kind, checkoutId, sku, gateway, sentNs, System.nanoTime()));
            }
        }

        /** @return true if the answer is the success expected; counts a refusal or an unexpected answer otherwise. */
        private boolean answered(final HttpResponse<String> answer, final int success, final String what)
        {
            final int status = answer.statusCode();
            if (answer.headers().firstValue("Idempotent-Replayed").isPresent())
            {
                replayed.increment();
            }
            if (status == success)
            {
                return true;
            }
            if (status == 409 || status == 410 || status == 422 || status == 429) // 410: the hold expired first
            {
                refused.increment();
            }
            else
            {
                unexpectedAnswer(what + " answered " + status + ": " + answer.body());
            }
            return false;
        }

        /**
         * Sends until answered other than 503, moving to the next member's gateway when this one
         * cannot be reached. @return the answer, or null if the retry budget ran out.
         */
        private HttpResponse<String> call(final IntFunction<HttpRequest> request)
        {
            requests.increment();
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_BUDGET_MS);
            while (true)
            {
                try
                {
                    sentNs = System.nanoTime();
                    final HttpResponse<String> answer = http.send(request.apply(httpPorts[gateway]),
                        HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() != 503)
                    {
                        return answer;
                    }
                    retried503.increment();
                }
                catch (final IOException ex)
                {
                    gatewaysLeft.increment(); // its member is down: the same request to the next member's gateway
                    gateway = (gateway + 1) % httpPorts.length;
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    unresolved.increment();
                    return null;
                }
                if (System.nanoTime() - deadline > 0)
                {
                    unresolved.increment();
                    return null;
                }
                pause();
            }
        }

        private HttpRequest.Builder post(final int port, final String path, final String token, final String body)
        {
            return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(15))
                .header("X-Api-Key", storefrontKey).header("X-Customer-Token", token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        }
    }

    private void unexpectedAnswer(final String what)
    {
        unexpected.increment();
        firstUnexpected.compareAndSet(null, what.length() > 300 ? what.substring(0, 300) : what);
    }

    private static void pause()
    {
        try
        {
            Thread.sleep(RETRY_PAUSE_MS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
