package dev.flashsale.engine;

/**
 * 64-bit mixing used for table indexes, request fingerprints and the state hash.
 *
 * <p>Pure integer arithmetic, so every JVM on every machine computes the same values: the state
 * hash depends on it. Not cryptographic; nothing here needs to resist an adversary because every
 * table keyed by client-chosen bytes also compares the client and customer exactly (see
 * {@link IdempotencyTable}).
 */
public final class Hashing
{
    static final long PRIME_1 = 0x9E3779B185EBCA87L;
    static final long PRIME_2 = 0xC2B2AE3D27D4EB4FL;
    /** Seed of a fresh running hash. */
    public static final long SEED = 0x27D4EB2F165667C5L;
    /** Seed of the second half of a 128-bit hash. */
    public static final long SEED_2 = 0x165667B19E3779F9L;

    private Hashing()
    {
    }

    /** A strong finalizer: every input bit affects every output bit. */
    public static long mix(final long value)
    {
        long z = value;
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }

    /** Folds one value into a running hash; order matters. */
    public static long step(final long hash, final long value)
    {
        return Long.rotateLeft(hash + value * PRIME_2, 31) * PRIME_1;
    }

    /** Ends a running hash. */
    public static long finish(final long hash)
    {
        return mix(hash);
    }

    /**
     * Hashes {@code words} little-endian longs at {@code offset} into 64 bits. Two different seeds
     * give the two halves of a 128-bit hash.
     */
    public static long hashWords(final org.agrona.DirectBuffer buffer, final int offset, final int words, final long seed)
    {
        long hash = seed;
        for (int i = 0; i < words; i++)
        {
            hash = step(hash, buffer.getLong(offset + i * Long.BYTES, java.nio.ByteOrder.LITTLE_ENDIAN));
        }
        return finish(hash + words);
    }

    /** @return a table index in {@code [0, mask]} for a long key. */
    static int index(final long key, final int mask)
    {
        return (int)mix(key) & mask;
    }

    /** @return the smallest power of two that holds {@code entries} at a load factor of at most 0.7. */
    static int tableSizeFor(final int entries)
    {
        final long wanted = Math.max(2L, (long)Math.ceil(entries / 0.7));
        final long size = Long.highestOneBit(wanted - 1) << 1;
        if (size > (1 << 30))
        {
            throw new IllegalArgumentException("table too large for " + entries + " entries");
        }
        return (int)size;
    }
}
