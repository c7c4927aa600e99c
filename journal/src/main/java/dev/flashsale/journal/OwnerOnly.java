package dev.flashsale.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Keeps a node's data private to the user that runs it: directories {@code rwx------}, files the
 * node writes itself {@code rw-------}. The journals, snapshots and read stores hold customer ids,
 * payment references and e-mail addresses. Java cannot set the process's umask, so Chronicle's
 * own files are created with it (usually world-readable); a directory that only its owner may
 * enter is what keeps them private. On a file system without POSIX permissions it does nothing.
 */
public final class OwnerOnly
{
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private OwnerOnly()
    {
    }

    /**
     * Creates {@code directory} (and any missing parent) owner-only, or, if it exists and its group
     * or others have any access, takes that access away.
     *
     * @return the directory's mode before it was tightened (as {@code ls} shows it, {@code rwxr-xr-x}),
     *     or null if it was new or already private.
     */
    public static String secureDirectory(final Path directory) throws IOException
    {
        if (!Files.isDirectory(directory))
        {
            createDirectories(directory);
            return null;
        }
        if (!POSIX)
        {
            return null;
        }
        final Set<PosixFilePermission> mode = Files.getPosixFilePermissions(directory);
        if (DIRECTORY.containsAll(mode))
        {
            return null;
        }
        Files.setPosixFilePermissions(directory, DIRECTORY);
        return PosixFilePermissions.toString(mode);
    }

    /** Creates {@code directory} and any missing parent, each owner-only; an existing one is left as it is. */
    public static void createDirectories(final Path directory) throws IOException
    {
        if (POSIX)
        {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(DIRECTORY));
        }
        else
        {
            Files.createDirectories(directory);
        }
    }

    /** Creates {@code file} owner-only; it must not exist. */
    public static void createFile(final Path file) throws IOException
    {
        Files.createFile(file, fileAttributes());
    }

    /** Opens a channel, creating the file owner-only if {@code options} say so and it does not exist. */
    public static FileChannel open(final Path file, final Set<? extends OpenOption> options) throws IOException
    {
        return FileChannel.open(file, options, fileAttributes());
    }

    private static FileAttribute<?>[] fileAttributes()
    {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
    }
}
