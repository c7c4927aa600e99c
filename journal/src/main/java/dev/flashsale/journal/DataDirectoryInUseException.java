package dev.flashsale.journal;

/**
 * Another node holds the data directory's lock ({@code node.lock}): two nodes on one directory is a
 * configuration error, refused before anything is opened or started.
 */
public final class DataDirectoryInUseException extends JournalException
{
    private static final long serialVersionUID = 1L;

    public DataDirectoryInUseException(final String message)
    {
        super(message);
    }
}
