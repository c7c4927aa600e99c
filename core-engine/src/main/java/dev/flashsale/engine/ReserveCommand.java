package dev.flashsale.engine;

import dev.flashsale.engine.codec.CommandKind;
import dev.flashsale.engine.codec.ReserveDecoder;
import dev.flashsale.engine.codec.ResultCode;
import dev.flashsale.engine.protocol.Ascii;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

import static dev.flashsale.engine.protocol.ProtocolLimits.IDEMPOTENCY_KEY_LENGTH;
import static dev.flashsale.engine.protocol.ProtocolLimits.MAX_LINES_PER_CHECKOUT;
import static dev.flashsale.engine.protocol.ProtocolLimits.SKU_CODE_LENGTH;

/**
 * Reserve: hold every line or none.
 *
 * <p>The checks run phase by phase, each phase over the lines in request order, so a request gets
 * exactly one answer: validation, idempotency, existence, sale state, limits, stock, capacity.
 * Nothing changes until every check passed.
 */
final class ReserveCommand
{
    private static final int LINE_SKU_OFFSET = ReserveDecoder.LinesDecoder.skuEncodingOffset();
    private static final int LINE_QUANTITY_OFFSET = ReserveDecoder.LinesDecoder.quantityEncodingOffset();
    private static final int LINE_BLOCK_LENGTH = ReserveDecoder.LinesDecoder.sbeBlockLength();
    private static final int GROUP_HEADER_LENGTH = ReserveDecoder.LinesDecoder.sbeHeaderSize();

    private final EngineState state;
    private final EngineConfig config;
    private final SkuBook skus;
    private final PendingResult result;
    private final ReserveDecoder reserve = new ReserveDecoder();
    private final int[] lineCodeOffsets = new int[MAX_LINES_PER_CHECKOUT];
    private final int[] lineQuantities = new int[MAX_LINES_PER_CHECKOUT];
    private final int[] lineSkus = new int[MAX_LINES_PER_CHECKOUT];

    ReserveCommand(final EngineState state, final PendingResult result)
    {
        this.state = state;
        this.config = state.config;
        this.skus = state.skus;
        this.result = result;
    }

