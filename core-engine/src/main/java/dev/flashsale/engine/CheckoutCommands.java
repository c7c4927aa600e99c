package dev.flashsale.engine;

import dev.flashsale.engine.codec.CancelDecoder;
import dev.flashsale.engine.codec.CommandKind;
import dev.flashsale.engine.codec.ConfirmDecoder;
import dev.flashsale.engine.codec.GetCheckoutDecoder;
import dev.flashsale.engine.codec.ResultCode;
import dev.flashsale.engine.protocol.Ascii;
import org.agrona.DirectBuffer;

import static dev.flashsale.engine.protocol.ProtocolLimits.PAYMENT_REF_LENGTH;

/**
 * Confirm, cancel and read a checkout: the hold's state machine.
 *
 * <pre>
 * HELD --confirm(paymentRef)--&gt; CONFIRMED   (held to sold)
 * HELD --cancel--------------&gt; RELEASED    (held to available)
 * HELD --engine time &gt;= expiresAt--&gt; EXPIRED (held to available)
 * </pre>
 *
 * Repeats are answered, not refused: confirm with the same payment reference and cancel of a
 * released checkout are OK with {@code replayed}. A command that finds its hold due expires it
 * first. Order of checks: validation, existence (a checkout of another customer does not exist for
 * this one), checkout state.
 */
final class CheckoutCommands
{
    private final EngineState state;
    private final CheckoutStore checkouts;
    private final PendingResult result;
    private final ConfirmDecoder confirm = new ConfirmDecoder();
    private final CancelDecoder cancel = new CancelDecoder();
    private final GetCheckoutDecoder getCheckout = new GetCheckoutDecoder();

    CheckoutCommands(final EngineState state, final PendingResult result)
    {
        this.state = state;
        this.checkouts = state.checkouts;
        this.result = result;
    }

    void onConfirm(final DirectBuffer buffer, final int body, final int blockLength, final int version)
    {
        final ConfirmDecoder d = confirm.wrap(buffer, body, blockLength, version);
        final long customerId = d.customerId();
        final long checkoutId = d.checkoutId();
        final int paymentRefAt = body + ConfirmDecoder.paymentRefEncodingOffset();
        if (customerId <= 0 || checkoutId <= 0 || !Ascii.isToken(buffer, paymentRefAt, PAYMENT_REF_LENGTH, 1))
        {
            result.refuse(CommandKind.CONFIRM, ResultCode.INVALID_REQUEST, checkoutId, customerId);
            return;
        }
        final int slot = find(CommandKind.CONFIRM, checkoutId, customerId);
        if (slot < 0)
        {
            return;
        }
        final int words = PAYMENT_REF_LENGTH / Long.BYTES;
        final long refHigh = Hashing.hashWords(buffer, paymentRefAt, words, Hashing.SEED);
        final long refLow = Hashing.hashWords(buffer, paymentRefAt, words, Hashing.SEED_2);
        state.expireIfDue(slot);
        switch (checkouts.state(slot))
        {
            case CheckoutStore.HELD:
                state.confirm(slot);
                checkouts.paymentRefHash(slot, refHigh, refLow);
                state.publisher.checkoutConfirmed(slot, buffer, paymentRefAt);
                result.checkout(CommandKind.CONFIRM, ResultCode.OK, false, slot);
                break;
            case CheckoutStore.CONFIRMED:
                final boolean samePayment =
                    checkouts.paymentRefHashHigh(slot) == refHigh && checkouts.paymentRefHashLow(slot) == refLow;
                result.checkout(
                    CommandKind.CONFIRM, samePayment ? ResultCode.OK : ResultCode.PAYMENT_CONFLICT, samePayment, slot);
                break;
            case CheckoutStore.EXPIRED:
                result.checkout(CommandKind.CONFIRM, ResultCode.HOLD_EXPIRED, false, slot);
                break;
            default:
                result.checkout(CommandKind.CONFIRM, ResultCode.WRONG_STATE, false, slot);
                break;
        }
    }

    void onCancel(final DirectBuffer buffer, final int body, final int blockLength, final int version)
    {
        final CancelDecoder d = cancel.wrap(buffer, body, blockLength, version);
        final long customerId = d.customerId();
        final long checkoutId = d.checkoutId();
        if (customerId <= 0 || checkoutId <= 0)
        {
            result.refuse(CommandKind.CANCEL, ResultCode.INVALID_REQUEST, checkoutId, customerId);
            return;
        }
        final int slot = find(CommandKind.CANCEL, checkoutId, customerId);
        if (slot < 0)
        {
            return;
        }
        state.expireIfDue(slot);
        switch (checkouts.state(slot))
        {
            case CheckoutStore.HELD:
                state.release(slot);
                result.checkout(CommandKind.CANCEL, ResultCode.OK, false, slot);
                break;
            case CheckoutStore.RELEASED:
                result.checkout(CommandKind.CANCEL, ResultCode.OK, true, slot);
                break;
            case CheckoutStore.EXPIRED:
                result.checkout(CommandKind.CANCEL, ResultCode.HOLD_EXPIRED, false, slot);
                break;
            default:
                result.checkout(CommandKind.CANCEL, ResultCode.WRONG_STATE, false, slot);
                break;
        }
    }

    void onGetCheckout(final DirectBuffer buffer, final int body, final int blockLength, final int version)
    {
        final GetCheckoutDecoder d = getCheckout.wrap(buffer, body, blockLength, version);
        final long customerId = d.customerId();
        final long checkoutId = d.checkoutId();
        if (customerId <= 0 || checkoutId <= 0)
        {
            result.refuse(CommandKind.GET_CHECKOUT, ResultCode.INVALID_REQUEST, checkoutId, customerId);
            return;
        }
        final int slot = find(CommandKind.GET_CHECKOUT, checkoutId, customerId);
        if (slot >= 0)
        {
            state.expireIfDue(slot);
            result.checkout(CommandKind.GET_CHECKOUT, ResultCode.OK, false, slot);
        }
    }

    private int find(final CommandKind command, final long checkoutId, final long customerId)
    {
        final int slot = state.findCheckout(checkoutId, customerId);
        if (slot < 0)
        {
            result.refuse(command, ResultCode.CHECKOUT_NOT_FOUND, checkoutId, customerId);
        }
        return slot;
    }
}
