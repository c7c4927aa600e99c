package dev.flashsale.read.catalog;

import dev.flashsale.engine.protocol.Ascii;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the catalog knows of a product, beyond what the engine needs: for product pages and search.
 *
 * @param sku               the SKU code, as in the engine.
 * @param displayPriceMinor the price shown, in minor units of {@code currency} (the engine's price decides a sale).
 */
public record Product(
    String sku,
    String title,
    String description,
    String brand,
    String category,
    Map<String, String> attributes,
    List<String> imageUrls,
    long displayPriceMinor,
    String currency)
{
    public static final int MAX_TITLE = 200;
    public static final int MAX_DESCRIPTION = 4_000;
    public static final int MAX_NAME = 100;
    public static final int MAX_ATTRIBUTES = 32;
    public static final int MAX_IMAGES = 10;
    public static final int MAX_URL = 500;
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    /** @throws IllegalArgumentException naming the first field out of its rules. */
    public Product
    {
        require(Ascii.isSkuCode(sku), "sku must be 1..32 characters of [A-Za-z0-9._-]");
        require(title != null && !title.isBlank() && title.length() <= MAX_TITLE, "title must be 1.." + MAX_TITLE + " characters");
        description = description == null ? "" : description;
        require(description.length() <= MAX_DESCRIPTION, "description must be at most " + MAX_DESCRIPTION + " characters");
        require(brand != null && !brand.isBlank() && brand.length() <= MAX_NAME, "brand must be 1.." + MAX_NAME + " characters");
        require(category != null && !category.isBlank() && category.length() <= MAX_NAME,
            "category must be 1.." + MAX_NAME + " characters");
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        require(attributes.size() <= MAX_ATTRIBUTES, "at most " + MAX_ATTRIBUTES + " attributes");
        for (final Map.Entry<String, String> attribute : attributes.entrySet())
        {
            require(!attribute.getKey().isBlank() && attribute.getKey().length() <= MAX_NAME &&
                attribute.getValue().length() <= MAX_NAME, "attribute names and values must be 1.." + MAX_NAME + " characters");
        }
        imageUrls = imageUrls == null ? List.of() : List.copyOf(imageUrls);
        require(imageUrls.size() <= MAX_IMAGES, "at most " + MAX_IMAGES + " image URLs");
        for (final String url : imageUrls)
        {
            require(url.length() <= MAX_URL && (url.startsWith("https://") || url.startsWith("http://")),
                "image URLs must be http(s) URLs of at most " + MAX_URL + " characters");
        }
        require(displayPriceMinor >= 0 && displayPriceMinor <= 1_000_000_000_000L, "displayPriceMinor must be 0..10^12");
        require(currency != null && CURRENCY.matcher(currency).matches(), "currency must be three upper-case letters (ISO 4217)");
    }

    private static void require(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new IllegalArgumentException(message);
        }
    }
}
