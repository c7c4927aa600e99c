package dev.flashsale.engine;

import dev.flashsale.engine.codec.MessageHeaderDecoder;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The engine's whole state as a byte stream, and the state hash, which is a hash of the same
 * values. Big-endian ({@link SnapshotOutput}, {@link SnapshotInput}); every count is checked against the configured
 * capacity on read.
 *
 * <pre>
 * long  magic "FLSNAPS1"           int  format version (1)
 * int   SBE schema id              int  SBE schema version
 * ---- hashed from here ----
 * int   n, n x long                 configuration, in EngineConfig.values() order
 * long  last input sequence         long engine time ms
 * int   SKUs, per SKU in index order:
 *         4 x long code, int total, available, held, sold, perCustomerLimit,
 *         long price, int currency, long startsAtMs, endsAtMs, byte paused
 * long  next checkout serial
 * int   used slots, per used slot in slot order:
 *         int slot, long id, customerId, byte state, long createdAtMs, expiresAtMs,
 *         terminalAtMs, paymentRefHashHigh, paymentRefHashLow,
 *         byte lines, per line: int sku, quantity, long price, int currency
 * int   free slots, bottom of the stack first: int slot
 * int   retained slots, oldest first: int slot
 * int   customers, in table order (*): long customerId, int live holds,
 *         2 x (int sku, int units), the customer's inline SKUs by SKU index, (-1, 0) if none
 * int   overflow entries, in table order (*): long customerId, int sku, int units
 * int   idempotency keys, oldest first:
 *         int clientId, long customerId, keyHashHigh, keyHashLow, fingerprint,
 *         checkoutId, createdAtMs, expiresAtMs
 * ---- hashed up to here ----
 * long  state hash                  int  CRC32C of every byte before it
 * </pre>
 *
 * (*) A hash table's order depends on its history, so these entries are hashed as unordered sets
 * (a sum of per-entry hashes): equal states hash equal whatever their table layout. The expiry
 * queue is derived from the checkouts on read, and the count of keys per customer from the keys.
 */
final class EngineSnapshot
{
    static final long MAGIC = 0x464C534E41505331L; // "FLSNAPS1"
    static final int FORMAT_VERSION = 1;

    private EngineSnapshot()
    {
    }

    static long stateHash(final EngineState state)
    {
        final StateWriter writer = new StateWriter(null);
        writeState(state, writer);
        return writer.hash();
    }

    /** @return the state hash written at the end (as {@link #stateHash}). */
    static long write(final EngineState state, final OutputStream out) throws IOException
    {
        final SnapshotOutput data = new SnapshotOutput(out);
        data.writeLong(MAGIC);
        data.writeInt(FORMAT_VERSION);
        data.writeInt(MessageHeaderDecoder.SCHEMA_ID);
        data.writeInt(MessageHeaderDecoder.SCHEMA_VERSION);
        final StateWriter writer = new StateWriter(data);
        try
        {
            writeState(state, writer);
        }
        catch (final UncheckedIOException ex)
        {
            throw ex.getCause();
        }
        final long hash = writer.hash();
        data.writeLong(hash);
        data.writeInt(data.checksum());
        data.flush();
        return hash;
    }

