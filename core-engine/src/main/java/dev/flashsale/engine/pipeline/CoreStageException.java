package dev.flashsale.engine.pipeline;

/**
 * A stage run on the core thread failed: carries the stage's name to the failure report, so the
 * operator reads "journaller failed", not "core failed". Unwrapped before anyone sees it.
 */
final class CoreStageException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final String stage;

    CoreStageException(final String stage, final Throwable cause)
    {
        super(stage + " failed", cause, false, false);
        this.stage = stage;
    }

    String stage()
    {
        return stage;
    }
}
