package dev.flashsale.engine;

import dev.flashsale.engine.codec.AdjustStockDecoder;
import dev.flashsale.engine.codec.CancelDecoder;
import dev.flashsale.engine.codec.CommandKind;
import dev.flashsale.engine.codec.ConfirmDecoder;
import dev.flashsale.engine.codec.GetAvailabilityDecoder;
import dev.flashsale.engine.codec.GetCheckoutDecoder;
import dev.flashsale.engine.codec.MessageHeaderDecoder;
import dev.flashsale.engine.codec.PauseSaleDecoder;
import dev.flashsale.engine.codec.RestockDecoder;
import dev.flashsale.engine.codec.ResultCode;
import dev.flashsale.engine.codec.ResumeSaleDecoder;
import dev.flashsale.engine.codec.ReserveDecoder;
import dev.flashsale.engine.codec.TickDecoder;
import dev.flashsale.engine.codec.UpsertSkuDecoder;
import org.agrona.DirectBuffer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteOrder;

/**
 * The deterministic reservation engine: owns every SKU, checkout, customer counter and idempotency
 * key, and applies one input at a time, producing zero or more events and exactly one result.
 *
 * <p>Pure: no clock, no I/O, no threads. Engine time comes from the input ({@code stampedTimeMs})
 * and never goes back. State after input N is a function of inputs 1..N and the configuration,
 * which {@link #stateHash()} summarises. Single-threaded: the pipeline's engine thread owns it.
 *
 * <p>Per input: housekeeping (expire due holds, evict retained checkouts and idempotency keys, each
 * bounded by configuration), then the command, then one {@code StockChanged} (and a
 * {@code SoldOut} where available reached 0) per SKU whose counters changed, then the result.
 * Conservation ({@code available + held + sold == total}, none negative) is checked for every SKU
 * an input changed. A broken invariant or an out-of-order sequence throws
 * {@link InvariantViolation} and poisons the engine: it refuses every later input.
 */
public final class Engine
{
    private static final int TEMPLATE_ID_OFFSET = MessageHeaderDecoder.templateIdEncodingOffset();
    private static final int RESERVE_CUSTOMER_OFFSET =
        MessageHeaderDecoder.ENCODED_LENGTH + ReserveDecoder.customerIdEncodingOffset();
    private static final int RESERVE_CUSTOMER_END = RESERVE_CUSTOMER_OFFSET + Long.BYTES;

    private final EngineState state;
    private final PendingResult result = new PendingResult();
    private final SkuCommands skuCommands;
    private final ReserveCommand reserveCommand;
    private final CheckoutCommands checkoutCommands;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private boolean poisoned;

    /**
     * Creates an empty engine; allocates every capacity now.
     *
     * @throws IllegalArgumentException if the configuration is invalid.
     */
    public Engine(final EngineConfig config)
    {
        state = new EngineState(config.copy().validate());
        skuCommands = new SkuCommands(state, result);
        reserveCommand = new ReserveCommand(state, result);
        checkoutCommands = new CheckoutCommands(state, result);
    }

    /**
     * Applies one input.
     *
     * @param inputSequence the input's sequence: exactly one more than the previous input's.
     * @param stampedTimeMs the time stamped on the input when it was sequenced, epoch ms.
     * @param buffer        holds the SBE-encoded command, header included.
     * @param offset        where the command starts.
     * @param length        bytes of the command.
     * @param output        receives the events and the result.
     * @throws InvariantViolation on a broken invariant; the engine is then unusable.
     */
    public void apply(
        final long inputSequence,
        final long stampedTimeMs,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final EngineOutput output)
    {
        if (poisoned)
        {
            throw new IllegalStateException("engine stopped after an earlier failure; recover from the journal");
        }
        if (inputSequence != state.lastSequence + 1)
        {
            poisoned = true;
            throw new InvariantViolation(
                "input sequence " + inputSequence + " does not follow " + state.lastSequence + ": a gap or a replay");
        }
        try
        {
            state.lastSequence = inputSequence;
            if (stampedTimeMs > state.engineTimeMs)
            {
                state.engineTimeMs = stampedTimeMs;
            }
            state.publisher.begin(output, inputSequence, state.engineTimeMs);
            state.housekeeping();
            dispatch(buffer, offset, length);
            state.publishTouchedSkus();
            result.publish(state.publisher);
        }
        catch (final RuntimeException | Error ex)
        {
            poisoned = true;
            throw ex;
        }
    }

