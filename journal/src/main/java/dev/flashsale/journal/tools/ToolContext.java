package dev.flashsale.journal.tools;

import dev.flashsale.engine.EngineConfig;
import dev.flashsale.journal.DataDirectory;
import dev.flashsale.journal.JournalException;
import dev.flashsale.journal.JournalFiles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A data directory opened for the tools: checked to be ours and of this schema, and not in use by
 * a running node unless the caller reads a live journal on purpose ({@code --live}). Tools that
 * change the directory hold the node lock for their whole run.
 */
final class ToolContext implements AutoCloseable
{
    final DataDirectory directory;
    final EngineConfig engineConfig;
    private final DataDirectory.NodeLock lock;
    private SingleChronicleQueue inputs;
    private SingleChronicleQueue events;

    private ToolContext(final DataDirectory directory, final DataDirectory.NodeLock lock)
    {
        this.directory = directory;
        this.engineConfig = directory.engineConfig();
        this.lock = lock;
    }

    /** Opens for reading; a running node's directory only with {@code live}. */
    static ToolContext forReading(final Path root, final boolean live)
    {
        final DataDirectory directory = DataDirectory.openExisting(root);
        if (!live && directory.isLocked())
        {
            throw new JournalException("a node is running on " + root + ": stop it, or pass --live to read its journal" +
                " while it runs");
        }
        requireInputs(directory);
        return new ToolContext(directory, null);
    }

    /** Opens for changing: takes the node lock (no node may run meanwhile). */
    static ToolContext forChanging(final Path root)
    {
        final DataDirectory directory = DataDirectory.openExisting(root);
        requireInputs(directory);
        return new ToolContext(directory, directory.lock());
    }

    private static void requireInputs(final DataDirectory directory)
    {
        if (!Files.isDirectory(directory.inputs()))
        {
            throw new JournalException(directory.root() + " has no input journal yet");
        }
    }

    SingleChronicleQueue inputs()
    {
        if (inputs == null)
        {
            inputs = JournalFiles.openInputs(directory, false);
        }
        return inputs;
    }

    /** @return the event journal, or null if the directory has none. */
    SingleChronicleQueue events()
    {
        if (events == null && Files.isDirectory(directory.events()))
        {
            events = JournalFiles.openEvents(directory, false);
        }
        return events;
    }

    /** Closes the queues (they reopen on the next use) and keeps the lock. */
    void closeQueues()
    {
        if (inputs != null)
        {
            inputs.close();
            inputs = null;
        }
        if (events != null)
        {
            events.close();
            events = null;
        }
    }

    @Override
    public void close()
    {
        closeQueues();
        if (lock != null)
        {
            lock.close();
        }
    }
}
