package dev.flashsale.export.kafka;

/**
 * The export cannot go on and retrying will not help: another exporter took over the
 * transactional id, the broker refuses the exporter's credentials or topics, or the stored
 * position cannot be read. The message says what to do; the command exits 1.
 */
public final class ExportStoppedException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public ExportStoppedException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