    /**
     * Starts loading the memory an input will need, without changing anything: for a Reserve, the
     * customer's row. With millions of shoppers that row is a cache miss; touching the rows of the
     * next inputs of a batch together lets the misses overlap instead of stalling one input each.
     * The pipeline calls it ahead of {@link #apply}; calling it or not never changes a result.
     *
     * @return a value the caller must keep (e.g. add to a field) so the loads are not optimised away.
     */
    public long prefetch(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < RESERVE_CUSTOMER_END ||
            buffer.getShort(offset + TEMPLATE_ID_OFFSET, ByteOrder.LITTLE_ENDIAN) != ReserveDecoder.TEMPLATE_ID)
        {
            return 0;
        }
        return state.customers.touch(buffer.getLong(offset + RESERVE_CUSTOMER_OFFSET, ByteOrder.LITTLE_ENDIAN));
    }

    private void dispatch(final DirectBuffer buffer, final int offset, final int length)
    {
        final int headerLength = MessageHeaderDecoder.ENCODED_LENGTH;
        if (length < headerLength)
        {
            result.ack(CommandKind.UNKNOWN, ResultCode.INVALID_REQUEST);
            return;
        }
        header.wrap(buffer, offset);
        final int templateId = header.templateId();
        final int blockLength = header.blockLength();
        final int version = header.version();
        final int body = offset + headerLength;
        final int bodyLength = length - headerLength;
        final CommandKind command = commandOf(templateId);
        if (header.schemaId() != MessageHeaderDecoder.SCHEMA_ID || version != MessageHeaderDecoder.SCHEMA_VERSION ||
            command == CommandKind.UNKNOWN)
        {
            result.ack(CommandKind.UNKNOWN, ResultCode.INVALID_REQUEST);
            return;
        }
        if (!isWellFramed(command, buffer, body, bodyLength, blockLength))
        {
            result.ack(command, ResultCode.INVALID_REQUEST);
            return;
        }
        switch (command)
        {
            case UPSERT_SKU -> skuCommands.onUpsertSku(buffer, body, blockLength, version);
            case RESTOCK -> skuCommands.onRestock(buffer, body, blockLength, version);
            case ADJUST_STOCK -> skuCommands.onAdjustStock(buffer, body, blockLength, version);
            case PAUSE_SALE -> skuCommands.onPauseSale(buffer, body);
            case RESUME_SALE -> skuCommands.onResumeSale(buffer, body);
            case RESERVE -> reserveCommand.onReserve(buffer, body, blockLength, version);
            case CONFIRM -> checkoutCommands.onConfirm(buffer, body, blockLength, version);
            case CANCEL -> checkoutCommands.onCancel(buffer, body, blockLength, version);
            case GET_CHECKOUT -> checkoutCommands.onGetCheckout(buffer, body, blockLength, version);
            case GET_AVAILABILITY -> skuCommands.onGetAvailability(buffer, body);
            case TICK -> result.ack(CommandKind.TICK, ResultCode.OK);
            default -> throw new InvariantViolation("unhandled command " + command);
        }
    }

    private static CommandKind commandOf(final int templateId)
    {
        return switch (templateId)
        {
            case UpsertSkuDecoder.TEMPLATE_ID -> CommandKind.UPSERT_SKU;
            case RestockDecoder.TEMPLATE_ID -> CommandKind.RESTOCK;
            case AdjustStockDecoder.TEMPLATE_ID -> CommandKind.ADJUST_STOCK;
            case PauseSaleDecoder.TEMPLATE_ID -> CommandKind.PAUSE_SALE;
            case ResumeSaleDecoder.TEMPLATE_ID -> CommandKind.RESUME_SALE;
            case ReserveDecoder.TEMPLATE_ID -> CommandKind.RESERVE;
            case ConfirmDecoder.TEMPLATE_ID -> CommandKind.CONFIRM;
            case CancelDecoder.TEMPLATE_ID -> CommandKind.CANCEL;
            case GetCheckoutDecoder.TEMPLATE_ID -> CommandKind.GET_CHECKOUT;
            case GetAvailabilityDecoder.TEMPLATE_ID -> CommandKind.GET_AVAILABILITY;
            case TickDecoder.TEMPLATE_ID -> CommandKind.TICK;
            default -> CommandKind.UNKNOWN;
        };
    }

    /** Version 1 messages have exactly their block length and, for Reserve, a consistent group. */
    private static boolean isWellFramed(
        final CommandKind command, final DirectBuffer buffer, final int body, final int bodyLength, final int blockLength)
    {
        final int expected = switch (command)
        {
            case UPSERT_SKU -> UpsertSkuDecoder.BLOCK_LENGTH;
            case RESTOCK -> RestockDecoder.BLOCK_LENGTH;
            case ADJUST_STOCK -> AdjustStockDecoder.BLOCK_LENGTH;
            case PAUSE_SALE -> PauseSaleDecoder.BLOCK_LENGTH;
            case RESUME_SALE -> ResumeSaleDecoder.BLOCK_LENGTH;
            case CONFIRM -> ConfirmDecoder.BLOCK_LENGTH;
            case CANCEL -> CancelDecoder.BLOCK_LENGTH;
            case GET_CHECKOUT -> GetCheckoutDecoder.BLOCK_LENGTH;
            case GET_AVAILABILITY -> GetAvailabilityDecoder.BLOCK_LENGTH;
            case TICK -> TickDecoder.BLOCK_LENGTH;
            case RESERVE -> -1;
            default -> -2;
        };
        if (expected == -1)
        {
            return ReserveCommand.isWellFramed(buffer, body, bodyLength, blockLength);
        }
        return blockLength == expected && bodyLength == expected;
    }

    /** @return the sequence of the last input applied, 0 before the first. */
    public long lastSequence()
    {
        return state.lastSequence;
    }

    /** @return engine time after the last input, epoch ms. */
    public long engineTimeMs()
    {
        return state.engineTimeMs;
    }

    /**
     * @return the engine time at which an input (a Tick will do) has housekeeping to do: a hold to
     *     expire or a retained checkout or idempotency key to evict; {@code Long.MAX_VALUE} if none.
     *     Lets the ticker stay silent while nothing is due.
     */
    public long nextHousekeepingAtMs()
    {
        return state.nextHousekeepingAtMs();
    }

    /** @return a copy of the configuration. */
    public EngineConfig config()
    {
        return state.config.copy();
    }

    /** @return counts of what the engine holds, for metrics and tools. */
    public EngineStats stats()
    {
        return new EngineStats(
            state.skus.count(),
            state.expiries.size(),
            state.retained.size(),
            state.checkouts.usedCount(),
            state.customers.size(),
            state.customers.overflowSize(),
            state.idempotency.size());
    }

    /**
     * @return a SKU's counters and definition, or null if there is no such SKU. Allocates: for
     *     tools and tests, not the hot path.
     */
    public SkuSnapshot sku(final String code)
    {
        return EngineInspector.sku(state, code);
    }

    /** @return every SKU's code, in creation order. Allocates: for tools, not the hot path. */
    public java.util.List<String> skuCodes()
    {
        return EngineInspector.skuCodes(state);
    }

    /**
     * A 64-bit hash of the whole state, configuration included: equal states give equal hashes on
     * any machine, whatever the internal layout of hash tables. O(state).
     */
    public long stateHash()
    {
        return EngineSnapshot.stateHash(state);
    }

    /**
     * Checks every invariant across all state (conservation per SKU, held units against live holds,
     * customer counters, queues against checkout states). O(state): for tests and tools.
     *
     * @throws InvariantViolation naming the first broken invariant.
     */
    public void verifyInvariants()
    {
        EngineInspector.verifyInvariants(state);
    }

    /**
     * Writes the whole state as a snapshot (format in {@link EngineSnapshot}). The stream is
     * flushed, not closed.
     *
     * @return the state hash, as {@link #stateHash()} would return it: computed while writing, so a
     *     caller that records it beside the snapshot does not walk the state a second time.
     */
    public long writeSnapshot(final OutputStream out) throws IOException
    {
        return EngineSnapshot.write(state, out);
    }

    /**
     * Reads an engine from a snapshot written by {@link #writeSnapshot}.
     *
     * @param config must equal the configuration the snapshot was taken with.
     * @throws SnapshotException if the snapshot is corrupt, of another format, or of another configuration.
     */
    public static Engine readSnapshot(final EngineConfig config, final InputStream in) throws IOException
    {
        final Engine engine = new Engine(config);
        EngineSnapshot.read(engine.state, in);
        return engine;
    }
}
