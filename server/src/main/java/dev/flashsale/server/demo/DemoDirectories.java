package dev.flashsale.server.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Where a demo keeps its data: a new or empty directory the user names, or a temporary one deleted after. */
public final class DemoDirectories
{
    private DemoDirectories()
    {
    }

    /** @throws IllegalArgumentException if the directory exists and is not empty: a demo's checks assume a fresh sale. */
    public static Path requireNewOrEmpty(final Path directory) throws IOException
    {
        if (Files.exists(directory))
        {
            try (Stream<Path> entries = Files.list(directory))
            {
                if (entries.findAny().isPresent())
                {
                    throw new IllegalArgumentException("--data-dir " + directory + " is not empty: the demo's checks" +
                        " assume a fresh sale; use a new directory");
                }
            }
        }
        return directory;
    }

    public static void deleteRecursively(final Path directory) throws IOException
    {
        try (Stream<Path> files = Files.walk(directory))
        {
            for (final Path file : files.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(file);
            }
        }
    }
}
