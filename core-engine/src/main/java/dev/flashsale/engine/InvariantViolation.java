package dev.flashsale.engine;

/**
 * A broken invariant: a programmer error, never bad input. The engine that throws it is poisoned
 * and refuses every later input; the pipeline stops and reports it. It is an {@link Error} so that
 * no {@code catch (Exception)} on the way can swallow it.
 */
public final class InvariantViolation extends Error
{
    private static final long serialVersionUID = 1L;

    public InvariantViolation(final String message)
    {
        super(message);
    }
}
