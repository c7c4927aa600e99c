package dev.flashsale.read.search;

import java.util.List;
import java.util.Map;

/**
 * A page of results, the total of matches, and facet counts over all matches.
 *
 * @param facets counts by value, for {@code category} and {@code brand}.
 */
public record SearchResult(long total, List<Hit> hits, Map<String, Map<String, Integer>> facets)
{
    /** One matching product. */
    public record Hit(String sku, String title, String brand, String category, long displayPriceMinor, String currency,
        boolean inStock, float score)
    {
    }
}
