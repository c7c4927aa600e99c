package dev.flashsale.engine;

import java.io.IOException;

/** A snapshot that cannot be restored: corrupt, truncated, of another format or configuration. */
public final class SnapshotException extends IOException
{
    private static final long serialVersionUID = 1L;

    public SnapshotException(final String message)
    {
        super(message);
    }

    public SnapshotException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
