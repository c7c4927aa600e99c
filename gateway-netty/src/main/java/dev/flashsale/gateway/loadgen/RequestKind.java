package dev.flashsale.gateway.loadgen;

import java.util.Locale;

/** What a load request does: answers are counted per kind and status. */
public enum RequestKind
{
    /** {@code POST /v1/checkouts}: one unit of one SKU. */
    RESERVE,
    /** {@code POST /v1/checkouts/{id}/confirm} of a checkout the connection just reserved. */
    CONFIRM,
    /** {@code POST /v1/checkouts/{id}/cancel} of a checkout the connection just reserved. */
    CANCEL,
    /** {@code GET <path>} of the HELLO scenario. */
    HELLO;

    private final String label = name().toLowerCase(Locale.ROOT);

    /** @return the name in lower case, for reports. */
    public String label()
    {
        return label;
    }
}