    private static void writeState(final EngineState state, final StateWriter w)
    {
        final Map<String, Long> config = state.config.values();
        w.putInt(config.size());
        for (final long value : config.values())
        {
            w.putLong(value);
        }
        w.putLong(state.lastSequence);
        w.putLong(state.engineTimeMs);

        final SkuBook skus = state.skus;
        w.putInt(skus.count());
        for (int sku = 0; sku < skus.count(); sku++)
        {
            for (int word = 0; word < SkuBook.CODE_WORDS; word++)
            {
                w.putLong(skus.codes[sku * SkuBook.CODE_WORDS + word]);
            }
            w.putInt(skus.totalStock[sku]);
            w.putInt(skus.available[sku]);
            w.putInt(skus.held[sku]);
            w.putInt(skus.sold[sku]);
            w.putInt(skus.perCustomerLimit[sku]);
            w.putLong(skus.priceMinor[sku]);
            w.putInt(skus.currency[sku]);
            w.putLong(skus.startsAtMs[sku]);
            w.putLong(skus.endsAtMs[sku]);
            w.putByte(skus.paused[sku] ? 1 : 0);
        }

        final CheckoutStore c = state.checkouts;
        w.putLong(c.nextSerial());
        w.putInt(c.usedCount());
        for (int slot = 0; slot < c.capacity(); slot++)
        {
            if (c.state(slot) == CheckoutStore.FREE)
            {
                continue;
            }
            w.putInt(slot);
            w.putLong(c.id(slot));
            w.putLong(c.customerId(slot));
            w.putByte(c.state(slot));
            w.putLong(c.createdAtMs(slot));
            w.putLong(c.expiresAtMs(slot));
            w.putLong(c.terminalAtMs(slot));
            w.putLong(c.paymentRefHashHigh(slot));
            w.putLong(c.paymentRefHashLow(slot));
            w.putByte(c.lineCount(slot));
            for (int line = 0; line < c.lineCount(slot); line++)
            {
                w.putInt(c.lineSku(slot, line));
                w.putInt(c.lineQuantity(slot, line));
                w.putLong(c.linePriceMinor(slot, line));
                w.putInt(c.lineCurrency(slot, line));
            }
        }
        w.putInt(c.freeCount());
        for (int i = 0; i < c.freeCount(); i++)
        {
            w.putInt(c.freeSlotAt(i));
        }
        w.putInt(state.retained.size());
        for (int i = 0; i < state.retained.size(); i++)
        {
            w.putInt(state.retained.get(i));
        }

        final CustomerTable customers = state.customers;
        w.putInt(customers.size());
        w.beginUnordered();
        customers.forEachCustomer((row, customerId, holds, inline0, inline1) ->
        {
            final boolean swap = inline0 == 0 || (inline1 != 0 && inline1 >>> 32 < inline0 >>> 32);
            w.putLong(customerId);
            w.putInt(holds);
            putInline(w, swap ? inline1 : inline0);
            putInline(w, swap ? inline0 : inline1);
            w.endEntry();
        });
        w.endUnordered();
        w.putInt(customers.overflowSize());
        w.beginUnordered();
        customers.forEachOverflow((customerId, sku, units) ->
        {
            w.putLong(customerId);
            w.putInt(sku);
            w.putInt(units);
            w.endEntry();
        });
        w.endUnordered();

        final IdempotencyTable idempotency = state.idempotency;
        w.putInt(idempotency.size());
        for (int age = 0; age < idempotency.size(); age++)
        {
            final int p = idempotency.positionOf(age);
            w.putInt(idempotency.clientId(p));
            w.putLong(idempotency.customerId(p));
            w.putLong(idempotency.keyHashHigh(p));
            w.putLong(idempotency.keyHashLow(p));
            w.putLong(idempotency.fingerprint(p));
            w.putLong(idempotency.checkoutId(p));
            w.putLong(idempotency.createdAtMs(p));
            w.putLong(idempotency.expiresAtMs(p));
        }
    }

    private static void putInline(final StateWriter w, final long pair)
    {
        w.putInt(pair == 0 ? -1 : (int)(pair >>> 32) - 1);
        w.putInt(pair == 0 ? 0 : (int)pair);
    }

