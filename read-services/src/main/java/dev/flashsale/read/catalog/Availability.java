package dev.flashsale.read.catalog;

/** A SKU's live stock as the engine's events last showed it. */
public record Availability(int totalStock, int available, int held, int sold, boolean paused)
{
    public boolean inStock()
    {
        return available > 0 && !paused;
    }
}
