package dev.flashsale.engine;

import dev.flashsale.engine.codec.CommandKind;
import dev.flashsale.engine.codec.ResultCode;
import org.agrona.DirectBuffer;

/**
 * The result of the current input, decided by a command handler and published after the input's
 * events, so a result always shows state after the whole input. One reused instance.
 */
final class PendingResult
{
    private static final int NONE = 0;
    private static final int CHECKOUT = 1;
    private static final int CHECKOUT_WITHOUT_LINES = 2;
    private static final int SKU = 3;
    private static final int ACK = 4;

    private int kind = NONE;
    private CommandKind command;
    private ResultCode code;
    private boolean replayed;
    private int slot;
    private int sku;
    private long checkoutId;
    private long customerId;
    private long createdAtMs;
    private long expiresAtMs;
    private DirectBuffer input;
    private int codeOffset;

    /** A checkout result showing the checkout in {@code slot}. */
    void checkout(final CommandKind command, final ResultCode code, final boolean replayed, final int slot)
    {
        set(CHECKOUT, command, code);
        this.replayed = replayed;
        this.slot = slot;
    }

    /** A checkout result without lines: a refusal, or a replay whose checkout retention ended. */
    void checkoutWithoutLines(
        final CommandKind command,
        final ResultCode code,
        final boolean replayed,
        final long checkoutId,
        final long customerId,
        final long createdAtMs,
        final long expiresAtMs)
    {
        set(CHECKOUT_WITHOUT_LINES, command, code);
        this.replayed = replayed;
        this.checkoutId = checkoutId;
        this.customerId = customerId;
        this.createdAtMs = createdAtMs;
        this.expiresAtMs = expiresAtMs;
    }

    /** A checkout refusal: nothing to show but the ids of the request. */
    void refuse(final CommandKind command, final ResultCode code, final long checkoutId, final long customerId)
    {
        checkoutWithoutLines(command, code, false, checkoutId, customerId, 0, 0);
    }

    /** A SKU result; {@code sku} may be {@link SkuBook#NOT_FOUND}, then the input's code is echoed. */
    void sku(
        final CommandKind command, final ResultCode code, final int sku, final DirectBuffer input, final int codeOffset)
    {
        set(SKU, command, code);
        this.sku = sku;
        this.input = input;
        this.codeOffset = codeOffset;
    }

    void ack(final CommandKind command, final ResultCode code)
    {
        set(ACK, command, code);
    }

    void publish(final OutputPublisher publisher)
    {
        switch (kind)
        {
            case CHECKOUT:
                publisher.checkoutResult(command, code, replayed, slot);
                break;
            case CHECKOUT_WITHOUT_LINES:
                publisher.checkoutResultWithoutLines(
                    command, code, replayed, checkoutId, customerId, createdAtMs, expiresAtMs);
                break;
            case SKU:
                publisher.skuResult(command, code, sku, input, codeOffset);
                break;
            case ACK:
                publisher.ack(command, code);
                break;
            default:
                throw new InvariantViolation("a command handler decided no result");
        }
        kind = NONE;
        input = null;
    }

    private void set(final int kind, final CommandKind command, final ResultCode code)
    {
        if (this.kind != NONE)
        {
            throw new InvariantViolation("two results for one input: " + this.command + " then " + command);
        }
        this.kind = kind;
        this.command = command;
        this.code = code;
    }
}
