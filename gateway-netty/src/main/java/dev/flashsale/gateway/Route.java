package dev.flashsale.gateway;

/** Every route of the gateway, for dispatch and for metrics labels. */
public enum Route
{
    RESERVE("POST /v1/checkouts"),
    GET_CHECKOUT("GET /v1/checkouts/{id}"),
    CONFIRM("POST /v1/checkouts/{id}/confirm"),
    CANCEL("POST /v1/checkouts/{id}/cancel"),
    AVAILABILITY("GET /v1/skus/{sku}/availability"),
    ADMIN_PUT_SKU("PUT /v1/admin/skus/{sku}"),
    ADMIN_GET_SKU("GET /v1/admin/skus/{sku}"),
    ADMIN_RESTOCK("POST /v1/admin/skus/{sku}/restock"),
    ADMIN_ADJUST("POST /v1/admin/skus/{sku}/adjust"),
    ADMIN_PAUSE("POST /v1/admin/skus/{sku}/pause"),
    ADMIN_RESUME("POST /v1/admin/skus/{sku}/resume"),
    MY_ORDERS("GET /v1/me/orders"),
    MY_PROFILE("GET /v1/me/profile"),
    PUT_MY_PROFILE("PUT /v1/me/profile"),
    PRODUCT("GET /v1/products/{sku}"),
    ADMIN_PUT_PRODUCT("PUT /v1/admin/products/{sku}"),
    ADMIN_GET_PRODUCT("GET /v1/admin/products/{sku}"),
    ADMIN_DELETE_PRODUCT("DELETE /v1/admin/products/{sku}"),
    SEARCH("GET /v1/search"),
    ADMIN_REBUILD_SEARCH("POST /v1/admin/search/rebuild"),
    METRICS("GET /metrics"),
    HEALTH_LIVE("GET /health/live"),
    HEALTH_READY("GET /health/ready"),
    OPENAPI("GET /openapi.yaml"),
    UNMATCHED("unmatched");

    private static final Route[] VALUES = values();

    private final String pattern;
    private final String label;

    Route(final String pattern)
    {
        this.pattern = pattern;
        this.label = name().toLowerCase(java.util.Locale.ROOT);
    }

    public String pattern()
    {
        return pattern;
    }

    /** @return the metrics label: the name in lower case. */
    public String label()
    {
        return label;
    }

    static Route of(final int ordinal)
    {
        return VALUES[ordinal];
    }

    /** @return true for the routes that need a customer token. */
    boolean needsCustomer()
    {
        return this == RESERVE || this == GET_CHECKOUT || this == CONFIRM || this == CANCEL || this == MY_ORDERS ||
            this == MY_PROFILE || this == PUT_MY_PROFILE;
    }

    boolean isAdmin()
    {
        return name().startsWith("ADMIN_");
    }

    /** Which class answers a route. */
    enum Desk
    {
        /** {@link PublicRoutes}: no key needed. */
        PUBLIC,
        /** {@link EngineRoutes}: decided by the engine. */
        ENGINE,
        /** {@link ReadRoutes}: the read services, on the event loop. */
        READ,
        /** {@link CatalogRoutes}: the search index, on the catalog thread. */
        CATALOG
    }

    Desk desk()
    {
        return switch (this)
        {
            case METRICS, HEALTH_LIVE, HEALTH_READY, OPENAPI, UNMATCHED -> Desk.PUBLIC;
            case MY_ORDERS, MY_PROFILE, PUT_MY_PROFILE, PRODUCT -> Desk.READ;
            case SEARCH, ADMIN_REBUILD_SEARCH, ADMIN_GET_PRODUCT, ADMIN_PUT_PRODUCT, ADMIN_DELETE_PRODUCT -> Desk.CATALOG;
            default -> Desk.ENGINE;
        };
    }
}
