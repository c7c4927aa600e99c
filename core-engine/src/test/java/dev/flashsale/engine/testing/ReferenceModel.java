package dev.flashsale.engine.testing;

import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.codec.CheckoutState;
import dev.flashsale.engine.codec.CommandKind;
import dev.flashsale.engine.codec.ResultCode;
import dev.flashsale.engine.protocol.ProtocolLimits;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The engine's semantics written the obvious way, with plain Java collections and no concern for
 * speed or allocation: what the differential test compares the engine against. Checkout ids are
 * serials 1, 2, 3... (the engine's id is {@code serial << 24 | slot}). Written from DESIGN.md and
 * the protocol documentation, not from the engine's code.
 */
public final class ReferenceModel
{
    private static final Comparator<Checkout> EXPIRY_ORDER =
        Comparator.comparingLong((Checkout c) -> c.expiresAtMs).thenComparingLong(c -> c.serial);

    private final EngineConfig config;
    private final Map<String, Sku> skus = new LinkedHashMap<>();
    private final Map<Long, Checkout> checkouts = new HashMap<>();
    private final TreeSet<Checkout> live = new TreeSet<>(EXPIRY_ORDER);
    private final ArrayDeque<Checkout> terminal = new ArrayDeque<>();
    private final Map<List<Object>, Integer> units = new HashMap<>();
    private final Map<Long, Customer> customers = new HashMap<>();
    private int overflowEntries;
    private final LinkedHashMap<List<Object>, Idem> idempotency = new LinkedHashMap<>();
    private long nextSerial = 1;
    private long timeMs;
    private long sequence;

    private final LinkedHashMap<String, Integer> touched = new LinkedHashMap<>();
    private List<Out> out;

    public ReferenceModel(final EngineConfig config)
    {
        this.config = config;
    }

    private static final class Sku
    {
        final String code;
        int total;
        int available;
        int held;
        int sold;
        int limit;
        long price;
        String currency;
        long startsAt;
        long endsAt;
        boolean paused;

        Sku(final String code)
        {
            this.code = code;
        }
    }

    private static final class Checkout
    {
        final long serial;
        final long customerId;
        final long createdAtMs;
        final long expiresAtMs;
        final List<Out.Line> lines;
        CheckoutState state = CheckoutState.HELD;
        long terminalAtMs;
        String paymentRef;

        Checkout(final long serial, final long customerId, final long createdAtMs, final long expiresAtMs,
            final List<Out.Line> lines)
        {
            this.serial = serial;
            this.customerId = customerId;
            this.createdAtMs = createdAtMs;
            this.expiresAtMs = expiresAtMs;
            this.lines = lines;
        }
    }

    /** A customer's live holds and which SKUs it keeps in its own record (two) or in the overflow pool. */
    private static final class Customer
    {
        int holds;
        final List<String> inline = new ArrayList<>();
        final List<String> overflow = new ArrayList<>();
    }

    private record Idem(List<Object> payload, long serial, long customerId, long createdAtMs, long expiresAtMs)
    {
    }

    public List<Out> apply(final long inputSequence, final long stampedTimeMs, final Cmd cmd)
    {
        sequence = inputSequence;
        timeMs = Math.max(timeMs, stampedTimeMs);
        out = new ArrayList<>();
        housekeeping();
        final Supplier<Out> result = dispatch(cmd);
        for (final Map.Entry<String, Integer> entry : touched.entrySet())
        {
            final Sku sku = skus.get(entry.getKey());
            if (sku.available < 0 || sku.held < 0 || sku.sold < 0 || sku.available + sku.held + sku.sold != sku.total)
            {
                throw new AssertionError("model broke conservation on " + sku.code);
            }
            out.add(new Out.StockChanged(sequence, timeMs, sku.code, sku.total, sku.available, sku.held, sku.sold));
            if (entry.getValue() > 0 && sku.available == 0)
            {
                out.add(new Out.SoldOut(sequence, timeMs, sku.code));
            }
        }
        touched.clear();
        out.add(result.get());
        return out;
    }

    // Java 17 has no pattern switch; an instanceof chain is fine in a test model.
    private Supplier<Out> dispatch(final Cmd cmd)
    {
        if (cmd instanceof Cmd.UpsertSku c)
        {
            return upsert(c);
        }
        if (cmd instanceof Cmd.Restock c)
        {
            return restock(c);
        }
        if (cmd instanceof Cmd.AdjustStock c)
        {
            return adjust(c);
        }
        if (cmd instanceof Cmd.Pause c)
        {
            return pause(c.sku(), true);
        }
        if (cmd instanceof Cmd.Resume c)
        {
            return pause(c.sku(), false);
        }
        if (cmd instanceof Cmd.GetAvailability c)
        {
            return availability(c);
        }
        if (cmd instanceof Cmd.Reserve c)
        {
            return reserve(c);
        }
        if (cmd instanceof Cmd.Confirm c)
        {
            return confirm(c);
        }
        if (cmd instanceof Cmd.Cancel c)
        {
            return cancel(c);
        }
        if (cmd instanceof Cmd.GetCheckout c)
        {
            return getCheckout(c);
        }
        return () -> new Out.Ack(sequence, timeMs, CommandKind.TICK, ResultCode.OK);
    }

    private void housekeeping()
    {
        for (int i = 0; i < config.maxExpiriesPerInput() && !live.isEmpty() && live.first().expiresAtMs <= timeMs; i++)
        {
            expire(live.first());
        }
        for (int i = 0; i < config.maxEvictionsPerInput() && !terminal.isEmpty() &&
            timeMs - terminal.peekFirst().terminalAtMs >= config.checkoutRetentionMs(); i++)
        {
            checkouts.remove(terminal.pollFirst().serial);
        }
        final Iterator<Idem> oldest = idempotency.values().iterator();
        for (int i = 0; i < config.maxEvictionsPerInput() && oldest.hasNext(); i++)
        {
            if (timeMs - oldest.next().createdAtMs < config.idempotencyRetentionMs())
            {
                break;
            }
            oldest.remove();
        }
    }

    // ------------------------------------------------------------------ SKU commands

    private Supplier<Out> upsert(final Cmd.UpsertSku c)
    {
        if (!isSkuCode(c.sku()) || c.totalStock() < 0 || c.totalStock() > ProtocolLimits.MAX_STOCK ||
            c.limit() < 1 || c.limit() > ProtocolLimits.MAX_STOCK || c.priceMinor() < 0 ||
            c.priceMinor() > ProtocolLimits.MAX_PRICE_MINOR || !c.currency().matches("[A-Z]{3}") ||
            c.startsAtMs() < 0 || c.endsAtMs() <= c.startsAtMs())
        {
            return skuResult(CommandKind.UPSERT_SKU, ResultCode.INVALID_REQUEST, null, c.sku());
        }
        Sku sku = skus.get(c.sku());
        if (sku == null)
        {
            if (skus.size() == config.maxSkus())
            {
                return skuResult(CommandKind.UPSERT_SKU, ResultCode.CAPACITY_EXHAUSTED, null, c.sku());
            }
            sku = new Sku(c.sku());
            skus.put(c.sku(), sku);
            touch(sku);
            sku.total = c.totalStock();
            sku.available = c.totalStock();
        }
        else if (!setTotal(sku, c.totalStock()))
        {
            return skuResult(CommandKind.UPSERT_SKU, ResultCode.STOCK_BELOW_COMMITTED, sku, c.sku());
        }
        sku.limit = c.limit();
        sku.price = c.priceMinor();
        sku.currency = c.currency();
        sku.startsAt = c.startsAtMs();
        sku.endsAt = c.endsAtMs();
        out.add(new Out.SkuUpserted(sequence, timeMs, sku.code, sku.total, sku.limit, sku.price, sku.currency,
            sku.startsAt, sku.endsAt));
        return skuResult(CommandKind.UPSERT_SKU, ResultCode.OK, sku, c.sku());
    }

    private boolean setTotal(final Sku sku, final int total)
    {
        if (total < sku.held + sku.sold)
        {
            return false;
        }
        if (total != sku.total)
        {
            touch(sku);
            sku.total = total;
            sku.available = total - sku.held - sku.sold;
        }
        return true;
    }

    private Supplier<Out> restock(final Cmd.Restock c)
    {
        if (!isSkuCode(c.sku()) || c.quantity() < 1 || c.quantity() > ProtocolLimits.MAX_STOCK)
        {
            return skuResult(CommandKind.RESTOCK, ResultCode.INVALID_REQUEST, null, c.sku());
        }
        final Sku sku = skus.get(c.sku());
        if (sku == null)
        {
            return skuResult(CommandKind.RESTOCK, ResultCode.SKU_NOT_FOUND, null, c.sku());
        }
        if ((long)sku.total + c.quantity() > ProtocolLimits.MAX_STOCK)
        {
            return skuResult(CommandKind.RESTOCK, ResultCode.INVALID_REQUEST, sku, c.sku());
        }
        touch(sku);
        sku.total += c.quantity();
        sku.available += c.quantity();
        return skuResult(CommandKind.RESTOCK, ResultCode.OK, sku, c.sku());
    }

    private Supplier<Out> adjust(final Cmd.AdjustStock c)
    {
        if (!isSkuCode(c.sku()) || c.totalStock() < 0 || c.totalStock() > ProtocolLimits.MAX_STOCK)
        {
            return skuResult(CommandKind.ADJUST_STOCK, ResultCode.INVALID_REQUEST, null, c.sku());
        }
        final Sku sku = skus.get(c.sku());
        if (sku == null)
        {
            return skuResult(CommandKind.ADJUST_STOCK, ResultCode.SKU_NOT_FOUND, null, c.sku());
        }
        final ResultCode code = setTotal(sku, c.totalStock()) ? ResultCode.OK : ResultCode.STOCK_BELOW_COMMITTED;
        return skuResult(CommandKind.ADJUST_STOCK, code, sku, c.sku());
    }

    private Supplier<Out> pause(final String code, final boolean pause)
    {
        final CommandKind command = pause ? CommandKind.PAUSE_SALE : CommandKind.RESUME_SALE;
        if (!isSkuCode(code))
        {
            return skuResult(command, ResultCode.INVALID_REQUEST, null, code);
        }
        final Sku sku = skus.get(code);
        if (sku == null)
        {
            return skuResult(command, ResultCode.SKU_NOT_FOUND, null, code);
        }
        if (sku.paused != pause)
        {
            sku.paused = pause;
            out.add(pause ? new Out.SalePaused(sequence, timeMs, code) : new Out.SaleResumed(sequence, timeMs, code));
        }
        return skuResult(command, ResultCode.OK, sku, code);
    }

    private Supplier<Out> availability(final Cmd.GetAvailability c)
    {
        if (!isSkuCode(c.sku()))
        {
            return skuResult(CommandKind.GET_AVAILABILITY, ResultCode.INVALID_REQUEST, null, c.sku());
        }
        final Sku sku = skus.get(c.sku());
        return skuResult(CommandKind.GET_AVAILABILITY, sku == null ? ResultCode.SKU_NOT_FOUND : ResultCode.OK, sku, c.sku());
    }

    private Supplier<Out> skuResult(final CommandKind command, final ResultCode code, final Sku sku, final String input)
    {
        return () -> sku == null ?
            new Out.SkuResult(sequence, timeMs, command, code, input, 0, 0, 0, 0, 0, 0, "", 0, 0, false) :
            new Out.SkuResult(sequence, timeMs, command, code, sku.code, sku.total, sku.available, sku.held, sku.sold,
                sku.limit, sku.price, sku.currency, sku.startsAt, sku.endsAt, sku.paused);
    }

    // ------------------------------------------------------------------ reserve

    private Supplier<Out> reserve(final Cmd.Reserve c)
    {
        if (!isValid(c))
        {
            return refusal(CommandKind.RESERVE, ResultCode.INVALID_REQUEST, 0, c.customerId());
        }
        final List<Object> key = List.of(c.clientId(), c.customerId(), c.key());
        final List<Object> payload = List.of(c.holdTtlMs(), c.skus(), c.quantities());
        if (!c.key().isEmpty() && idempotency.containsKey(key))
        {
            final Idem idem = idempotency.get(key);
            if (!idem.payload().equals(payload))
            {
                return refusal(CommandKind.RESERVE, ResultCode.IDEMPOTENCY_MISMATCH, 0, c.customerId());
            }
            final Checkout checkout = checkouts.get(idem.serial());
            if (checkout == null)
            {
                return () -> new Out.CheckoutResult(sequence, timeMs, CommandKind.RESERVE, ResultCode.OK, true,
                    CheckoutState.NONE, idem.serial(), idem.customerId(), idem.createdAtMs(), idem.expiresAtMs(), List.of());
            }
            expireIfDue(checkout);
            return view(CommandKind.RESERVE, ResultCode.OK, true, checkout);
        }
        final ResultCode refusal = check(c);
        if (refusal != ResultCode.OK)
        {
            return refusal(CommandKind.RESERVE, refusal, 0, c.customerId());
        }
        if (checkouts.size() == config.checkoutCapacity())
        {
            checkouts.remove(terminal.pollFirst().serial);
        }
        final long ttl = c.holdTtlMs() == 0 ? config.defaultHoldTtlMs() : c.holdTtlMs();
        final long expiresAt = ttl > Long.MAX_VALUE - timeMs ? Long.MAX_VALUE : timeMs + ttl;
        final List<Out.Line> lines = new ArrayList<>();
        for (int i = 0; i < c.skus().size(); i++)
        {
            final Sku sku = skus.get(c.skus().get(i));
            final int quantity = c.quantities().get(i);
            touch(sku);
            sku.available -= quantity;
            sku.held += quantity;
            addUnits(c.customerId(), sku.code, quantity);
            lines.add(new Out.Line(sku.code, quantity, sku.price, sku.currency));
        }
        customers.get(c.customerId()).holds++;
        final Checkout checkout = new Checkout(nextSerial++, c.customerId(), timeMs, expiresAt, List.copyOf(lines));
        checkouts.put(checkout.serial, checkout);
        live.add(checkout);
        if (!c.key().isEmpty())
        {
            idempotency.put(key, new Idem(payload, checkout.serial, c.customerId(), timeMs, expiresAt));
        }
        out.add(new Out.CheckoutHeld(sequence, timeMs, checkout.serial, c.customerId(), expiresAt, checkout.lines));
        return view(CommandKind.RESERVE, ResultCode.OK, false, checkout);
    }

    private boolean isValid(final Cmd.Reserve c)
    {
        final long ttl = c.holdTtlMs();
        if (c.clientId() <= 0 || c.customerId() <= 0 || c.skus().isEmpty() ||
            c.skus().size() > config.maxLinesPerCheckout() ||
            (ttl != 0 && (ttl < config.minHoldTtlMs() || ttl > config.maxHoldTtlMs())) ||
            !c.key().matches("[\\x21-\\x7E]{0,64}"))
        {
            return false;
        }
        for (int i = 0; i < c.skus().size(); i++)
        {
            final int quantity = c.quantities().get(i);
            if (!isSkuCode(c.skus().get(i)) || quantity < 1 || quantity > config.maxQuantityPerLine() ||
                c.skus().subList(0, i).contains(c.skus().get(i)))
            {
                return false;
            }
        }
        return true;
    }

    private ResultCode check(final Cmd.Reserve c)
    {
        final List<Sku> lines = new ArrayList<>();
        for (final String code : c.skus())
        {
            if (!skus.containsKey(code))
            {
                return ResultCode.SKU_NOT_FOUND;
            }
            lines.add(skus.get(code));
        }
        for (final Sku sku : lines)
        {
            if (timeMs < sku.startsAt)
            {
                return ResultCode.SALE_NOT_STARTED;
            }
            if (timeMs >= sku.endsAt)
            {
                return ResultCode.SALE_ENDED;
            }
            if (sku.paused)
            {
                return ResultCode.SALE_PAUSED;
            }
        }
        final Customer customer = customers.get(c.customerId());
        if (customer != null && customer.holds >= config.maxHoldsPerCustomer())
        {
            return ResultCode.TOO_MANY_HOLDS;
        }
        if (!c.key().isEmpty() && config.maxKeysPerCustomer() > 0 &&
            idempotency.values().stream().filter(idem -> idem.customerId() == c.customerId()).count() >=
                config.maxKeysPerCustomer())
        {
            return ResultCode.TOO_MANY_KEYS;
        }
        for (int i = 0; i < lines.size(); i++)
        {
            final int have = units.getOrDefault(List.of(c.customerId(), lines.get(i).code), 0);
            if ((long)have + c.quantities().get(i) > lines.get(i).limit)
            {
                return ResultCode.LIMIT_EXCEEDED;
            }
        }
        for (int i = 0; i < lines.size(); i++)
        {
            if (lines.get(i).available == 0)
            {
                return ResultCode.SOLD_OUT;
            }
            if (lines.get(i).available < c.quantities().get(i))
            {
                return ResultCode.INSUFFICIENT_STOCK;
            }
        }
        final long newSkus = lines.stream().filter(s -> !units.containsKey(List.of(c.customerId(), s.code))).count();
        final boolean slot = checkouts.size() < config.checkoutCapacity() || !terminal.isEmpty();
        final boolean row = customer != null || customers.size() < config.customerCapacity();
        final int freeInline = customer == null ? 2 : 2 - customer.inline.size();
        final boolean entries = row && newSkus - freeInline <= config.customerOverflowCapacity() - overflowEntries;
        final boolean key = c.key().isEmpty() || idempotency.size() < config.idempotencyCapacity();
        return slot && entries && key ? ResultCode.OK : ResultCode.CAPACITY_EXHAUSTED;
    }

    // ------------------------------------------------------------------ checkout commands

    private Supplier<Out> confirm(final Cmd.Confirm c)
    {
        if (c.customerId() <= 0 || c.modelId() <= 0 || !c.paymentRef().matches("[\\x21-\\x7E]{1,64}"))
        {
            return refusal(CommandKind.CONFIRM, ResultCode.INVALID_REQUEST, c.modelId(), c.customerId());
        }
        final Checkout checkout = find(c.modelId(), c.customerId());
        if (checkout == null)
        {
            return refusal(CommandKind.CONFIRM, ResultCode.CHECKOUT_NOT_FOUND, c.modelId(), c.customerId());
        }
        expireIfDue(checkout);
        switch (checkout.state)
        {
            case HELD ->
            {
                for (final Out.Line line : checkout.lines)
                {
                    final Sku sku = skus.get(line.sku());
                    touch(sku);
                    sku.held -= line.quantity();
                    sku.sold += line.quantity();
                }
                endHold(checkout, CheckoutState.CONFIRMED);
                checkout.paymentRef = c.paymentRef();
                out.add(new Out.CheckoutConfirmed(sequence, timeMs, checkout.serial, checkout.customerId,
                    c.paymentRef(), checkout.lines));
                return view(CommandKind.CONFIRM, ResultCode.OK, false, checkout);
            }
            case CONFIRMED ->
            {
                final boolean same = checkout.paymentRef.equals(c.paymentRef());
                return view(CommandKind.CONFIRM, same ? ResultCode.OK : ResultCode.PAYMENT_CONFLICT, same, checkout);
            }
            case EXPIRED ->
            {
                return view(CommandKind.CONFIRM, ResultCode.HOLD_EXPIRED, false, checkout);
            }
            default ->
            {
                return view(CommandKind.CONFIRM, ResultCode.WRONG_STATE, false, checkout);
            }
        }
    }

    private Supplier<Out> cancel(final Cmd.Cancel c)
    {
        if (c.customerId() <= 0 || c.modelId() <= 0)
        {
            return refusal(CommandKind.CANCEL, ResultCode.INVALID_REQUEST, c.modelId(), c.customerId());
        }
        final Checkout checkout = find(c.modelId(), c.customerId());
        if (checkout == null)
        {
            return refusal(CommandKind.CANCEL, ResultCode.CHECKOUT_NOT_FOUND, c.modelId(), c.customerId());
        }
        expireIfDue(checkout);
        return switch (checkout.state)
        {
            case HELD ->
            {
                endHold(checkout, CheckoutState.RELEASED);
                releaseUnits(checkout);
                out.add(new Out.CheckoutReleased(sequence, timeMs, checkout.serial, checkout.customerId, checkout.lines));
                yield view(CommandKind.CANCEL, ResultCode.OK, false, checkout);
            }
            case RELEASED -> view(CommandKind.CANCEL, ResultCode.OK, true, checkout);
            case EXPIRED -> view(CommandKind.CANCEL, ResultCode.HOLD_EXPIRED, false, checkout);
            default -> view(CommandKind.CANCEL, ResultCode.WRONG_STATE, false, checkout);
        };
    }

    private Supplier<Out> getCheckout(final Cmd.GetCheckout c)
    {
        if (c.customerId() <= 0 || c.modelId() <= 0)
        {
            return refusal(CommandKind.GET_CHECKOUT, ResultCode.INVALID_REQUEST, c.modelId(), c.customerId());
        }
        final Checkout checkout = find(c.modelId(), c.customerId());
        if (checkout == null)
        {
            return refusal(CommandKind.GET_CHECKOUT, ResultCode.CHECKOUT_NOT_FOUND, c.modelId(), c.customerId());
        }
        expireIfDue(checkout);
        return view(CommandKind.GET_CHECKOUT, ResultCode.OK, false, checkout);
    }

    private Checkout find(final long serial, final long customerId)
    {
        final Checkout checkout = checkouts.get(serial);
        return checkout != null && checkout.customerId == customerId ? checkout : null;
    }

    private void expireIfDue(final Checkout checkout)
    {
        if (checkout.state == CheckoutState.HELD && checkout.expiresAtMs <= timeMs)
        {
            expire(checkout);
        }
    }

    private void expire(final Checkout checkout)
    {
        endHold(checkout, CheckoutState.EXPIRED);
        releaseUnits(checkout);
        out.add(new Out.CheckoutExpired(sequence, timeMs, checkout.serial, checkout.customerId, checkout.expiresAtMs,
            checkout.lines));
    }

    private void releaseUnits(final Checkout checkout)
    {
        for (final Out.Line line : checkout.lines)
        {
            final Sku sku = skus.get(line.sku());
            touch(sku);
            sku.held -= line.quantity();
            sku.available += line.quantity();
            addUnits(checkout.customerId, sku.code, -line.quantity());
        }
    }

    private void endHold(final Checkout checkout, final CheckoutState state)
    {
        live.remove(checkout);
        customers.get(checkout.customerId).holds--;
        checkout.state = state;
        checkout.terminalAtMs = timeMs;
        terminal.addLast(checkout);
    }

    /** Units per (customer, SKU); a new SKU takes one of the customer's two inline places first. */
    private void addUnits(final long customerId, final String sku, final int delta)
    {
        final List<Object> key = List.of(customerId, sku);
        final Customer customer = customers.computeIfAbsent(customerId, id -> new Customer());
        if (!units.containsKey(key))
        {
            if (customer.inline.size() < 2)
            {
                customer.inline.add(sku);
            }
            else
            {
                customer.overflow.add(sku);
                overflowEntries++;
            }
        }
        final int now = units.getOrDefault(key, 0) + delta;
        if (now > 0)
        {
            units.put(key, now);
            return;
        }
        units.remove(key);
        if (!customer.inline.remove(sku) && customer.overflow.remove(sku))
        {
            overflowEntries--;
        }
        if (customer.inline.isEmpty() && customer.overflow.isEmpty())
        {
            if (customer.holds != 0)
            {
                throw new AssertionError("model: customer " + customerId + " has live holds but no units");
            }
            customers.remove(customerId);
        }
    }

    private void touch(final Sku sku)
    {
        touched.putIfAbsent(sku.code, sku.available);
    }

    private Supplier<Out> view(final CommandKind command, final ResultCode code, final boolean replayed, final Checkout c)
    {
        return () -> new Out.CheckoutResult(sequence, timeMs, command, code, replayed, c.state, c.serial, c.customerId,
            c.createdAtMs, c.expiresAtMs, c.lines);
    }

    private Supplier<Out> refusal(final CommandKind command, final ResultCode code, final long id, final long customerId)
    {
        return () -> new Out.CheckoutResult(sequence, timeMs, command, code, false, CheckoutState.NONE, id, customerId,
            0, 0, List.of());
    }

    private static boolean isSkuCode(final String code)
    {
        return code.matches("[A-Za-z0-9._-]{1,32}");
    }
}
