package dev.flashsale.read.store;

import dev.flashsale.journal.OwnerOnly;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Chronicle Map persisted to a file, opened normally after a clean close and with Chronicle's
 * recovery after a crash: a marker file next to the map lives exactly while the map is open, so
 * finding it at open means the last process died with the map open (kill -9). The directory is
 * made owner-only if it is new ({@link OwnerOnly}): the map file itself gets the process's umask.
 */
public final class PersistedMap<K, V> implements AutoCloseable
{
    private final ChronicleMap<K, V> map;
    private final Path openMarker;

    private PersistedMap(final ChronicleMap<K, V> map, final Path openMarker)
    {
        this.map = map;
        this.openMarker = openMarker;
    }

    /** Creates the map file (sized by {@code builder}) or reopens it. */
    public static <K, V> PersistedMap<K, V> open(final ChronicleMapBuilder<K, V> builder, final Path file)
    {
        final Path openMarker = file.resolveSibling(file.getFileName() + ".open");
        try
        {
            OwnerOnly.createDirectories(file.toAbsolutePath().getParent());
            final ChronicleMap<K, V> map = Files.exists(openMarker) && Files.exists(file) ?
                builder.recoverPersistedTo(file.toFile(), true) : builder.createPersistedTo(file.toFile());
            if (!Files.exists(openMarker))
            {
                OwnerOnly.createFile(openMarker);
            }
            Files.writeString(openMarker, "open\n");
            return new PersistedMap<>(map, openMarker);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open the store " + file + ": " + ex.getMessage(), ex);
        }
    }

    public ChronicleMap<K, V> map()
    {
        return map;
    }

    @Override
    public void close()
    {
        map.close();
        try
        {
            Files.deleteIfExists(openMarker); // closed cleanly: the next open needs no recovery
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot remove " + openMarker + ": " + ex.getMessage(), ex);
        }
    }
}
