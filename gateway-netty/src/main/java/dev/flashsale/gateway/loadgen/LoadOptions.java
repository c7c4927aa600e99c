package dev.flashsale.gateway.loadgen;

import java.nio.file.Path;

/**
 * What a {@link LoadGenerator} run does: target, connections, pacing, duration, the request mix and
 * the credentials it needs. Mutable with fluent setters; {@link #validate()} checks it once before
 * a run. The keys and the token secret are those the node generated at first start
 * ({@code Credentials.Generated}); the HELLO scenario needs none of them.
 */
public final class LoadOptions
{
    /** What the requests are. */
    public enum Scenario
    {
        /** Every reserve is for one hot SKU, {@code <skuPrefix>HOT}: the flash sale. */
        HOT,
        /** Every reserve is for one of {@link #skus()} SKUs, {@code <skuPrefix>0..n-1}, picked uniformly. */
        SPREAD,
        /** {@code GET <path>} and nothing else: the ceiling run against a {@link HelloServer}. */
        HELLO
    }

    private String host = "127.0.0.1";
    private int port = 8080;
    private int connections = 64;
    private int ioThreads = 1;
    private long rate;
    private int durationSeconds = 10;
    private int warmupSeconds = 2;
    private Scenario scenario = Scenario.HOT;
    private int skus = 100;
    private String skuPrefix = "LOAD-";
    private long customers = 1_000_000;
    private int stockPerSku = 10_000;
    private int perCustomerLimit = 10;
    private int holdSeconds;
    private double confirmFraction = 0.5;
    private double cancelFraction = 0.2;
    private String storefrontKey;
    private String adminKey;
    private String tokenSecret;
    private int clientId = 1;
    private boolean setup = true;
    private Path hgrmFile;
    private Path hlogFile;
    private String path = "/";
    private long seed = 42;
    private long serverPid;

    /** Host name or address of the server under load. */
    public String host()
    {
        return host;
    }

    public LoadOptions host(final String host)
    {
        this.host = host;
        return this;
    }

    public int port()
    {
        return port;
    }

    public LoadOptions port(final int port)
    {
        this.port = port;
        return this;
    }

    /** Keep-alive connections, each with at most one request in flight. */
    public int connections()
    {
        return connections;
    }

    public LoadOptions connections(final int connections)
    {
        this.connections = connections;
        return this;
    }

    /** Event loop threads of the generator; connection i runs on loop {@code i % ioThreads}. */
    public int ioThreads()
    {
        return ioThreads;
    }

    public LoadOptions ioThreads(final int ioThreads)
    {
        this.ioThreads = ioThreads;
        return this;
    }

    /**
     * Requests per second over all connections, on a fixed schedule (open loop, latency from each
     * request's intended start); 0 = closed loop (each connection sends when its answer arrives).
     */
    public long rate()
    {
        return rate;
    }

    public LoadOptions rate(final long rate)
    {
        this.rate = rate;
        return this;
    }

    /** Length of the measured window, after the warm-up. */
    public int durationSeconds()
    {
        return durationSeconds;
    }

    public LoadOptions durationSeconds(final int durationSeconds)
    {
        this.durationSeconds = durationSeconds;
        return this;
    }

    /** Requests of the first seconds are sent but not measured (JIT, connection and cache warm-up). */
    public int warmupSeconds()
    {
        return warmupSeconds;
    }

    public LoadOptions warmupSeconds(final int warmupSeconds)
    {
        this.warmupSeconds = warmupSeconds;
        return this;
    }

    public Scenario scenario()
    {
        return scenario;
    }

    public LoadOptions scenario(final Scenario scenario)
    {
        this.scenario = scenario;
        return this;
    }

    /** SKUs of the SPREAD scenario. */
    public int skus()
    {
        return skus;
    }

    public LoadOptions skus(final int skus)
    {
        this.skus = skus;
        return this;
    }

    /** Start of every SKU code the run uses. */
    public String skuPrefix()
    {
        return skuPrefix;
    }

    public LoadOptions skuPrefix(final String skuPrefix)
    {
        this.skuPrefix = skuPrefix;
        return this;
    }

    /** Customer ids are drawn uniformly from 1..customers. */
    public long customers()
    {
        return customers;
    }

    public LoadOptions customers(final long customers)
    {
        this.customers = customers;
        return this;
    }

