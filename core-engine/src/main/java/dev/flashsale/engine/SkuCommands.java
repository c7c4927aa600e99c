package dev.flashsale.engine;

import dev.flashsale.engine.codec.AdjustStockDecoder;
import dev.flashsale.engine.codec.CommandKind;
import dev.flashsale.engine.codec.GetAvailabilityDecoder;
import dev.flashsale.engine.codec.PauseSaleDecoder;
import dev.flashsale.engine.codec.RestockDecoder;
import dev.flashsale.engine.codec.ResultCode;
import dev.flashsale.engine.codec.ResumeSaleDecoder;
import dev.flashsale.engine.codec.UpsertSkuDecoder;
import dev.flashsale.engine.protocol.Ascii;
import dev.flashsale.engine.protocol.ProtocolLimits;
import org.agrona.DirectBuffer;

import static dev.flashsale.engine.protocol.ProtocolLimits.SKU_CODE_LENGTH;

/**
 * The operator's commands on SKUs: upsert, restock, adjust, pause, resume, and the availability
 * read. Each answers with a {@code SkuResult}. Checks run in the documented order: validation of
 * the input alone, existence, then checks against state.
 */
final class SkuCommands
{
    private final EngineState state;
    private final SkuBook skus;
    private final PendingResult result;
    private final UpsertSkuDecoder upsertSku = new UpsertSkuDecoder();
    private final RestockDecoder restock = new RestockDecoder();
    private final AdjustStockDecoder adjustStock = new AdjustStockDecoder();

    SkuCommands(final EngineState state, final PendingResult result)
    {
        this.state = state;
        this.skus = state.skus;
        this.result = result;
    }

    void onUpsertSku(final DirectBuffer buffer, final int body, final int blockLength, final int version)
    {
        final int codeAt = body + UpsertSkuDecoder.skuEncodingOffset();
        final UpsertSkuDecoder d = upsertSku.wrap(buffer, body, blockLength, version);
        final int totalStock = d.totalStock();
        final long priceMinor = d.priceMinor();
        final long startsAtMs = d.startsAtMs();
        final int currencyAt = body + UpsertSkuDecoder.currencyEncodingOffset();
        if (!Ascii.isSkuCode(buffer, codeAt, SKU_CODE_LENGTH) ||
            totalStock < 0 || totalStock > ProtocolLimits.MAX_STOCK ||
            d.perCustomerLimit() < 1 || d.perCustomerLimit() > ProtocolLimits.MAX_STOCK ||
            priceMinor < 0 || priceMinor > ProtocolLimits.MAX_PRICE_MINOR ||
            !Ascii.isCurrency(buffer, currencyAt) ||
            startsAtMs < 0 || d.endsAtMs() <= startsAtMs)
        {
            result.sku(CommandKind.UPSERT_SKU, ResultCode.INVALID_REQUEST, SkuBook.NOT_FOUND, buffer, codeAt);
            return;
        }
        int sku = skus.find(buffer, codeAt);
        if (sku == SkuBook.NOT_FOUND)
        {
            if (skus.count() == skus.capacity())
            {
                result.sku(CommandKind.UPSERT_SKU, ResultCode.CAPACITY_EXHAUSTED, SkuBook.NOT_FOUND, buffer, codeAt);
                return;
            }
            sku = skus.add(buffer, codeAt);
            state.touch(sku);
            skus.totalStock[sku] = totalStock;
            skus.available[sku] = totalStock;
        }
        else if (!setTotalStock(sku, totalStock))
        {
            result.sku(CommandKind.UPSERT_SKU, ResultCode.STOCK_BELOW_COMMITTED, sku, buffer, codeAt);
            return;
        }
        skus.perCustomerLimit[sku] = d.perCustomerLimit();
        skus.priceMinor[sku] = priceMinor;
        skus.currency[sku] = SkuBook.packCurrency(buffer, currencyAt);
        skus.startsAtMs[sku] = startsAtMs;
        skus.endsAtMs[sku] = d.endsAtMs();
        state.publisher.skuUpserted(sku);
        result.sku(CommandKind.UPSERT_SKU, ResultCode.OK, sku, buffer, codeAt);
    }

    void onRestock(final DirectBuffer buffer, final int body, final int blockLength, final int version)
    {
        final int codeAt = body + RestockDecoder.skuEncodingOffset();
        final int quantity = restock.wrap(buffer, body, blockLength, version).quantity();
        if (!Ascii.isSkuCode(buffer, codeAt, SKU_CODE_LENGTH) || quantity < 1 || quantity > ProtocolLimits.MAX_STOCK)
        {
            result.sku(CommandKind.RESTOCK, ResultCode.INVALID_REQUEST, SkuBook.NOT_FOUND, buffer, codeAt);
            return;
        }
        final int sku = find(CommandKind.RESTOCK, buffer, codeAt);
        if (sku == SkuBook.NOT_FOUND)
        {
            return;
        }
        if ((long)skus.totalStock[sku] + quantity > ProtocolLimits.MAX_STOCK)
        {
            result.sku(CommandKind.RESTOCK, ResultCode.INVALID_REQUEST, sku, buffer, codeAt);
            return;
        }
        state.touch(sku);
        skus.totalStock[sku] += quantity;
        skus.available[sku] += quantity;
        result.sku(CommandKind.RESTOCK, ResultCode.OK, sku, buffer, codeAt);
    }

