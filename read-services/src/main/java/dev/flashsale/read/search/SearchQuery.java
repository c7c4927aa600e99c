package dev.flashsale.read.search;

/**
 * One search: words for full text (title, brand, description), filters, order, page.
 *
 * @param text     words to match; empty for all products.
 * @param category exact category, or null.
 * @param minPrice lowest display price in minor units, or null.
 * @param maxPrice highest display price in minor units, or null.
 * @param inStock  only products with available units and not paused, when true.
 * @param page     from 1.
 */
public record SearchQuery(String text, String category, Long minPrice, Long maxPrice, boolean inStock, Order order, int page,
    int pageSize)
{
    /** How results are ordered. */
    public enum Order
    {
        RELEVANCE, PRICE_ASC, PRICE_DESC
    }

    public static final int MAX_PAGE_SIZE = 100;
    public static final int MAX_TEXT = 200;
    /** Deepest result a page may reach: every search collects this many top documents at most. */
    public static final int MAX_DEPTH = 10_000;

    /** @throws IllegalArgumentException naming the parameter out of its range. */
    public SearchQuery
    {
        text = text == null ? "" : text.trim();
        if (text.length() > MAX_TEXT)
        {
            throw new IllegalArgumentException("q must be at most " + MAX_TEXT + " characters");
        }
        if (minPrice != null && minPrice < 0 || maxPrice != null && maxPrice < 0 ||
            minPrice != null && maxPrice != null && minPrice > maxPrice)
        {
            throw new IllegalArgumentException("minPrice and maxPrice must be 0 or more, minPrice at most maxPrice");
        }
        if (page < 1 || page > 1_000)
        {
            throw new IllegalArgumentException("page must be 1..1000");
        }
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE)
        {
            throw new IllegalArgumentException("pageSize must be 1.." + MAX_PAGE_SIZE);
        }
        if ((long)page * pageSize > MAX_DEPTH)
        {
            throw new IllegalArgumentException("page * pageSize must be at most " + MAX_DEPTH + ": narrow the search instead");
        }
        order = order == null ? Order.RELEVANCE : order;
    }
}
