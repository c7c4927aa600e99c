package dev.flashsale.gateway;

/**
 * Listen address, threads, limits, timeouts and rate limits of the HTTP gateway, validated once
 * at start. docs/CONFIGURATION.md lists each with its key ({@code gateway.*}).
 */
public final class GatewayConfig
{
    private String bindAddress = "0.0.0.0";
    private int port = 8080;
    private int ioThreads = 1;
    private int maxConnections = 10_000;
    private int maxPending = 65_536;
    private int maxInFlightPerConnection = 16;
    private int maxInitialLineBytes = 4096;
    private int maxHeaderBytes = 8192;
    private int maxBodyBytes = 16_384;
    private long requestTimeoutMs = 10_000;
    private long idleTimeoutMs = 60_000;
    private long engineTimeoutMs = 10_000;
    private long clientRatePerSecond = 200_000;
    private long clientBurst = 20_000;
    private long customerRatePerSecond = 10;
    private long customerBurst = 20;
    private int customerRateTableSize = 1 << 20;
    private long availabilityMaxAgeSeconds = 1;
    private int metricsTopSkus = 20;
    private int accessLogMaxPerSecond = 100;

    public String bindAddress()
    {
        return bindAddress;
    }

    public GatewayConfig bindAddress(final String bindAddress)
    {
        this.bindAddress = bindAddress;
        return this;
    }

    /** TCP port; 0 picks a free one (tests). */
    public int port()
    {
        return port;
    }

    public GatewayConfig port(final int port)
    {
        this.port = port;
        return this;
    }

    public int ioThreads()
    {
        return ioThreads;
    }

    public GatewayConfig ioThreads(final int ioThreads)
    {
        this.ioThreads = ioThreads;
        return this;
    }

    public int maxConnections()
    {
        return maxConnections;
    }

    public GatewayConfig maxConnections(final int maxConnections)
    {
        this.maxConnections = maxConnections;
        return this;
    }

    /** Requests waiting on the engine across all connections: the exchange table, a power of two. */
    public int maxPending()
    {
        return maxPending;
    }

    public GatewayConfig maxPending(final int maxPending)
    {
        this.maxPending = maxPending;
        return this;
    }

    public int maxInFlightPerConnection()
    {
        return maxInFlightPerConnection;
    }

    public GatewayConfig maxInFlightPerConnection(final int maxInFlightPerConnection)
    {
        this.maxInFlightPerConnection = maxInFlightPerConnection;
        return this;
    }

    public int maxInitialLineBytes()
    {
        return maxInitialLineBytes;
    }

    public GatewayConfig maxInitialLineBytes(final int maxInitialLineBytes)
    {
        this.maxInitialLineBytes = maxInitialLineBytes;
        return this;
    }

    public int maxHeaderBytes()
    {
        return maxHeaderBytes;
    }

    public GatewayConfig maxHeaderBytes(final int maxHeaderBytes)
    {
        this.maxHeaderBytes = maxHeaderBytes;
        return this;
    }

    public int maxBodyBytes()
    {
        return maxBodyBytes;
    }

    public GatewayConfig maxBodyBytes(final int maxBodyBytes)
    {
        this.maxBodyBytes = maxBodyBytes;
        return this;
    }

    /** Longest time from the first byte of a request to its last (slow clients get 408). */
    public long requestTimeoutMs()
    {
        return requestTimeoutMs;
    }

    public GatewayConfig requestTimeoutMs(final long requestTimeoutMs)
    {
        this.requestTimeoutMs = requestTimeoutMs;
        return this;
    }

    /** A keep-alive connection with nothing in flight is closed after this long without a request. */
    public long idleTimeoutMs()
    {
        return idleTimeoutMs;
    }

    public GatewayConfig idleTimeoutMs(final long idleTimeoutMs)
    {
        this.idleTimeoutMs = idleTimeoutMs;
        return this;
    }

    /** A request published to the engine and not answered in this time gets 503 (outcome unknown). */
    public long engineTimeoutMs()
    {
        return engineTimeoutMs;
    }

    public GatewayConfig engineTimeoutMs(final long engineTimeoutMs)
    {
        this.engineTimeoutMs = engineTimeoutMs;
        return this;
    }

    /** Requests per second of one API client; 0 = unlimited. */
    public long clientRatePerSecond()
    {
        return clientRatePerSecond;
    }

    public GatewayConfig clientRatePerSecond(final long clientRatePerSecond)
    {
        this.clientRatePerSecond = clientRatePerSecond;
        return this;
    }

