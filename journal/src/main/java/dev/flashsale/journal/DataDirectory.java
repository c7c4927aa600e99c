package dev.flashsale.journal;

import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.codec.MessageHeaderDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * A node's data directory:
 * <pre>
 * flashsale-journal.properties   what wrote it: format, protocol schema, the engine's configuration
 * node.lock                      held (an OS file lock) by the running node
 * inputs/                        the input journal (Chronicle Queue of {@link InputRecord})
 * inputs.watermark               the last input written, kept apart from the queue (see {@link Watermark})
 * events/                        the event journal (Chronicle Queue of {@link EventRecord})
 * events.watermark               the last input whose events were all written
 * snapshots/                     engine snapshots, snapshot-&lt;sequence&gt;.snap
 * </pre>
 * The engine's configuration is fixed per directory: replay must decide as the live node did.
 *
 * <p>The directory is its owner's alone ({@link OwnerOnly}): a node makes it and its subdirectories
 * {@code rwx------}, writes its own files {@code rw-------}, and at start takes group and other
 * access away from an existing directory that had it, with a warning naming the old mode.
 */
public final class DataDirectory
{
    private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);
    static final String META_FILE = "flashsale-journal.properties";
    static final int FORMAT = 1;

    private final Path root;

    private DataDirectory(final Path root)
    {
        this.root = root;
    }

    /**
     * Opens a directory for a node: creates it, takes the node lock, then writes its metadata on
     * first use or checks that the metadata matches this build and this engine configuration (under
     * the lock, so two nodes starting on a new directory cannot both write it).
     *
     * @return the directory and its lock, held until the caller closes it.
     */
    public static NodeLock lockForNode(final Path root, final EngineConfig config)
    {
        try
        {
            final String oldMode = OwnerOnly.secureDirectory(root);
            if (oldMode != null)
            {
                LOG.warn("data directory {} was {}: other users could reach its journals and stores; made it rwx------" +
                    " (docs/JOURNAL.md, \"The data directory\")", root, oldMode);
            }
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot use data directory " + root + ": " + ex, ex);
        }
        final DataDirectory directory = new DataDirectory(root);
        final NodeLock lock = directory.lock();
        try
        {
            directory.prepareForNode(config);
            return lock;
        }
        catch (final RuntimeException | Error ex)
        {
            lock.close();
            throw ex;
        }
    }

    private void prepareForNode(final EngineConfig config)
    {
        try
        {
            if (Files.exists(root.resolve(META_FILE)))
            {
                checkMeta(config);
            }
            else
            {
                if (Files.exists(inputs()))
                {
                    throw new JournalException(root + " holds an input journal but no " + META_FILE +
                        ": it was not written by this node; refusing to add to it");
                }
                writeMeta(config);
            }
            OwnerOnly.createDirectories(snapshots()); // inputs/ and events/ are made by JournalQueues.open
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot use data directory " + root + ": " + ex, ex);
        }
    }

    /** Opens an existing directory for the tools; checks it is ours and of this schema. */
    public static DataDirectory openExisting(final Path root)
    {
        if (!Files.isDirectory(root))
        {
            throw new JournalException("no data directory at " + root);
        }
        final DataDirectory directory = new DataDirectory(root);
        if (!Files.exists(root.resolve(META_FILE)))
        {
            throw new JournalException(root + " is not a flashsale data directory (no " + META_FILE + ")");
        }
        directory.meta(); // checks format and schema
        return directory;
    }

    public Path root()
    {
        return root;
    }

    public Path inputs()
    {
        return root.resolve("inputs");
    }

    public Path events()
    {
        return root.resolve("events");
    }

    public Path snapshots()
    {
        return root.resolve("snapshots");
    }

    public Path inputWatermark()
    {
        return root.resolve("inputs.watermark");
    }

    public Path eventWatermark()
    {
        return root.resolve("events.watermark");
    }

    /** @return the engine configuration the journal was written with. */
    public EngineConfig engineConfig()
    {
        final Properties meta = meta();
        final Map<String, Long> values = new java.util.LinkedHashMap<>();
        for (final String key : meta.stringPropertyNames())
        {
            if (key.startsWith("engine."))
            {
                values.put(key.substring("engine.".length()), Long.parseLong(meta.getProperty(key).trim()));
            }
        }
        try
        {
            return EngineConfig.fromValues(values);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new JournalException(root.resolve(META_FILE) + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Takes the node lock; held until the channel closes (the process ends, even by kill -9).
     *
     * @throws DataDirectoryInUseException if another node holds it.
     */
    public NodeLock lock()
    {
        final Path path = root.resolve("node.lock");
        try
        {
            final FileChannel channel = OwnerOnly.open(path, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ));
            final FileLock lock;
            try
            {
                lock = channel.tryLock();
            }
            catch (final OverlappingFileLockException ex)
            {
                channel.close();
                throw new DataDirectoryInUseException("a node is running on " + root + " (in this process)");
            }
            if (lock == null)
            {
                final String holder = Files.readString(path, StandardCharsets.UTF_8).trim();
                channel.close();
                throw new DataDirectoryInUseException("a node is running on " + root + " (" + holder + "); stop it first");
            }
            channel.truncate(0);
            channel.write(StandardCharsets.UTF_8.encode("pid " + ProcessHandle.current().pid()), 0);
            return new NodeLock(this, channel, lock);
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot lock " + path + ": " + ex, ex);
        }
    }

    /** @return true if a node holds the lock now (for the tools' messages). */
    public boolean isLocked()
    {
        try (NodeLock lock = lock())
        {
            return false;
        }
        catch (final DataDirectoryInUseException ex)
        {
            return true;
        }
    }

    private Properties meta()
    {
        final Properties meta = new Properties();
        try (Reader reader = Files.newBufferedReader(root.resolve(META_FILE), StandardCharsets.UTF_8))
        {
            meta.load(reader);
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot read " + root.resolve(META_FILE) + ": " + ex, ex);
        }
        final String format = meta.getProperty("format", "?");
        final String schema = meta.getProperty("schema.id", "?") + " v" + meta.getProperty("schema.version", "?");
        final String ours = MessageHeaderDecoder.SCHEMA_ID + " v" + MessageHeaderDecoder.SCHEMA_VERSION;
        if (!format.equals(Integer.toString(FORMAT)) || !schema.equals(ours))
        {
            throw new JournalException(root + " was written in journal format " + format + ", protocol schema " + schema +
                "; this build reads format " + FORMAT + ", schema " + ours);
        }
        return meta;
    }

    private void checkMeta(final EngineConfig config)
    {
        final EngineConfig written = engineConfig();
        if (!written.equals(config))
        {
            final StringBuilder differences = new StringBuilder();
            final Map<String, Long> was = written.values();
            config.values().forEach((name, value) ->
            {
                if (!value.equals(was.get(name)))
                {
                    differences.append(' ').append(name).append(": journal ").append(was.get(name))
                        .append(", configured ").append(value).append(';');
                }
            });
            throw new JournalException("the engine configuration differs from the one " + root + " was written with," +
                " and replay must decide as the live node did:" + differences + " use the journal's values or a new" +
                " data directory");
        }
    }

    private void writeMeta(final EngineConfig config) throws IOException
    {
        final Properties meta = new Properties();
        meta.setProperty("format", Integer.toString(FORMAT));
        meta.setProperty("schema.id", Integer.toString(MessageHeaderDecoder.SCHEMA_ID));
        meta.setProperty("schema.version", Integer.toString(MessageHeaderDecoder.SCHEMA_VERSION));
        config.values().forEach((name, value) -> meta.setProperty("engine." + name, Long.toString(value)));
        final Path temporary = root.resolve(META_FILE + ".tmp");
        Files.deleteIfExists(temporary); // left by a start that died here
        OwnerOnly.createFile(temporary);
        try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8))
        {
            meta.store(writer, "written by the first flashsale node on this directory; do not edit");
        }
        Files.move(temporary, root.resolve(META_FILE), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The node lock; released by {@link #close()} or when the process ends. */
    public static final class NodeLock implements AutoCloseable
    {
        private final DataDirectory directory;
        private final FileChannel channel;
        private final FileLock lock;

        NodeLock(final DataDirectory directory, final FileChannel channel, final FileLock lock)
        {
            this.directory = directory;
            this.channel = channel;
            this.lock = lock;
        }

        /** @return true until {@link #close()}. */
        public boolean isHeld()
        {
            return channel.isOpen() && lock.isValid();
        }

        /** @return the locked directory. */
        public DataDirectory directory()
        {
            return directory;
        }

        @Override
        public void close()
        {
            if (!channel.isOpen())
            {
                return;
            }
            try
            {
                lock.release();
                channel.close();
            }
            catch (final IOException ex)
            {
                throw new JournalException("cannot release the node lock: " + ex, ex);
            }
        }
    }
}
