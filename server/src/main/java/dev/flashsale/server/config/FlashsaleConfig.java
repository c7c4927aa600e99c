package dev.flashsale.server.config;

import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.pipeline.PipelineConfig;
import dev.flashsale.engine.pipeline.WaitStrategyKind;
import dev.flashsale.gateway.GatewayConfig;
import dev.flashsale.journal.JournalConfig;
import dev.flashsale.replication.ClusterNodeConfig;
import dev.flashsale.server.logging.LogFormat;
import dev.flashsale.server.logging.LogLevels;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one typed configuration of a flashsale process: defaults, then an optional properties file,
 * then {@code FLASHSALE_*} environment variables, each overriding the one before, validated once.
 * Unknown keys are errors (a typo must not silently fall back to a default). docs/CONFIGURATION.md
 * lists every key; a test keeps it in step with {@link #SETTINGS}.
 */
public final class FlashsaleConfig
{
    /** The environment variable naming a configuration file, read when no file is given. */
    public static final String FILE_VARIABLE = "FLASHSALE_CONFIG";

    private static final EngineConfig ENGINE_DEFAULTS = new EngineConfig();
    private static final PipelineConfig PIPELINE_DEFAULTS = new PipelineConfig();
    private static final JournalConfig JOURNAL_DEFAULTS = new JournalConfig();
    /** The followers' Linux nice value by default ({@code pipeline.background-nice}; docs/BENCHMARKS.md). */
    private static final int DEFAULT_BACKGROUND_NICE = 10;
    private static final GatewayConfig GATEWAY_DEFAULTS = new GatewayConfig();
    private static final ClusterNodeConfig CLUSTER_DEFAULTS = new ClusterNodeConfig();
    private static final String CREDENTIALS_FILE_NAME = "credentials.properties";
    private static final String DATA_DIRECTORY_DEFAULT = "flashsale-data";
    private static final Pattern FIELD_NAME = Pattern.compile("\\b[a-z]+[A-Z]\\w*\\b");
    private static final Pattern RANGE_MESSAGE = Pattern.compile("^(engine|pipeline|journal|gateway) config (\\w+)=(\\S+): must be (.+)$");

    /** Every key, in documentation order. */
    public static final List<Setting> SETTINGS = List.of(
        Setting.ofInt("engine.max-skus", "Most SKUs the engine holds; SKUs are never deleted.",
            ENGINE_DEFAULTS.maxSkus(), (c, v) -> c.engine.maxSkus(v)),
        Setting.ofInt("engine.checkout-capacity", "Checkout slots: live holds plus terminal checkouts kept for retention.",
            ENGINE_DEFAULTS.checkoutCapacity(), (c, v) -> c.engine.checkoutCapacity(v)),
        Setting.ofInt("engine.max-lines-per-checkout", "Lines of one checkout, 1..16.",
            ENGINE_DEFAULTS.maxLinesPerCheckout(), (c, v) -> c.engine.maxLinesPerCheckout(v)),
        Setting.ofInt("engine.max-quantity-per-line",
            "Units of one line of a reserve; times engine.max-lines-per-checkout at most 9,223,372 (a total fits 64 bits).",
            ENGINE_DEFAULTS.maxQuantityPerLine(), (c, v) -> c.engine.maxQuantityPerLine(v)),
        Setting.ofInt("engine.customer-capacity",
            "Customers with units held or confirmed: what per-customer limits count. At most 150,000,000.",
            ENGINE_DEFAULTS.customerCapacity(), (c, v) -> c.engine.customerCapacity(v)),
        Setting.ofInt("engine.customer-overflow-capacity",
            "(customer, SKU) pairs beyond the two SKUs each customer keeps in its own record.",
            ENGINE_DEFAULTS.customerOverflowCapacity(), (c, v) -> c.engine.customerOverflowCapacity(v)),
        Setting.ofInt("engine.max-holds-per-customer", "Live holds of one customer.",
            ENGINE_DEFAULTS.maxHoldsPerCustomer(), (c, v) -> c.engine.maxHoldsPerCustomer(v)),
        Setting.ofInt("engine.idempotency-capacity", "Stored idempotency keys of successful reserves.",
            ENGINE_DEFAULTS.idempotencyCapacity(), (c, v) -> c.engine.idempotencyCapacity(v)),
        Setting.ofInt("engine.max-keys-per-customer", "Stored idempotency keys of one customer, all clients together;" +
                " a reserve with a new key beyond it is `TOO_MANY_KEYS` (422), so a few accounts cannot fill the key table" +
                " for every shopper. 0 = no bound.",
            ENGINE_DEFAULTS.maxKeysPerCustomer(), (c, v) -> c.engine.maxKeysPerCustomer(v)),
        Setting.ofLong("engine.idempotency-retention-ms", "Engine time an idempotency key is kept; at least `engine.max-hold-ttl-ms`, so a retry never takes a second hold.",
            ENGINE_DEFAULTS.idempotencyRetentionMs(), (c, v) -> c.engine.idempotencyRetentionMs(v)),
        Setting.ofLong("engine.checkout-retention-ms",
            "Engine time a confirmed, released or expired checkout stays readable.",
            ENGINE_DEFAULTS.checkoutRetentionMs(), (c, v) -> c.engine.checkoutRetentionMs(v)),
        Setting.ofLong("engine.default-hold-ttl-ms", "Hold time-to-live when a reserve does not ask for one.",
            ENGINE_DEFAULTS.defaultHoldTtlMs(), (c, v) -> c.engine.defaultHoldTtlMs(v)),
        Setting.ofLong("engine.min-hold-ttl-ms", "Shortest hold time-to-live a reserve may ask for.",
            ENGINE_DEFAULTS.minHoldTtlMs(), (c, v) -> c.engine.minHoldTtlMs(v)),
        Setting.ofLong("engine.max-hold-ttl-ms", "Longest hold time-to-live a reserve may ask for.",
            ENGINE_DEFAULTS.maxHoldTtlMs(), (c, v) -> c.engine.maxHoldTtlMs(v)),
        Setting.ofInt("engine.max-expiries-per-input", "Due holds expired before each input: bounds one input's work.",
            ENGINE_DEFAULTS.maxExpiriesPerInput(), (c, v) -> c.engine.maxExpiriesPerInput(v)),
        Setting.ofInt("engine.max-evictions-per-input",
            "Retained checkouts, and separately idempotency keys, evicted before each input.",
            ENGINE_DEFAULTS.maxEvictionsPerInput(), (c, v) -> c.engine.maxEvictionsPerInput(v)),
        Setting.ofInt("pipeline.input-ring-size", "Slots of the input ring, a power of two.",
            PIPELINE_DEFAULTS.inputRingSize(), (c, v) -> c.pipeline.inputRingSize(v)),
        Setting.ofInt("pipeline.output-ring-size", "Slots of the output ring, a power of two.",
            PIPELINE_DEFAULTS.outputRingSize(), (c, v) -> c.pipeline.outputRingSize(v)),
        Setting.ofEnum("pipeline.input-wait-strategy", "How the engine and input stages wait for input.",
            PIPELINE_DEFAULTS.inputWaitStrategy(), WaitStrategyKind.class, (c, v) -> c.pipeline.inputWaitStrategy(v)),
        Setting.ofEnum("pipeline.output-wait-strategy", "How output stages wait for output.",
            PIPELINE_DEFAULTS.outputWaitStrategy(), WaitStrategyKind.class, (c, v) -> c.pipeline.outputWaitStrategy(v)),
        Setting.ofInt("pipeline.background-nice", "Linux nice value (0..19) of the snapshotter's and the read" +
                " projections' threads: they run in the CPU the request path leaves idle; once as far behind as" +
                " `journal.snapshot-every-inputs` or `read.max-lag-inputs` they take their normal priority back" +
                " (needs CAP_SYS_NICE; without it they stay low, logged once). 0 = normal priority.", DEFAULT_BACKGROUND_NICE,
            (c, v) -> c.journal.followerNice(range("pipeline.background-nice", v, 0, 19))),
        new Setting("pipeline.background-idle", "true: the snapshotter's and the read projections' threads run under" +
            " Linux's SCHED_IDLE policy (only on a CPU no other thread wants; a waking event loop takes it from them at" +
            " once) where they can leave it again at their lag bound (needs CAP_SYS_NICE; without it they use" +
            " pipeline.background-nice); false: pipeline.background-nice only.", "true",
            (c, v) -> c.journal.followerIdle(parseBoolean("pipeline.background-idle", v))),
        Setting.ofEnum("pipeline.thread-layout", "event-loop: the journaller, the engine, the event writer and the" +
            " responder run in order on the gateway's (first) event loop, after each read batch (few cores, journal.sync=none);" +
            " core-thread: the same on a thread of their own (few cores, journal.sync=batch); thread-per-stage: one" +
            " thread each, joined by the rings (a core each); auto: thread-per-stage from " +
            dev.flashsale.engine.pipeline.ThreadLayout.DEDICATED_MIN_CORES + " cores, else event-loop, or core-thread with" +
            " journal.sync=batch.",
            PIPELINE_DEFAULTS.threadLayout(), dev.flashsale.engine.pipeline.ThreadLayout.class,
            (c, v) -> c.pipeline.threadLayout(v)),
        Setting.ofLong("pipeline.tick-interval-ms", "The ticker's step: a hold expires at most this long after its time," +
                " without traffic (the ticker sleeps until housekeeping is due, at least this long); 0 = off.",
            PIPELINE_DEFAULTS.tickIntervalMs(), (c, v) -> c.pipeline.tickIntervalMs(v)),
        Setting.ofLong("pipeline.max-clock-step-ms", "The largest step of the wall clock (NTP, `date -s`, a VM resumed)" +
                " that engine time follows; a larger step moves it this far only, counts in `flashsale_clock_steps_total` and" +
                " logs a WARN. 0 = never follow the wall clock after start. At most 3600000.",
            PIPELINE_DEFAULTS.maxClockStepMs(), (c, v) -> c.pipeline.maxClockStepMs(v)),
        Setting.ofLong("pipeline.shutdown-timeout-ms", "How long an orderly shutdown waits for the rings to drain.",
            PIPELINE_DEFAULTS.shutdownTimeoutMs(), (c, v) -> c.pipeline.shutdownTimeoutMs(v)),
        new Setting("journal.data-dir", "The node's data directory: journals, snapshots, lock. Owner-only (rwx------):" +
            " made so at start, with a warning, if group or others could enter it.", DATA_DIRECTORY_DEFAULT,
            (c, v) -> c.dataDirectory = Path.of(v.trim())),
        Setting.ofEnum("journal.sync", "none: durable once in the memory-mapped journal (survives kill -9); batch:" +
            " forced to disk at each batch end before the engine decides (survives power loss).",
            JOURNAL_DEFAULTS.sync(), JournalConfig.Sync.class, (c, v) -> c.journal.sync(v)),
        Setting.ofLong("journal.min-free-bytes", "Free disk space below which the journaller stops intake.",
            JOURNAL_DEFAULTS.minFreeBytes(), (c, v) -> c.journal.minFreeBytes(v)),
        Setting.ofLong("journal.check-interval-ms", "How often the journaller checks its directory and free space.",
            JOURNAL_DEFAULTS.checkIntervalMs(), (c, v) -> c.journal.checkIntervalMs(v)),
        Setting.ofLong("journal.warm-ahead-bytes", "Bytes of each journal file read into the page cache ahead of its" +
                " writer by the thread `flashsale-page-warmer`, so the request path does not fault new pages in; 0 = none.",
            JOURNAL_DEFAULTS.warmAheadBytes(), (c, v) -> c.journal.warmAheadBytes(v)),
        Setting.ofLong("journal.snapshot-every-inputs", "Inputs between snapshots; 0 = no snapshots and no shadow engine.",
            JOURNAL_DEFAULTS.snapshotEveryInputs(), (c, v) -> c.journal.snapshotEveryInputs(v)),
        Setting.ofLong("journal.snapshot-every-ms", "Longest time between snapshots while inputs arrive.",
            JOURNAL_DEFAULTS.snapshotEveryMs(), (c, v) -> c.journal.snapshotEveryMs(v)),
        Setting.ofInt("journal.snapshot-cpu-percent", "Percent of one core the snapshotter's shadow engine takes while the" +
                " node takes input (not under SCHED_IDLE, pipeline.background-idle); it catches up when the node is idle, or at full speed once `journal.snapshot-every-inputs` behind.",
            JOURNAL_DEFAULTS.snapshotCpuPercent(), (c, v) -> c.journal.snapshotCpuPercent(v)),
        Setting.ofInt("journal.snapshot-retention", "Snapshots kept; older ones are deleted.",
            JOURNAL_DEFAULTS.snapshotRetention(), (c, v) -> c.journal.snapshotRetention(v)),
        new Setting("gateway.bind-address", "Address the HTTP gateway listens on.", GATEWAY_DEFAULTS.bindAddress(),
            (c, v) -> c.gateway.bindAddress(v.trim())),
        Setting.ofInt("gateway.port", "TCP port of the HTTP gateway; 0 picks a free one.", GATEWAY_DEFAULTS.port(),
            (c, v) -> c.gateway.port(v)),
        Setting.ofInt("gateway.io-threads", "Netty event loop threads.", GATEWAY_DEFAULTS.ioThreads(),
            (c, v) -> c.gateway.ioThreads(v)),
        Setting.ofInt("gateway.max-connections", "Open connections; more are closed at once.",
            GATEWAY_DEFAULTS.maxConnections(), (c, v) -> c.gateway.maxConnections(v)),
        Setting.ofInt("gateway.max-pending", "Requests waiting on the engine across all connections, a power of two; more get 503.",
            GATEWAY_DEFAULTS.maxPending(), (c, v) -> c.gateway.maxPending(v)),
        Setting.ofInt("gateway.max-in-flight-per-connection",
            "Requests of one connection waiting on the engine; the connection stops being read, and pipelined extras get 503.",
            GATEWAY_DEFAULTS.maxInFlightPerConnection(), (c, v) -> c.gateway.maxInFlightPerConnection(v)),
        Setting.ofInt("gateway.max-initial-line-bytes", "Longest request line; longer is 414.",
            GATEWAY_DEFAULTS.maxInitialLineBytes(), (c, v) -> c.gateway.maxInitialLineBytes(v)),
        Setting.ofInt("gateway.max-header-bytes", "Largest header block; larger is 431.",
            GATEWAY_DEFAULTS.maxHeaderBytes(), (c, v) -> c.gateway.maxHeaderBytes(v)),
        Setting.ofInt("gateway.max-body-bytes", "Largest request body; larger is 413.",
            GATEWAY_DEFAULTS.maxBodyBytes(), (c, v) -> c.gateway.maxBodyBytes(v)),
        Setting.ofLong("gateway.request-timeout-ms", "Longest time from a request's first byte to its last; then 408 and close.",
            GATEWAY_DEFAULTS.requestTimeoutMs(), (c, v) -> c.gateway.requestTimeoutMs(v)),
        Setting.ofLong("gateway.idle-timeout-ms", "A connection with nothing in flight is closed after this long without a request.",
            GATEWAY_DEFAULTS.idleTimeoutMs(), (c, v) -> c.gateway.idleTimeoutMs(v)),
        Setting.ofLong("gateway.engine-timeout-ms",
            "A request waiting on the engine longer than this gets 503 NOT_READY (outcome unknown; retry with the same key).",
            GATEWAY_DEFAULTS.engineTimeoutMs(), (c, v) -> c.gateway.engineTimeoutMs(v)),
        Setting.ofLong("gateway.client-rate-per-second", "Requests per second of one API key (token bucket); 0 = unlimited.",
            GATEWAY_DEFAULTS.clientRatePerSecond(), (c, v) -> c.gateway.clientRatePerSecond(v)),
        Setting.ofLong("gateway.client-burst", "Requests one API key may send at once above its rate.",
            GATEWAY_DEFAULTS.clientBurst(), (c, v) -> c.gateway.clientBurst(v)),
        Setting.ofLong("gateway.customer-rate-per-second", "Requests per second of one customer (token bucket); 0 = unlimited.",
            GATEWAY_DEFAULTS.customerRatePerSecond(), (c, v) -> c.gateway.customerRatePerSecond(v)),
        Setting.ofLong("gateway.customer-burst", "Requests one customer may send at once above its rate.",
            GATEWAY_DEFAULTS.customerBurst(), (c, v) -> c.gateway.customerBurst(v)),
        Setting.ofInt("gateway.customer-rate-table-size",
            "Customer buckets kept, a power of two; customers sharing a slot take it over in turn.",
            GATEWAY_DEFAULTS.customerRateTableSize(), (c, v) -> c.gateway.customerRateTableSize(v)),
        Setting.ofLong("gateway.availability-max-age-seconds", "Cache-Control max-age of SKU availability answers.",
            GATEWAY_DEFAULTS.availabilityMaxAgeSeconds(), (c, v) -> c.gateway.availabilityMaxAgeSeconds(v)),
        Setting.ofInt("gateway.metrics-top-skus",
            "SKUs whose units /metrics shows, those with the most units held and sold, 0..1000; 0 for none.",
            GATEWAY_DEFAULTS.metricsTopSkus(), (c, v) -> c.gateway.metricsTopSkus(v)),
        new Setting("read.enabled", "Run the read services (order history) with the node: true or false.", "true",
            (c, v) -> c.readEnabled = parseBoolean("read.enabled", v)),
        new Setting("read.store-dir", "Where the read services keep their stores; empty = read/ in the data directory." +
            " Owner-only like the data directory.", "",
            (c, v) -> c.readStoreDirectory = v.isBlank() ? null : Path.of(v.trim())),
        Setting.ofLong("read.customers", "Customers the order-history store is sized for when it is created, at about three short orders each; the map grows" +
                " to four times its bytes, and a full store stops the projections (logged, `flashsale_projection_up` 0).", 200_000,
            (c, v) -> c.readCustomers(v)),
        Setting.ofInt("read.cpu-percent", "Percent of one core the projections take while the node takes input (not under" +
                " SCHED_IDLE, pipeline.background-idle); they catch up" +
                " when it is idle, or at full speed once `read.max-lag-inputs` behind.", 10,
            (c, v) -> c.readCpuPercent = range("read.cpu-percent", v, 1, 100)),
        Setting.ofLong("read.max-lag-inputs", "Inputs the projections may fall behind the node during a burst before they" +
                " stop keeping to `read.cpu-percent`: bounds how stale order histories and availability get.", 50_000,
            (c, v) -> c.readMaxLagInputs = range("read.max-lag-inputs", v, 1L, Long.MAX_VALUE)),
        new Setting("gateway.credentials-file", "API clients (hashed keys, token secrets); empty = " +
            CREDENTIALS_FILE_NAME + " in the data directory, created with development credentials on first start.", "",
            (c, v) -> c.credentialsFile = v.isBlank() ? null : Path.of(v.trim())),
        new Setting("cluster.member-id", "This node's id among `cluster.members`; empty (with `cluster.members` empty) = a" +
            " standalone node. See \"Cluster\" below.", "",
            (c, v) -> c.clusterMemberId = v.isBlank() ? null : parseMemberId("cluster.member-id", v)),
        new Setting("cluster.members", "Every member of the cluster as `id=host`, comma-separated, the same list on every" +
            " member (e.g. `0=10.0.0.1,1=10.0.0.2,2=10.0.0.3`); empty = standalone.", "",
            (c, v) -> c.clusterMembers = parseMembers(v)),
        Setting.ofInt("cluster.base-port", "Member `m` uses the UDP ports `base + 10 m + 1` .. `base + 10 m + 5` (archive" +
                " control, ingress, consensus, log, catch-up): one range per member, so three fit on one host.",
            CLUSTER_DEFAULTS.basePort(), (c, v) -> c.clusterBasePort = v),
        Setting.ofLong("cluster.leader-heartbeat-timeout-ms", "Silence from the leader after which followers elect another:" +
                " the largest part of a failover.",
            CLUSTER_DEFAULTS.leaderHeartbeatTimeoutMs(), (c, v) -> c.clusterLeaderHeartbeatTimeoutMs = v),
        Setting.ofLong("cluster.leader-heartbeat-interval-ms", "How often an idle leader tells the followers it is alive;" +
                " under half of `cluster.leader-heartbeat-timeout-ms`.",
            CLUSTER_DEFAULTS.leaderHeartbeatIntervalMs(), (c, v) -> c.clusterLeaderHeartbeatIntervalMs = v),
        Setting.ofLong("cluster.election-timeout-ms", "How long an election phase waits for votes before it moves on;" +
                " below `cluster.leader-heartbeat-timeout-ms`. Paces an election under way; it never starts one.",
            CLUSTER_DEFAULTS.electionTimeoutMs(), (c, v) -> c.clusterElectionTimeoutMs = v),
        Setting.ofLong("cluster.idle-max-park-us", "Longest park of an idle Aeron thread (driver, archive, consensus, service," +
                " the gateway's egress poller): they back off from spinning to parking, never busy-spin. 1..100000.",
            CLUSTER_DEFAULTS.idleMaxParkUs(), (c, v) -> c.clusterIdleMaxParkUs = v),
        Setting.ofInt("cluster.term-length-bytes", "Term length of the cluster log, ingress and egress, a power of two in" +
                " 64 KiB..64 MiB; a message is at most an eighth of it.",
            CLUSTER_DEFAULTS.termLengthBytes(), (c, v) -> c.clusterTermLengthBytes = v),
        Setting.ofEnum("log.format", "text: one readable line per event; json: one JSON object per line with Elastic" +
                " Common Schema fields (`@timestamp`, `log.level`, `message`, ...), for ELK. On stderr either way.",
            LogFormat.TEXT, LogFormat.class, (c, v) -> c.logFormat = v),
        new Setting("log.level", "Level of every logger without its own: trace, debug, info, warn, error or off.", "info",
            (c, v) -> c.logLevel = LogLevels.level("log.level", v)),
        new Setting("log.levels", "Levels of particular loggers, `logger=level` comma-separated, e.g." +
                " `flashsale.access=warn,net.openhft=info`; empty = none (Chronicle's `net.openhft` stays at warn).", "",
            (c, v) -> c.logLevels = LogLevels.overrides("log.levels", v)),
        Setting.ofInt("log.access-max-per-second", "Lines a second the access log of refusals and errors" +
                " (`flashsale.access`) writes at most, 0..100000; the next line written counts those dropped. 0 = none.",
            GATEWAY_DEFAULTS.accessLogMaxPerSecond(), (c, v) -> c.gateway.accessLogMaxPerSecond(
                range("log.access-max-per-second", v, 0, 100_000))));

    private final EngineConfig engine = new EngineConfig();
    private final PipelineConfig pipeline = new PipelineConfig();
    private final JournalConfig journal = new JournalConfig().followerNice(DEFAULT_BACKGROUND_NICE).followerIdle(true);
    private final GatewayConfig gateway = new GatewayConfig();
    private Path credentialsFile;
    private boolean readEnabled = true;
    private Path readStoreDirectory;
    private long readCustomers = 200_000;
    private int readCpuPercent = 10;
    private long readMaxLagInputs = 50_000;
    private Path dataDirectory = Path.of(DATA_DIRECTORY_DEFAULT);
    private Integer clusterMemberId;
    private List<ClusterNodeConfig.Member> clusterMembers = List.of();
    private int clusterBasePort = CLUSTER_DEFAULTS.basePort();
    private long clusterLeaderHeartbeatTimeoutMs = CLUSTER_DEFAULTS.leaderHeartbeatTimeoutMs();
    private long clusterLeaderHeartbeatIntervalMs = CLUSTER_DEFAULTS.leaderHeartbeatIntervalMs();
    private long clusterElectionTimeoutMs = CLUSTER_DEFAULTS.electionTimeoutMs();
    private long clusterIdleMaxParkUs = CLUSTER_DEFAULTS.idleMaxParkUs();
    private int clusterTermLengthBytes = CLUSTER_DEFAULTS.termLengthBytes();
    private LogFormat logFormat = LogFormat.TEXT;
    private String logLevel = "info";
    private Map<String, String> logLevels = Map.of();
    private final Map<String, String> sources = new LinkedHashMap<>();

    public EngineConfig engine()
    {
        return engine;
    }

    public PipelineConfig pipeline()
    {
        return pipeline;
    }

    public JournalConfig journal()
    {
        return journal;
    }

    public GatewayConfig gateway()
    {
        return gateway;
    }

    /** @return the credentials file: {@code gateway.credentials-file}, else the one in the data directory. */
    public Path credentialsFile()
    {
        return credentialsFile != null ? credentialsFile : dataDirectory.resolve(CREDENTIALS_FILE_NAME);
    }

    /** @return true if the node runs the read services ({@code read.enabled}). */
    public boolean readEnabled()
    {
        return readEnabled;
    }

    /** @return where the read stores live: {@code read.store-dir}, else {@code read/} in the data directory. */
    public Path readStoreDirectory()
    {
        return readStoreDirectory != null ? readStoreDirectory : dataDirectory.resolve("read");
    }

    public long readCustomers()
    {
        return readCustomers;
    }

    private void readCustomers(final long customers)
    {
        if (customers < 1 || customers > 1_000_000_000L)
        {
            throw new IllegalArgumentException("read.customers: " + customers + " must be 1..1000000000");
        }
        readCustomers = customers;
    }

    /** @return percent of a core the projections take while the node is busy ({@code read.cpu-percent}). */
    public int readCpuPercent()
    {
        return readCpuPercent;
    }

    /** @return inputs the projections may fall behind before they take what they need ({@code read.max-lag-inputs}). */
    public long readMaxLagInputs()
    {
        return readMaxLagInputs;
    }

    /**
     * @return the Linux nice value of the snapshotter's and the projections' threads while they keep
     *     up ({@code pipeline.background-nice}; 0 = normal priority).
     */
    public int backgroundNice()
    {
        return journal.followerNice(); // one value for both followers, kept where the snapshotter reads it
    }

    /**
     * @return whether the snapshotter's and the projections' threads run under {@code SCHED_IDLE}
     *     where they can leave it ({@code pipeline.background-idle}).
     */
    public boolean backgroundIdle()
    {
        return journal.followerIdle();
    }

    private static <T extends Comparable<T>> T range(final String key, final T value, final T min, final T max)
    {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0)
        {
            throw new IllegalArgumentException(key + ": " + value + " must be " + min + ".." + max);
        }
        return value;
    }

    private static boolean parseBoolean(final String key, final String value)
    {
        return switch (value.trim().toLowerCase(Locale.ROOT))
        {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + ": '" + value + "' is not true or false");
        };
    }

    /**
     * @return this node's cluster configuration over the data directory, validated; null for a
     *     standalone node (neither {@code cluster.member-id} nor {@code cluster.members} set).
     * @throws IllegalArgumentException if only one of them is set, or the cluster's values are invalid.
     */
    public ClusterNodeConfig cluster()
    {
        if (clusterMemberId == null && clusterMembers.isEmpty())
        {
            return null;
        }
        if (clusterMemberId == null || clusterMembers.isEmpty())
        {
            throw new IllegalArgumentException("cluster.member-id and cluster.members go together: " +
                (clusterMemberId == null ? "cluster.members is set, cluster.member-id is not" :
                    "cluster.member-id is set, cluster.members is not") + " (leave both empty for a standalone node)");
        }
        final ClusterNodeConfig cluster = new ClusterNodeConfig().memberId(clusterMemberId).dataDirectory(dataDirectory)
            .basePort(clusterBasePort).leaderHeartbeatTimeoutMs(clusterLeaderHeartbeatTimeoutMs)
            .leaderHeartbeatIntervalMs(clusterLeaderHeartbeatIntervalMs).electionTimeoutMs(clusterElectionTimeoutMs)
            .idleMaxParkUs(clusterIdleMaxParkUs).termLengthBytes(clusterTermLengthBytes);
        for (final ClusterNodeConfig.Member member : clusterMembers)
        {
            cluster.member(member.id(), member.host());
        }
        return cluster.validate();
    }

    private static int parseMemberId(final String key, final String text)
    {
        try
        {
            final int id = Integer.parseInt(text.trim());
            if (id < 0)
            {
                throw new IllegalArgumentException(key + ": " + id + " is negative");
            }
            return id;
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(key + ": '" + text.trim() + "' is not a member id (an integer from 0)", ex);
        }
    }

    private static List<ClusterNodeConfig.Member> parseMembers(final String text)
    {
        if (text.isBlank())
        {
            return List.of();
        }
        final List<ClusterNodeConfig.Member> members = new ArrayList<>();
        for (final String entry : text.split(","))
        {
            final int equals = entry.indexOf('=');
            final String host = equals < 0 ? "" : entry.substring(equals + 1).trim();
            if (equals < 0 || host.isEmpty())
            {
                throw new IllegalArgumentException("cluster.members: '" + entry.trim() + "' is not id=host");
            }
            if (host.contains(":") && !(host.startsWith("[") && host.endsWith("]")))
            {
                throw new IllegalArgumentException("cluster.members: '" + entry.trim() + "' has a port; give the host only" +
                    " (the ports come from cluster.base-port), an IPv6 address in brackets");
            }
            members.add(new ClusterNodeConfig.Member(parseMemberId("cluster.members", entry.substring(0, equals)), host));
        }
        return members;
    }

    /** @return the layout of the log ({@code log.format}). */
    public LogFormat logFormat()
    {
        return logFormat;
    }

    /** @return the level of loggers without their own ({@code log.level}), lower case. */
    public String logLevel()
    {
        return logLevel;
    }

    /** @return levels by logger name ({@code log.levels}), in the order given. */
    public Map<String, String> logLevels()
    {
        return logLevels;
    }

    /** @return the data directory ({@code journal.data-dir}). */
    public Path dataDirectory()
    {
        return dataDirectory;
    }

    /** Sets the data directory from a command-line option, which wins over the file and the environment. */
    public FlashsaleConfig dataDirectory(final Path dataDirectory)
    {
        this.dataDirectory = dataDirectory;
        sources.put("journal.data-dir", dataDirectory + " (command line)");
        return this;
    }

    /** @return where each non-default value came from, by key: for the start-up log. */
    public Map<String, String> sources()
    {
        return sources;
    }

    /**
     * Loads and validates a configuration.
     *
     * @param file        a properties file, or null for {@code $FLASHSALE_CONFIG} if set, else none.
     * @param environment the process environment.
     * @throws IllegalArgumentException naming the file, variable or key at fault.
     */
    public static FlashsaleConfig load(final Path file, final Map<String, String> environment)
    {
        final FlashsaleConfig config = new FlashsaleConfig();
        final Path source = file != null ? file :
            environment.containsKey(FILE_VARIABLE) ? Path.of(environment.get(FILE_VARIABLE)) : null;
        if (source != null)
        {
            config.applyFile(source);
        }
        config.applyEnvironment(environment);
        try
        {
            config.engine.validate();
            config.pipeline.validate();
            config.journal.validate();
            config.gateway.validate();
            config.cluster();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(config.nameTheKey(ex.getMessage()), ex);
        }
        return config;
    }

    /**
     * The range checks name a field ({@code engine config maxSkus=0: must be ...}); say which key
     * that is and where its value came from.
     */
    private String nameTheKey(final String message)
    {
        final Matcher field = RANGE_MESSAGE.matcher(message);
        if (!field.find())
        {
            return message;
        }
        final String key = keyOf(field.group(1), field.group(2));
        if (find(key) == null)
        {
            return message;
        }
        final Matcher other = FIELD_NAME.matcher(field.group(4)); // a bound set by another key
        final StringBuilder range = new StringBuilder();
        while (other.find())
        {
            final String otherKey = keyOf(field.group(1), other.group());
            other.appendReplacement(range, Matcher.quoteReplacement(find(otherKey) == null ? other.group() :
                otherKey + " = " + sources.getOrDefault(otherKey, "its default")));
        }
        other.appendTail(range);
        return key + " = " + sources.getOrDefault(key, field.group(3) + " (default)") + ": must be " + range;
    }

    private static String keyOf(final String prefix, final String field)
    {
        return prefix + "." + field.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    private void applyFile(final Path file)
    {
        final Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8))
        {
            properties.load(reader);
        }
        catch (final NoSuchFileException ex)
        {
            throw new IllegalArgumentException("configuration file " + file + " does not exist", ex);
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("cannot read configuration file " + file + ": " + ex.getMessage(), ex);
        }
        final List<String> unknown = new ArrayList<>();
        for (final String key : properties.stringPropertyNames())
        {
            final Setting setting = find(key);
            if (setting == null)
            {
                unknown.add(key);
                continue;
            }
            apply(setting, properties.getProperty(key), file.toString());
        }
        if (!unknown.isEmpty())
        {
            throw new IllegalArgumentException("unknown keys in " + file + ": " + unknown + " (docs/CONFIGURATION.md)");
        }
    }

    private void applyEnvironment(final Map<String, String> environment)
    {
        final List<String> unknown = new ArrayList<>();
        for (final Map.Entry<String, String> variable : environment.entrySet())
        {
            final String name = variable.getKey();
            if (!name.startsWith("FLASHSALE_") || name.equals(FILE_VARIABLE))
            {
                continue;
            }
            final Setting setting = SETTINGS.stream().filter(s -> s.environmentVariable().equals(name)).findFirst()
                .orElse(null);
            if (setting == null)
            {
                unknown.add(name);
                continue;
            }
            apply(setting, variable.getValue(), "$" + name);
        }
        if (!unknown.isEmpty())
        {
            throw new IllegalArgumentException("unknown FLASHSALE_ environment variables: " + unknown +
                " (docs/CONFIGURATION.md)");
        }
    }

    private void apply(final Setting setting, final String value, final String source)
    {
        try
        {
            setting.apply().accept(this, value);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(ex.getMessage() + " (from " + source + ")", ex);
        }
        sources.put(setting.key(), value.trim() + " (" + source + ")");
    }

    private static Setting find(final String key)
    {
        return SETTINGS.stream().filter(s -> s.key().equals(key)).findFirst().orElse(null);
    }
}