    static void read(final EngineState state, final InputStream in) throws IOException
    {
        final SnapshotInput data = new SnapshotInput(in);
        try
        {
            if (data.readLong() != MAGIC)
            {
                throw new SnapshotException("not an engine snapshot (bad magic)");
            }
            final int format = data.readInt();
            final int schemaId = data.readInt();
            final int schemaVersion = data.readInt();
            if (format != FORMAT_VERSION || schemaId != MessageHeaderDecoder.SCHEMA_ID ||
                schemaVersion != MessageHeaderDecoder.SCHEMA_VERSION)
            {
                throw new SnapshotException("snapshot format " + format + ", schema " + schemaId + " v" + schemaVersion +
                    "; this build reads format " + FORMAT_VERSION + ", schema " + MessageHeaderDecoder.SCHEMA_ID + " v" +
                    MessageHeaderDecoder.SCHEMA_VERSION);
            }
            readConfig(state, data);
            new SnapshotRestorer(state, data).restore();
            final long storedHash = data.readLong();
            final int expectedCrc = data.checksum();
            final int storedCrc = data.readInt();
            if (storedCrc != expectedCrc)
            {
                throw new SnapshotException("snapshot checksum mismatch: the file is corrupt");
            }
            EngineInspector.verifyInvariants(state);
            final long hash = stateHash(state);
            if (hash != storedHash)
            {
                throw new SnapshotException("restored state hash " + Long.toHexString(hash) + " != recorded " +
                    Long.toHexString(storedHash));
            }
        }
        catch (final EOFException ex)
        {
            throw new SnapshotException("snapshot truncated", ex);
        }
        catch (final RuntimeException | InvariantViolation ex)
        {
            throw new SnapshotException("snapshot corrupt: " + ex.getMessage(), ex);
        }
    }

    private static void readConfig(final EngineState state, final SnapshotInput data) throws IOException
    {
        final Map<String, Long> expected = state.config.values();
        final int count = data.readInt();
        if (count != expected.size())
        {
            throw new SnapshotException("snapshot has " + count + " configuration values, expected " + expected.size());
        }
        final StringBuilder differences = new StringBuilder();
        for (final Map.Entry<String, Long> entry : expected.entrySet())
        {
            final long value = data.readLong();
            if (value != entry.getValue())
            {
                differences.append(' ').append(entry.getKey()).append(": snapshot ").append(value)
                    .append(", configured ").append(entry.getValue()).append(';');
            }
        }
        if (differences.length() > 0)
        {
            throw new SnapshotException("snapshot taken with another engine configuration (replay must use the" +
                " configuration the journal was written with):" + differences);
        }
    }

    /**
     * Writes state values to a stream (or nowhere) and hashes them. Between
     * {@link #beginUnordered()} and {@link #endUnordered()}, each entry's values (closed by
     * {@link #endEntry()}) are hashed on their own and the entry hashes summed, so the order of
     * entries does not change the hash.
     */
    private static final class StateWriter
    {
        private final SnapshotOutput out;
        private long hash = Hashing.SEED;
        private boolean unordered;
        private long entryHash;
        private long unorderedSum;

        StateWriter(final SnapshotOutput out)
        {
            this.out = out;
        }

        void putLong(final long value)
        {
            fold(value);
            write(value, Long.BYTES);
        }

        void putInt(final int value)
        {
            fold(value);
            write(value, Integer.BYTES);
        }

        void putByte(final int value)
        {
            fold(value);
            write(value, Byte.BYTES);
        }

        void beginUnordered()
        {
            unordered = true;
            entryHash = Hashing.SEED;
            unorderedSum = 0;
        }

        void endEntry()
        {
            unorderedSum += Hashing.finish(entryHash);
            entryHash = Hashing.SEED;
        }

        void endUnordered()
        {
            unordered = false;
            hash = Hashing.step(hash, unorderedSum);
        }

        long hash()
        {
            return Hashing.finish(hash);
        }

        private void write(final long value, final int bytes)
        {
            if (out == null)
            {
                return;
            }
            try
            {
                switch (bytes)
                {
                    case Long.BYTES -> out.writeLong(value);
                    case Integer.BYTES -> out.writeInt((int)value);
                    default -> out.writeByte((int)value);
                }
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex); // unwrapped by write(EngineState, OutputStream)
            }
        }

        private void fold(final long value)
        {
            if (unordered)
            {
                entryHash = Hashing.step(entryHash, value);
            }
            else
            {
                hash = Hashing.step(hash, value);
            }
        }
    }
}
