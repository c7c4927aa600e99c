package dev.flashsale.journal;

/**
 * A journal or data directory that cannot be used as it is: missing, foreign, of another schema
 * or configuration, locked by a running node, or damaged. The message says what and where, and
 * what an operator can do.
 */
public class JournalException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public JournalException(final String message)
    {
        super(message);
    }

    public JournalException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
