package dev.flashsale.gateway.http;

/** A request body that is not {@code application/json}; the message is the problem's detail. */
public final class UnsupportedMediaType extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public UnsupportedMediaType(final String detail)
    {
        super(detail, null, false, false);
    }
}
