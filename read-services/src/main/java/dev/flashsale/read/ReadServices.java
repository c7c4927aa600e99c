package dev.flashsale.read;

import dev.flashsale.read.catalog.Catalog;
import dev.flashsale.read.orders.OrdersProjection;
import dev.flashsale.read.profiles.Profiles;
import dev.flashsale.read.search.ProductSearch;
import dev.flashsale.journal.BackgroundShare;
import dev.flashsale.journal.JournalDoorbell;
import dev.flashsale.journal.OwnerOnly;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The read services of one data directory: their projections, kept up to date by one thread
 * ({@code flashsale-projections}) that polls the event journal and idles briefly when it is
 * caught up (new events are visible within milliseconds). After two seconds without any event it
 * sleeps until the node's event writer rings ({@link JournalDoorbell}: the first events after a
 * quiet spell wake it at once), at most a second; without a doorbell it looks every 50 ms. So an
 * idle node's projections do not wake a hundred times a second. Beside a busy node it keeps to a share
 * of a core ({@link BackgroundShare}): during a burst it falls behind, up to a bound, and catches
 * up when the burst ends. Plain Java: the gateway serves their
 * routes. A damaged journal stops the projections and is reported by {@link #failure()}; reads
 * go on from the stores as they are.
 *
 * <p>The stores (Chronicle Maps) are shared by every thread; the event journal's tailers are
 * single-threaded Chronicle objects, so the projection thread opens them (positioned where each
 * projection stopped), polls them and closes them; {@link #start} waits for it to have opened them.
 */
public final class ReadServices implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ReadServices.class);
    private static final int BATCH = 1_000;
    /** Caught up: look again at most this much later (new events are visible within a few milliseconds). */
    private static final long MAX_IDLE_NS = TimeUnit.MILLISECONDS.toNanos(10);
    /**
     * No event for this long: the node is quiet (during a sale events are milliseconds apart), so sleep
     * on the event writer's doorbell, or look every {@link #QUIET_LOOK_NS} without one. A hundred wake-ups a second cost an idle node about 1 % of a
     * core on the dev VM, the largest share of its idle CPU (docs/BENCHMARKS.md, "An idle node").
     */
    static final long QUIET_AFTER_NS = TimeUnit.SECONDS.toNanos(2);
    /** How often a quiet node's projections look for events without a doorbell (a doorbell nobody rings): the first events after a quiet spell wait up to this. */
    private static final long QUIET_LOOK_NS = TimeUnit.MILLISECONDS.toNanos(50);
    /** The longest a quiet node's projections sleep on the doorbell (a writer that does not ring is noticed at this pace). */
    private static final long QUIET_SLEEP_NS = TimeUnit.SECONDS.toNanos(1);
    /** Longest pause after a slice while the node is busy. */
    private static final long MAX_PAUSE_NS = TimeUnit.MILLISECONDS.toNanos(200);

    private final OrdersProjection orders;
    private final Catalog catalog;
    private final ProductSearch search;
    private final Profiles profiles;
    private final Thread thread;
    private final CompletableFuture<Void> feedsOpened = new CompletableFuture<>();
    private BackgroundShare share = BackgroundShare.unpaced();
    private JournalDoorbell eventsAppended; // without the node's: one nobody rings, slept on QUIET_LOOK_NS at a time
    private long quietSleepNs = QUIET_LOOK_NS;
    private volatile boolean running = true;
    private volatile Throwable failure;

    private ReadServices(final OrdersProjection orders, final Catalog catalog, final ProductSearch search, final Profiles profiles)
    {
        this.profiles = profiles;
        this.orders = orders;
        this.catalog = catalog;
        this.search = search;
        this.thread = new Thread(this::run, "flashsale-projections");
        thread.setDaemon(true);
    }

    /**
     * Opens the stores under {@code storeDirectory} (created owner-only if missing, made so with a
     * warning if others could reach it), resumes each projection
     * where it stopped, and starts the polling thread.
     *
     * @param dataDirectory a node's data directory: its event journal is the feed.
     * @param customers     customers the order-history store is sized for.
     * @param skus          products the catalog's stores are sized for.
     */
    public static ReadServices start(final Path dataDirectory, final Path storeDirectory, final long customers, final long skus)
    {
        return start(dataDirectory, storeDirectory, customers, skus, BackgroundShare.unpaced());
    }

    /**
     * As {@link #start(Path, Path, long, long)}, beside a node that is taking input.
     *
     * @param share how much of a core the projections take while the node is busy, and how far
     *              behind they may fall before they take what they need ({@code read.cpu-percent},
     *              {@code read.max-lag-inputs}).
     */
    public static ReadServices start(final Path dataDirectory, final Path storeDirectory, final long customers, final long skus,
        final BackgroundShare share)
    {
        return start(dataDirectory, storeDirectory, customers, skus, share, null);
    }

    /**
     * As {@link #start(Path, Path, long, long, BackgroundShare)}, beside a node in this process.
     *
     * @param eventsAppended rung by the node's event writer after each batch ({@code NodeJournal.eventDoorbell()}):
     *                       a quiet node's projections sleep on it; null to look every 50 ms instead.
     */
    public static ReadServices start(final Path dataDirectory, final Path storeDirectory, final long customers, final long skus,
        final BackgroundShare share, final JournalDoorbell eventsAppended)
    {
        secure(storeDirectory);
        final OrdersProjection orders = OrdersProjection.open(dataDirectory, storeDirectory.resolve("orders.cmap"), customers);
        final Catalog catalog;
        try
        {
            catalog = Catalog.open(dataDirectory, storeDirectory, skus);
        }
        catch (final RuntimeException ex)
        {
            orders.close();
            throw ex;
        }
        ProductSearch search = null;
        ReadServices services = null;
        try
        {
            search = new ProductSearch(catalog);
            final ProductSearch index = search;
            catalog.onChange(sku ->
            {
                try
                {
                    index.update(sku);
                }
                catch (final RuntimeException ex) // the index is derived: a failure must not stop the projections
                {
                    LOG.error("search index update of {} failed; POST /v1/admin/search/rebuild rebuilds it", sku, ex);
                }
            });
            services = new ReadServices(orders, catalog, search, Profiles.open(storeDirectory.resolve("profiles.cmap"), customers));
            services.share = share;
            services.eventsAppended = eventsAppended == null ? new JournalDoorbell() : eventsAppended;
            services.quietSleepNs = eventsAppended == null ? QUIET_LOOK_NS : QUIET_SLEEP_NS;
            services.thread.start();
            services.awaitFeedsOpened();
            final long startNs = System.nanoTime();
            final long indexed = search.rebuild(); // after the feeds opened: a rewritten journal has cleared availability
            LOG.info("search index built from the catalog: {} products in {} ms", indexed, (System.nanoTime() - startNs) / 1_000_000);
            return services;
        }
        catch (final RuntimeException | Error ex)
        {
            if (services != null)
            {
                services.close();
            }
            else
            {
                if (search != null)
                {
                    search.close();
                }
                catalog.close();
                orders.close();
            }
            throw ex;
        }
    }

    /** The stores hold customer ids, payment references and e-mail addresses: owner-only, like the data directory. */
    private static void secure(final Path storeDirectory)
    {
        try
        {
            final String oldMode = OwnerOnly.secureDirectory(storeDirectory);
            if (oldMode != null)
            {
                LOG.warn("read store directory {} was {}: other users could reach its stores; made it rwx------" +
                    " (docs/JOURNAL.md, \"The data directory\")", storeDirectory, oldMode);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot use the read store directory " + storeDirectory + ": " + ex.getMessage(), ex);
        }
    }

    private void awaitFeedsOpened()
    {
        try
        {
            feedsOpened.get();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the projections opened the event journal", ex);
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof RuntimeException cause)
            {
                throw cause;
            }
            throw (Error)ex.getCause();
        }
    }

    public ProductSearch search()
    {
        return search;
    }

    public Profiles profiles()
    {
        return profiles;
    }

    public Catalog catalog()
    {
        return catalog;
    }

    public OrdersProjection orders()
    {
        return orders;
    }

    /** @return what stopped the projections, or null while they run. */
    public Throwable failure()
    {
        return failure;
    }

    /**
     * Appends the projections' metrics in the Prometheus text format.
     *
     * @param nodeInputSequence the last input of the node that produced events, to show how far behind each projection is.
     * @param nowMs             the current time, epoch ms.
     */
    public void renderMetrics(final StringBuilder out, final long nodeInputSequence, final long nowMs)
    {
        final String[] names = {"orders", "catalog"};
        final long[] sequences = {orders.position().inputSequence(), catalog.position().inputSequence()};
        final long[] lastMs = {orders.lastEngineTimeMs(), catalog.lastEngineTimeMs()};
        out.append("# HELP flashsale_projection_lag_inputs Inputs the node applied that a projection has not seen yet.\n")
            .append("# TYPE flashsale_projection_lag_inputs gauge\n");
        for (int i = 0; i < names.length; i++)
        {
            out.append("flashsale_projection_lag_inputs{projection=\"").append(names[i]).append("\"} ")
                .append(Math.max(0, nodeInputSequence - sequences[i])).append('\n');
        }
        out.append("# HELP flashsale_projection_event_age_seconds Age of the last event a projection applied (grows while idle).\n")
            .append("# TYPE flashsale_projection_event_age_seconds gauge\n");
        for (int i = 0; i < names.length; i++)
        {
            out.append("flashsale_projection_event_age_seconds{projection=\"").append(names[i]).append("\"} ")
                .append(java.math.BigDecimal.valueOf(lastMs[i] == 0 ? 0 : Math.max(0, nowMs - lastMs[i]), 3).stripTrailingZeros()
                    .toPlainString()).append('\n');
        }
        out.append("# HELP flashsale_projection_up 1 while the projections follow the event journal.\n")
            .append("# TYPE flashsale_projection_up gauge\n");
        for (final String name : names)
        {
            out.append("flashsale_projection_up{projection=\"").append(name).append("\"} ")
                .append(failure == null && running ? 1 : 0).append('\n');
        }
    }

    /**
     * @return one line per projection: inputs behind the node and the age of its last event, or
     *     why the projections stopped.
     */
    public String readiness(final long nodeInputSequence, final long nowMs)
    {
        if (failure != null)
        {
            return "projections stopped; the node's log has the cause\n"; // shown to anyone: not the exception's text
        }
        return line("orders", nodeInputSequence - orders.position().inputSequence(), orders.lastEngineTimeMs(), nowMs) +
            line("catalog", nodeInputSequence - catalog.position().inputSequence(), catalog.lastEngineTimeMs(), nowMs);
    }

    private static String line(final String name, final long behind, final long lastEventMs, final long nowMs)
    {
        return "projection " + name + ": " + Math.max(0, behind) + " inputs behind" +
            (lastEventMs == 0 ? "" : ", the last event it applied is " + Math.max(0, nowMs - lastEventMs) + " ms old") + "\n";
    }

    private void run()
    {
        share.onFollowerStart();
        try
        {
            orders.openFeed();
            catalog.openFeed();
        }
        catch (final RuntimeException | Error ex)
        {
            closeFeeds();
            failure = ex;
            feedsOpened.completeExceptionally(ex);
            return;
        }
        feedsOpened.complete(null);
        final IdleStrategy idle = new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(50), MAX_IDLE_NS);
        long lastEventNs = System.nanoTime();
        final JournalDoorbell.Sleeper sleeper = eventsAppended.sleeper();
        try
        {
            while (running)
            {
                final long sliceStartNs = System.nanoTime();
                final long rings = eventsAppended.rings(); // before the look: a later append wakes the sleep
                final int read = orders.poll(BATCH) + catalog.poll(BATCH);
                search.refreshIfDue();
                if (read == 0)
                {
                    if (sliceStartNs - lastEventNs >= QUIET_AFTER_NS)
                    {
                        sleeper.sleep(rings, quietSleepNs);
                    }
                    else
                    {
                        idle.idle();
                    }
                    continue;
                }
                lastEventNs = sliceStartNs;
                idle.reset();
                final long position = Math.min(orders.position().inputSequence(), catalog.position().inputSequence());
                final long pauseNs = share.pauseNanos(System.nanoTime() - sliceStartNs, position);
                if (pauseNs > 0)
                {
                    LockSupport.parkNanos(Math.min(pauseNs, MAX_PAUSE_NS));
                }
            }
        }
        catch (final RuntimeException | Error ex)
        {
            failure = ex;
            LOG.error("the projections stopped; reads go on from the stores as they are", ex);
        }
        finally
        {
            sleeper.close();
            closeFeeds();
        }
    }

    /** On the projection thread: the tailers are closed by the thread that used them. */
    private void closeFeeds()
    {
        try
        {
            orders.closeFeed();
        }
        finally
        {
            catalog.closeFeed();
        }
    }

    /**
     * Stops the polling thread (it closes the journal's tailers), then closes the stores. A thread
     * that does not stop within 10 s is reported and its stores are left open: unmapping them under
     * it could crash the process.
     */
    @Override
    public void close()
    {
        running = false;
        LockSupport.unpark(thread); // a quiet node's projections may be asleep for up to a second
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive())
        {
            LOG.error("the projection thread did not stop within 10 s: its stores are left open");
            return;
        }
        try
        {
            orders.close();
        }
        finally
        {
            try
            {
                search.close();
            }
            finally
            {
                try
                {
                    catalog.close();
                }
                finally
                {
                    profiles.close();
                }
            }
        }
    }
}