    /** Total stock each SKU is created with by the setup. */
    public int stockPerSku()
    {
        return stockPerSku;
    }

    public LoadOptions stockPerSku(final int stockPerSku)
    {
        this.stockPerSku = stockPerSku;
        return this;
    }

    /** Per-customer limit each SKU is created with by the setup. */
    public int perCustomerLimit()
    {
        return perCustomerLimit;
    }

    public LoadOptions perCustomerLimit(final int perCustomerLimit)
    {
        this.perCustomerLimit = perCustomerLimit;
        return this;
    }

    /** Hold time each reserve asks for, in seconds; 0 = the node's default. Holds neither confirmed nor cancelled expire then. */
    public int holdSeconds()
    {
        return holdSeconds;
    }

    public LoadOptions holdSeconds(final int holdSeconds)
    {
        this.holdSeconds = holdSeconds;
        return this;
    }

    /** Share of successful reserves (201) whose next step is a confirm of that checkout. */
    public double confirmFraction()
    {
        return confirmFraction;
    }

    public LoadOptions confirmFraction(final double confirmFraction)
    {
        this.confirmFraction = confirmFraction;
        return this;
    }

    /** Share of successful reserves whose next step is a cancel; the rest are left to expire. */
    public double cancelFraction()
    {
        return cancelFraction;
    }

    public LoadOptions cancelFraction(final double cancelFraction)
    {
        this.cancelFraction = cancelFraction;
        return this;
    }

    /** The storefront client's API key (HOT and SPREAD). */
    public String storefrontKey()
    {
        return storefrontKey;
    }

    public LoadOptions storefrontKey(final String storefrontKey)
    {
        this.storefrontKey = storefrontKey;
        return this;
    }

    /** The admin client's API key (the setup). */
    public String adminKey()
    {
        return adminKey;
    }

    public LoadOptions adminKey(final String adminKey)
    {
        this.adminKey = adminKey;
        return this;
    }

    /** The storefront client's customer-token secret, base64url (HOT and SPREAD). */
    public String tokenSecret()
    {
        return tokenSecret;
    }

    public LoadOptions tokenSecret(final String tokenSecret)
    {
        this.tokenSecret = tokenSecret;
        return this;
    }

    /** The storefront client's id: customer tokens are signed for it. */
    public int clientId()
    {
        return clientId;
    }

    public LoadOptions clientId(final int clientId)
    {
        this.clientId = clientId;
        return this;
    }

    /** Whether the run first creates (or resets) its SKUs with the admin key (HOT and SPREAD). */
    public boolean setup()
    {
        return setup;
    }

    public LoadOptions setup(final boolean setup)
    {
        this.setup = setup;
        return this;
    }

    /** Where the run writes the latency percentile distribution (HdrHistogram text, ms); null = nowhere. */
    public Path hgrmFile()
    {
        return hgrmFile;
    }

    public LoadOptions hgrmFile(final Path hgrmFile)
    {
        this.hgrmFile = hgrmFile;
        return this;
    }

    /**
     * Where the run writes its latencies as an HdrHistogram interval log (nanoseconds, one interval
     * a second from the start of the measured window, see {@link LatencyIntervalLog}); null = nowhere.
     */
    public Path hlogFile()
    {
        return hlogFile;
    }

    public LoadOptions hlogFile(final Path hlogFile)
    {
        this.hlogFile = hlogFile;
        return this;
    }

    /** The path the HELLO scenario gets; with a storefront key it is sent too (a read route of the gateway). */
    public String path()
    {
        return path;
    }

    public LoadOptions path(final String path)
    {
        this.path = path;
        return this;
    }

    /** Seeds each connection's random choices (customers, SKUs, follow-ups), so a run's mix repeats. */
    public long seed()
    {
        return seed;
    }

    public LoadOptions seed(final long seed)
    {
        this.seed = seed;
        return this;
    }

    /**
     * The process id of the server under load, on this machine: its CPU in the measured window,
     * as a whole and per thread, is read from /proc and reported; 0 = not measured.
     */
    public long serverPid()
    {
        return serverPid;
    }

    public LoadOptions serverPid(final long serverPid)
    {
        this.serverPid = serverPid;
        return this;
    }

    /**
     * @return this.
     * @throws IllegalArgumentException naming the first bad option.
     */
    public LoadOptions validate()
    {
        LoadOptionsCheck.check(this);
        return this;
    }
}
