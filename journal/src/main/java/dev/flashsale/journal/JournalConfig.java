package dev.flashsale.journal;

/**
 * Durability and snapshot policy of a node's journal; docs/CONFIGURATION.md lists each key.
 */
public final class JournalConfig
{
    /** When an input counts as durable. */
    public enum Sync
    {
        /** Appended to the memory-mapped journal: survives a process crash (kill -9), not an OS crash. */
        NONE,
        /** Forced to disk at the end of each batch, before the engine decides: survives power loss. */
        BATCH
    }

    private Sync sync = Sync.NONE;
    private long minFreeBytes = 256L << 20;
    private long checkIntervalMs = 100;
    private long warmAheadBytes = 16L << 20;
    private long snapshotEveryInputs = 1_000_000;
    private long snapshotEveryMs = 60_000;
    private int snapshotRetention = 3;
    private int snapshotCpuPercent = 10;
    private int followerNice;
    private boolean followerIdle;

    public Sync sync()
    {
        return sync;
    }

    public JournalConfig sync(final Sync sync)
    {
        this.sync = sync;
        return this;
    }

    /** Free disk space below which the journaller stops intake rather than risk a full disk. */
    public long minFreeBytes()
    {
        return minFreeBytes;
    }

    public JournalConfig minFreeBytes(final long minFreeBytes)
    {
        this.minFreeBytes = minFreeBytes;
        return this;
    }

    /** How often (at batch ends) the journaller checks its directory and the free space. */
    public long checkIntervalMs()
    {
        return checkIntervalMs;
    }

    public JournalConfig checkIntervalMs(final long checkIntervalMs)
    {
        this.checkIntervalMs = checkIntervalMs;
        return this;
    }

    /**
     * Bytes of each journal file read into the page cache ahead of its writer, off the request path
     * ({@link PageWarmer}); 0 = none (the writer faults each new page in itself).
     */
    public long warmAheadBytes()
    {
        return warmAheadBytes;
    }

    public JournalConfig warmAheadBytes(final long warmAheadBytes)
    {
        this.warmAheadBytes = warmAheadBytes;
        return this;
    }

    /** Inputs between snapshots; 0 turns snapshots (and the shadow engine) off. */
    public long snapshotEveryInputs()
    {
        return snapshotEveryInputs;
    }

    public JournalConfig snapshotEveryInputs(final long snapshotEveryInputs)
    {
        this.snapshotEveryInputs = snapshotEveryInputs;
        return this;
    }

    /** Longest time between snapshots while inputs arrive. */
    public long snapshotEveryMs()
    {
        return snapshotEveryMs;
    }

    public JournalConfig snapshotEveryMs(final long snapshotEveryMs)
    {
        this.snapshotEveryMs = snapshotEveryMs;
        return this;
    }

    /** Snapshots kept; older ones are deleted after a new one is durable. */
    public int snapshotRetention()
    {
        return snapshotRetention;
    }

    public JournalConfig snapshotRetention(final int snapshotRetention)
    {
        this.snapshotRetention = snapshotRetention;
        return this;
    }

    /**
     * Percent of one core the shadow engine may use while the node takes input; it catches up at
     * full speed when the node is idle or {@link #snapshotEveryInputs()} behind ({@link BackgroundShare}).
     */
    public int snapshotCpuPercent()
    {
        return snapshotCpuPercent;
    }

    public JournalConfig snapshotCpuPercent(final int snapshotCpuPercent)
    {
        this.snapshotCpuPercent = snapshotCpuPercent;
        return this;
    }

    /**
     * The Linux nice value of the snapshotter's thread while it is less than
     * {@link #snapshotEveryInputs()} behind; 0 leaves its priority as it is ({@link BackgroundShare}).
     */
    public int followerNice()
    {
        return followerNice;
    }

    public JournalConfig followerNice(final int followerNice)
    {
        this.followerNice = followerNice;
        return this;
    }

    /**
     * Whether the snapshotter's thread runs under {@code SCHED_IDLE} while it is less than
     * {@link #snapshotEveryInputs()} behind, where it may take its priority back; else at
     * {@link #followerNice()} ({@link BackgroundShare}).
     */
    public boolean followerIdle()
    {
        return followerIdle;
    }

    public JournalConfig followerIdle(final boolean followerIdle)
    {
        this.followerIdle = followerIdle;
        return this;
    }

    public JournalConfig validate()
    {
        if (sync == null)
        {
            throw new IllegalArgumentException("journal config sync must be set");
        }
        require(minFreeBytes >= 0, "minFreeBytes", minFreeBytes, ">= 0");
        require(checkIntervalMs >= 1, "checkIntervalMs", checkIntervalMs, ">= 1");
        require(warmAheadBytes >= 0 && warmAheadBytes <= 1L << 30, "warmAheadBytes", warmAheadBytes, "0..1073741824 (0 = none)");
        require(snapshotEveryInputs >= 0, "snapshotEveryInputs", snapshotEveryInputs, ">= 0 (0 = no snapshots)");
        require(snapshotEveryMs >= 1, "snapshotEveryMs", snapshotEveryMs, ">= 1");
        require(snapshotRetention >= 1, "snapshotRetention", snapshotRetention, ">= 1");
        require(snapshotCpuPercent >= 1 && snapshotCpuPercent <= 100, "snapshotCpuPercent", snapshotCpuPercent, "1..100");
        require(followerNice >= 0 && followerNice <= 19, "followerNice", followerNice, "0..19");
        return this;
    }

    private static void require(final boolean condition, final String name, final long value, final String range)
    {
        if (!condition)
        {
            throw new IllegalArgumentException("journal config " + name + "=" + value + ": must be " + range);
        }
    }

    @Override
    public String toString()
    {
        return "JournalConfig{sync=" + sync + ", minFreeBytes=" + minFreeBytes + ", checkIntervalMs=" + checkIntervalMs +
            ", warmAheadBytes=" + warmAheadBytes +
            ", snapshotEveryInputs=" + snapshotEveryInputs + ", snapshotEveryMs=" + snapshotEveryMs +
            ", snapshotRetention=" + snapshotRetention + ", snapshotCpuPercent=" + snapshotCpuPercent +
            ", followerNice=" + followerNice + ", followerIdle=" + followerIdle + "}";
    }
}