    /**
     * @return false if the frame is malformed (the group does not match the message length); the
     *     caller answers it as undecodable.
     */
    static boolean isWellFramed(final DirectBuffer buffer, final int body, final int bodyLength, final int blockLength)
    {
        if (blockLength != ReserveDecoder.BLOCK_LENGTH || bodyLength < blockLength + GROUP_HEADER_LENGTH)
        {
            return false;
        }
        final int groupAt = body + blockLength;
        final int lineBlockLength = buffer.getShort(groupAt, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int count = buffer.getShort(groupAt + 2, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        return lineBlockLength == LINE_BLOCK_LENGTH && count <= MAX_LINES_PER_CHECKOUT &&
            bodyLength == blockLength + GROUP_HEADER_LENGTH + count * LINE_BLOCK_LENGTH;
    }

    void onReserve(final DirectBuffer buffer, final int body, final int blockLength, final int version)
    {
        final ReserveDecoder d = reserve.wrap(buffer, body, blockLength, version);
        final int clientId = d.clientId();
        final long customerId = d.customerId();
        final long holdTtlMs = d.holdTtlMs();
        final int keyAt = body + ReserveDecoder.idempotencyKeyEncodingOffset();
        final int lineCount = buffer.getShort(body + blockLength + 2, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;

        if (!isValid(buffer, body + blockLength + GROUP_HEADER_LENGTH, clientId, customerId, holdTtlMs, keyAt, lineCount))
        {
            refuse(ResultCode.INVALID_REQUEST, customerId);
            return;
        }

        final boolean hasKey = buffer.getByte(keyAt) != 0;
        long keyHigh = 0;
        long keyLow = 0;
        long fingerprint = 0;
        if (hasKey)
        {
            final int words = IDEMPOTENCY_KEY_LENGTH / Long.BYTES;
            keyHigh = Hashing.hashWords(buffer, keyAt, words, Hashing.SEED);
            keyLow = Hashing.hashWords(buffer, keyAt, words, Hashing.SEED_2);
            fingerprint = fingerprint(buffer, holdTtlMs, lineCount);
            final int position = state.idempotency.find(clientId, customerId, keyHigh, keyLow);
            if (position >= 0)
            {
                replay(position, fingerprint, customerId);
                return;
            }
        }

        final ResultCode refusal = check(customerId, state.customers.find(customerId), lineCount, hasKey);
        if (refusal != ResultCode.OK)
        {
            refuse(refusal, customerId);
            return;
        }

        final long ttlMs = holdTtlMs == 0 ? config.defaultHoldTtlMs() : holdTtlMs;
        final long now = state.engineTimeMs;
        final long expiresAtMs = ttlMs > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + ttlMs;
        if (state.checkouts.freeCount() == 0)
        {
            state.checkouts.free(state.retained.poll()); // the oldest terminal checkout gives up its slot
        }
        final int slot = state.checkouts.allocate(customerId, now, expiresAtMs);
        for (int i = 0; i < lineCount; i++)
        {
            final int sku = lineSkus[i];
            final int quantity = lineQuantities[i];
            state.touch(sku);
            skus.available[sku] -= quantity;
            skus.held[sku] += quantity;
            state.checkouts.addLine(slot, sku, quantity, skus.priceMinor[sku], skus.currency[sku]);
            state.customers.addUnits(customerId, sku, quantity);
        }
        state.customers.addLiveHolds(customerId, 1);
        final long checkoutId = state.checkouts.id(slot);
        state.expiries.add(expiresAtMs, checkoutId);
        if (hasKey)
        {
            state.idempotency.add(clientId, customerId, keyHigh, keyLow, fingerprint, checkoutId, now, expiresAtMs);
        }
        state.publisher.checkoutHeld(slot);
        result.checkout(CommandKind.RESERVE, ResultCode.OK, false, slot);
    }

    private boolean isValid(
        final DirectBuffer buffer,
        final int firstLineAt,
        final int clientId,
        final long customerId,
        final long holdTtlMs,
        final int keyAt,
        final int lineCount)
    {
        if (clientId <= 0 || customerId <= 0 || lineCount < 1 || lineCount > config.maxLinesPerCheckout() ||
            (holdTtlMs != 0 && (holdTtlMs < config.minHoldTtlMs() || holdTtlMs > config.maxHoldTtlMs())) ||
            !Ascii.isToken(buffer, keyAt, IDEMPOTENCY_KEY_LENGTH, 0))
        {
            return false;
        }
        int lineAt = firstLineAt;
        for (int i = 0; i < lineCount; i++)
        {
            final int codeAt = lineAt + LINE_SKU_OFFSET;
            final int quantity = buffer.getInt(lineAt + LINE_QUANTITY_OFFSET, ByteOrder.LITTLE_ENDIAN);
            if (!Ascii.isSkuCode(buffer, codeAt, SKU_CODE_LENGTH) || quantity < 1 ||
                quantity > config.maxQuantityPerLine())
            {
                return false;
            }
            for (int j = 0; j < i; j++)
            {
                if (sameCode(buffer, codeAt, lineCodeOffsets[j]))
                {
                    return false;
                }
            }
            lineCodeOffsets[i] = codeAt;
            lineQuantities[i] = quantity;
            lineAt += LINE_BLOCK_LENGTH;
        }
        return true;
    }

    /**
     * Existence, sale state, limits, stock and capacity, in that order; OK if all pass.
     *
     * @param customer the customer's row in the customer table, -1 if none.
     */
    private ResultCode check(final long customerId, final int customer, final int lineCount, final boolean hasKey)
    {
        for (int i = 0; i < lineCount; i++)
        {
            final int sku = skus.find(reserve.buffer(), lineCodeOffsets[i]);
            if (sku == SkuBook.NOT_FOUND)
            {
                return ResultCode.SKU_NOT_FOUND;
            }
            lineSkus[i] = sku;
        }
        final long now = state.engineTimeMs;
        for (int i = 0; i < lineCount; i++)
        {
            final int sku = lineSkus[i];
            if (now < skus.startsAtMs[sku])
            {
                return ResultCode.SALE_NOT_STARTED;
            }
            if (now >= skus.endsAtMs[sku])
            {
                return ResultCode.SALE_ENDED;
            }
            if (skus.paused[sku])
            {
                return ResultCode.SALE_PAUSED;
            }
        }
        final CustomerTable customers = state.customers;
        if (customers.liveHolds(customer) >= config.maxHoldsPerCustomer())
        {
            return ResultCode.TOO_MANY_HOLDS;
        }
        final int maxKeys = config.maxKeysPerCustomer();
        if (hasKey && maxKeys > 0 && state.idempotency.keysOf(customerId) >= maxKeys)
        {
            return ResultCode.TOO_MANY_KEYS;
        }
        for (int i = 0; i < lineCount; i++)
        {
            final int sku = lineSkus[i];
            if ((long)customers.units(customer, sku) + lineQuantities[i] > skus.perCustomerLimit[sku])
            {
                return ResultCode.LIMIT_EXCEEDED;
            }
        }
        for (int i = 0; i < lineCount; i++)
        {
            final int available = skus.available[lineSkus[i]];
            if (available == 0)
            {
                return ResultCode.SOLD_OUT;
            }
            if (available < lineQuantities[i])
            {
                return ResultCode.INSUFFICIENT_STOCK;
            }
        }
        return hasCapacity(customer, lineCount, hasKey) ? ResultCode.OK : ResultCode.CAPACITY_EXHAUSTED;
    }

    private boolean hasCapacity(final int customer, final int lineCount, final boolean hasKey)
    {
        if (state.checkouts.freeCount() == 0 && state.retained.isEmpty())
        {
            return false;
        }
        int newSkus = 0;
        for (int i = 0; i < lineCount; i++)
        {
            if (!state.customers.hasUnits(customer, lineSkus[i]))
            {
                newSkus++;
            }
        }
        return state.customers.hasRoom(customer, newSkus) && !(hasKey && state.idempotency.isFull());
    }

    private void replay(final int position, final long fingerprint, final long customerId)
    {
        final IdempotencyTable idempotency = state.idempotency;
        if (idempotency.fingerprint(position) != fingerprint)
        {
            refuse(ResultCode.IDEMPOTENCY_MISMATCH, customerId);
            return;
        }
        final long checkoutId = idempotency.checkoutId(position);
        final int slot = state.findCheckout(checkoutId, customerId);
        if (slot >= 0)
        {
            state.expireIfDue(slot);
            result.checkout(CommandKind.RESERVE, ResultCode.OK, true, slot);
        }
        else
        {
            result.checkoutWithoutLines(CommandKind.RESERVE, ResultCode.OK, true, checkoutId, customerId,
                idempotency.createdAtMs(position), idempotency.expiresAtMs(position));
        }
    }

    private void refuse(final ResultCode code, final long customerId)
    {
        result.refuse(CommandKind.RESERVE, code, 0, customerId);
    }

    /** A hash of what the request asks for (TTL and lines), to tell a retry from a reused key. */
    private long fingerprint(final DirectBuffer buffer, final long holdTtlMs, final int lineCount)
    {
        long hash = Hashing.step(Hashing.SEED, holdTtlMs);
        for (int i = 0; i < lineCount; i++)
        {
            final int codeAt = lineCodeOffsets[i];
            for (int word = 0; word < SkuBook.CODE_WORDS; word++)
            {
                hash = Hashing.step(hash, SkuBook.word(buffer, codeAt, word));
            }
            hash = Hashing.step(hash, lineQuantities[i]);
        }
        return Hashing.finish(hash);
    }

    private static boolean sameCode(final DirectBuffer buffer, final int a, final int b)
    {
        for (int word = 0; word < SkuBook.CODE_WORDS; word++)
        {
            if (SkuBook.word(buffer, a, word) != SkuBook.word(buffer, b, word))
            {
                return false;
            }
        }
        return true;
    }
}
