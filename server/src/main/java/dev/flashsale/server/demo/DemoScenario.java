package dev.flashsale.server.demo;

/**
 * What the demo simulates.
 *
 * @param sku             the SKU on sale.
 * @param stock           units on sale.
 * @param perCustomerLimit units one customer may hold + buy.
 * @param customers       distinct shoppers.
 * @param attempts        reserve attempts in total.
 * @param ratePerSecond   attempts per second offered; 0 = as fast as the pipeline takes them.
 * @param producers       threads publishing attempts (gateway event loops, later).
 * @param holdTtlMs       how long a hold lasts.
 * @param confirmPercent  share of successful holds that pay (some too late).
 * @param cancelPercent   share that cancel; the rest walk away and their holds expire.
 * @param retryPercent    share of attempts the client sends twice with the same idempotency key.
 * @param seed            makes shoppers' choices repeatable.
 */
record DemoScenario(
    String sku,
    int stock,
    int perCustomerLimit,
    int customers,
    int attempts,
    int ratePerSecond,
    int producers,
    long holdTtlMs,
    int confirmPercent,
    int cancelPercent,
    int retryPercent,
    long seed)
{
    DemoScenario
    {
        require(stock >= 1, "--stock must be at least 1");
        require(perCustomerLimit >= 1, "--limit must be at least 1");
        require(customers >= 1, "--customers must be at least 1");
        require(attempts >= 1 && attempts <= 50_000_000, "--attempts must be 1..50,000,000");
        require(ratePerSecond >= 0, "--rate must be 0 (unpaced) or more");
        require(producers >= 1 && producers <= 64, "--producers must be 1..64");
        require(holdTtlMs >= 1, "--hold-ttl-ms must be at least 1");
        require(confirmPercent >= 0 && cancelPercent >= 0 && confirmPercent + cancelPercent <= 100,
            "--confirm-percent + --cancel-percent must be 0..100");
        require(retryPercent >= 0 && retryPercent <= 100, "--retry-percent must be 0..100");
    }

    private static void require(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new IllegalArgumentException(message);
        }
    }
}
