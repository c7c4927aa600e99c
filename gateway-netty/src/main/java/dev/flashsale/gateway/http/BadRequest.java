package dev.flashsale.gateway.http;

/** A request refused before it reached the engine; the message is the problem's detail. Cheap: no stack trace. */
public final class BadRequest extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public BadRequest(final String detail)
    {
        super(detail, null, false, false);
    }
}