    public long clientBurst()
    {
        return clientBurst;
    }

    public GatewayConfig clientBurst(final long clientBurst)
    {
        this.clientBurst = clientBurst;
        return this;
    }

    /** Requests per second of one customer; 0 = unlimited. */
    public long customerRatePerSecond()
    {
        return customerRatePerSecond;
    }

    public GatewayConfig customerRatePerSecond(final long customerRatePerSecond)
    {
        this.customerRatePerSecond = customerRatePerSecond;
        return this;
    }

    public long customerBurst()
    {
        return customerBurst;
    }

    public GatewayConfig customerBurst(final long customerBurst)
    {
        this.customerBurst = customerBurst;
        return this;
    }

    /** Customer buckets kept (a power of two); customers hashing to one slot share it in turn. */
    public int customerRateTableSize()
    {
        return customerRateTableSize;
    }

    public GatewayConfig customerRateTableSize(final int customerRateTableSize)
    {
        this.customerRateTableSize = customerRateTableSize;
        return this;
    }

    /** SKUs whose units {@code /metrics} shows: those with the most units held and sold; 0 for none. */
    public int metricsTopSkus()
    {
        return metricsTopSkus;
    }

    public GatewayConfig metricsTopSkus(final int metricsTopSkus)
    {
        this.metricsTopSkus = metricsTopSkus;
        return this;
    }

    /** @return lines a second the access log of refusals and errors writes at most; 0 = none. */
    public int accessLogMaxPerSecond()
    {
        return accessLogMaxPerSecond;
    }

    public GatewayConfig accessLogMaxPerSecond(final int accessLogMaxPerSecond)
    {
        this.accessLogMaxPerSecond = accessLogMaxPerSecond;
        return this;
    }

    public long availabilityMaxAgeSeconds()
    {
        return availabilityMaxAgeSeconds;
    }

    public GatewayConfig availabilityMaxAgeSeconds(final long availabilityMaxAgeSeconds)
    {
        this.availabilityMaxAgeSeconds = availabilityMaxAgeSeconds;
        return this;
    }

    /**
     * @return this.
     * @throws IllegalArgumentException naming the first bad value.
     */
    public GatewayConfig validate()
    {
        if (bindAddress == null || bindAddress.isBlank())
        {
            throw new IllegalArgumentException("gateway config bindAddress=" + bindAddress + ": must be a host name or address");
        }
        range("port", port, 0, 65_535);
        range("ioThreads", ioThreads, 1, 64);
        range("maxConnections", maxConnections, 1, 1_000_000);
        range("maxPending", maxPending, 2, 1 << 22);
        if (Integer.bitCount(maxPending) != 1)
        {
            throw new IllegalArgumentException("gateway config maxPending=" + maxPending + ": must be a power of two");
        }
        range("maxInFlightPerConnection", maxInFlightPerConnection, 1, 1024);
        range("maxInitialLineBytes", maxInitialLineBytes, 256, 65_536);
        range("maxHeaderBytes", maxHeaderBytes, 1024, 65_536);
        range("maxBodyBytes", maxBodyBytes, 1024, 1 << 20);
        range("requestTimeoutMs", requestTimeoutMs, 100, 3_600_000);
        range("idleTimeoutMs", idleTimeoutMs, 100, 86_400_000);
        range("engineTimeoutMs", engineTimeoutMs, 100, 3_600_000);
        range("clientRatePerSecond", clientRatePerSecond, 0, 1_000_000_000);
        range("clientBurst", clientBurst, 1, 1_000_000_000);
        range("customerRatePerSecond", customerRatePerSecond, 0, 1_000_000_000);
        range("customerBurst", customerBurst, 1, 1_000_000_000);
        range("customerRateTableSize", customerRateTableSize, 64, 1 << 26);
        if (Integer.bitCount(customerRateTableSize) != 1)
        {
            throw new IllegalArgumentException("gateway config customerRateTableSize=" + customerRateTableSize +
                ": must be a power of two");
        }
        range("availabilityMaxAgeSeconds", availabilityMaxAgeSeconds, 0, 86_400);
        range("metricsTopSkus", metricsTopSkus, 0, 1_000);
        range("accessLogMaxPerSecond", accessLogMaxPerSecond, 0, 100_000);
        return this;
    }

    private static void range(final String name, final long value, final long min, final long max)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException("gateway config " + name + "=" + value + ": must be " + min + ".." + max);
        }
    }
}
