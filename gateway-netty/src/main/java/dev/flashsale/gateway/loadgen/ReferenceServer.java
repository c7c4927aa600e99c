package dev.flashsale.gateway.loadgen;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The reference the node is compared with: the simplest correct in-memory reservation server on
 * Netty. It serves the requests {@code flashsale loadgen} sends to a node, unchanged: {@code PUT
 * /v1/admin/skus/{sku}}, {@code POST /v1/checkouts}, and {@code POST /v1/checkouts/{id}/confirm}
 * and {@code /cancel}, with the node's bodies, answers and problem codes. All state is a few
 * hash maps under one lock ({@link ReferenceStore}); there is no journal, so nothing survives
 * the process, and no pipeline, so a request is decided on the event loop that read it.
 *
 * <p>It checks what decides a sale: strict JSON bodies (400), the {@code X-Api-Key} header
 * present (401), the body's customer against the token's, per-SKU stock and per-customer limits
 * all-or-nothing over a reserve's lines, idempotency by (customer, {@code Idempotency-Key}),
 * hold expiry. It does not verify API keys or roles, nor the customer token's HMAC signature or
 * expiry (it reads the customer id from the token's first field), and has no rate limits, sale
 * windows, pause, restock, read routes or metrics. So it does less per request than the node:
 * the gap between the two is an upper bound on what the node's durability and checks cost.
 *
 * <p>Transport and threads as {@link HelloServer}: epoll where available, HttpServerCodec and
 * HttpObjectAggregator, TCP_NODELAY, keep-alive, one flush per read batch.
 */
public final class ReferenceServer implements AutoCloseable
{
    /** Event loops by default: the plain server of issue 9's comparison ran two. */
    public static final int IO_THREADS_DEFAULT = 2;
    /** How long a finished checkout and its idempotency key are kept, by default. */
    public static final long RETENTION_MS_DEFAULT = 60_000;
    /** Checkouts kept, and customer-SKU pairs counted, each at most this many by default. */
    public static final int CAPACITY_DEFAULT = 8_000_000;
    /** Largest request body, as the node's {@code gateway.max-body-bytes} default; a larger one closes the connection. */
    static final int MAX_BODY_BYTES = 16_384;

    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final ReferenceStore store;

    /** Binds and starts serving with the default retention and capacity. */
    public ReferenceServer(final String bindAddress, final int port, final int ioThreads)
    {
        this(bindAddress, port, ioThreads, RETENTION_MS_DEFAULT, CAPACITY_DEFAULT, System::currentTimeMillis);
    }

    /**
     * Binds and starts serving.
     *
     * @param bindAddress  the address to listen on, e.g. 0.0.0.0 or 127.0.0.1.
     * @param port         TCP port; 0 picks a free one (see {@link #port()}).
     * @param ioThreads    event loop threads, 1..64.
     * @param retentionMs  how long a finished checkout and its idempotency key stay, 0 or more.
     * @param capacity     checkouts kept and customer-SKU pairs counted, each; beyond it reserves are 503.
     * @param epochClockMs time of holds and retention (a test may step it).
     * @throws IllegalArgumentException if an argument is out of range.
     * @throws IllegalStateException    if the address cannot be bound (naming it).
     */
    public ReferenceServer(final String bindAddress, final int port, final int ioThreads, final long retentionMs,
        final int capacity, final LongSupplier epochClockMs)
    {
        if (ioThreads < 1 || ioThreads > 64)
        {
            throw new IllegalArgumentException("reference server ioThreads=" + ioThreads + ": must be 1..64");
        }
        if (port < 0 || port > 65_535)
        {
            throw new IllegalArgumentException("reference server port=" + port + ": must be 0..65535");
        }
        store = new ReferenceStore(epochClockMs, retentionMs, capacity);
        group = Transport.group(ioThreads, "flashsale-reference");
        serverChannel = Transport.bindHttp(group, bindAddress, port, MAX_BODY_BYTES, () -> new ReferenceHandler(store));
    }

    /** @return the port it listens on (the chosen one when started with 0). */
    public int port()
    {
        return ((InetSocketAddress)serverChannel.localAddress()).getPort();
    }

    /** @return "epoll" or "nio". */
    public String transport()
    {
        return Transport.name();
    }

    /** @return the state, for tests in this package. */
    ReferenceStore store()
    {
        return store;
    }

    /** Stops listening and closes every connection; the state is gone with the process. */
    @Override
    public void close()
    {
        serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