    void onAdjustStock(final DirectBuffer buffer, final int body, final int blockLength, final int version)
    {
        final int codeAt = body + AdjustStockDecoder.skuEncodingOffset();
        final int totalStock = adjustStock.wrap(buffer, body, blockLength, version).totalStock();
        if (!Ascii.isSkuCode(buffer, codeAt, SKU_CODE_LENGTH) || totalStock < 0 || totalStock > ProtocolLimits.MAX_STOCK)
        {
            result.sku(CommandKind.ADJUST_STOCK, ResultCode.INVALID_REQUEST, SkuBook.NOT_FOUND, buffer, codeAt);
            return;
        }
        final int sku = find(CommandKind.ADJUST_STOCK, buffer, codeAt);
        if (sku == SkuBook.NOT_FOUND)
        {
            return;
        }
        final ResultCode code = setTotalStock(sku, totalStock) ? ResultCode.OK : ResultCode.STOCK_BELOW_COMMITTED;
        result.sku(CommandKind.ADJUST_STOCK, code, sku, buffer, codeAt);
    }

    void onPauseSale(final DirectBuffer buffer, final int body)
    {
        final int codeAt = body + PauseSaleDecoder.skuEncodingOffset();
        final int sku = validateAndFind(CommandKind.PAUSE_SALE, buffer, codeAt);
        if (sku == SkuBook.NOT_FOUND)
        {
            return;
        }
        if (!skus.paused[sku])
        {
            skus.paused[sku] = true;
            state.publisher.salePaused(sku);
        }
        result.sku(CommandKind.PAUSE_SALE, ResultCode.OK, sku, buffer, codeAt);
    }

    void onResumeSale(final DirectBuffer buffer, final int body)
    {
        final int codeAt = body + ResumeSaleDecoder.skuEncodingOffset();
        final int sku = validateAndFind(CommandKind.RESUME_SALE, buffer, codeAt);
        if (sku == SkuBook.NOT_FOUND)
        {
            return;
        }
        if (skus.paused[sku])
        {
            skus.paused[sku] = false;
            state.publisher.saleResumed(sku);
        }
        result.sku(CommandKind.RESUME_SALE, ResultCode.OK, sku, buffer, codeAt);
    }

    void onGetAvailability(final DirectBuffer buffer, final int body)
    {
        final int codeAt = body + GetAvailabilityDecoder.skuEncodingOffset();
        final int sku = validateAndFind(CommandKind.GET_AVAILABILITY, buffer, codeAt);
        if (sku != SkuBook.NOT_FOUND)
        {
            result.sku(CommandKind.GET_AVAILABILITY, ResultCode.OK, sku, buffer, codeAt);
        }
    }

    /** Sets total stock keeping held and sold; false (nothing changed) if below held + sold. */
    private boolean setTotalStock(final int sku, final int totalStock)
    {
        final int committed = skus.held[sku] + skus.sold[sku];
        if (totalStock < committed)
        {
            return false;
        }
        if (totalStock != skus.totalStock[sku])
        {
            state.touch(sku);
            skus.totalStock[sku] = totalStock;
            skus.available[sku] = totalStock - committed;
        }
        return true;
    }

    /** @return the SKU index, or NOT_FOUND after deciding the result (INVALID_REQUEST or SKU_NOT_FOUND). */
    private int validateAndFind(final CommandKind command, final DirectBuffer buffer, final int codeAt)
    {
        if (!Ascii.isSkuCode(buffer, codeAt, SKU_CODE_LENGTH))
        {
            result.sku(command, ResultCode.INVALID_REQUEST, SkuBook.NOT_FOUND, buffer, codeAt);
            return SkuBook.NOT_FOUND;
        }
        return find(command, buffer, codeAt);
    }

    /** @return the SKU index, or NOT_FOUND after deciding the result SKU_NOT_FOUND. */
    private int find(final CommandKind command, final DirectBuffer buffer, final int codeAt)
    {
        final int sku = skus.find(buffer, codeAt);
        if (sku == SkuBook.NOT_FOUND)
        {
            result.sku(command, ResultCode.SKU_NOT_FOUND, SkuBook.NOT_FOUND, buffer, codeAt);
        }
        return sku;
    }
}
