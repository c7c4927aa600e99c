package dev.flashsale.journal;

/** The journal cannot take more input: intake must stop, and the node must stop being ready. */
public final class JournalWriteException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public JournalWriteException(final String message)
    {
        super(message);
    }

    public JournalWriteException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
