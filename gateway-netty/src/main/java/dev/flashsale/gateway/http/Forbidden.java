package dev.flashsale.gateway.http;

/** A request authenticated but not allowed to do this; the message is the problem's detail. */
public final class Forbidden extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public Forbidden(final String detail)
    {
        super(detail, null, false, false);
    }
}
