package dev.flashsale.gateway;

import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.codec.BooleanType;
import dev.flashsale.engine.codec.CheckoutResultEncoder;
import dev.flashsale.engine.codec.CheckoutState;
import dev.flashsale.engine.codec.CommandKind;
import dev.flashsale.engine.codec.MessageHeaderEncoder;
import dev.flashsale.engine.codec.ResultCode;
import dev.flashsale.engine.protocol.ProtocolLimits;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine's results rendered as HTTP answers, from results written by hand. */
class EngineAnswersTest
{
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final AccessLog accessLog = new AccessLog(100);
    private final EngineAnswers answers = new EngineAnswers(LoopScratch.perThread(new EngineConfig(), 16_384, metrics, accessLog),
        metrics, accessLog, new HttpCaching(1), 1_000);
    private final ExchangeTable exchanges = new ExchangeTable(2);

    /** @return the answer to a reserve the engine refused with {@code code}, no checkout in it. */
    private FullHttpResponse refusal(final ResultCode code)
    {
        return refusal(code, 0, CheckoutState.NONE);
    }

    /** @return the answer to a command the engine refused with {@code code}, naming {@code checkoutId} (0: none). */
    private FullHttpResponse refusal(final ResultCode code, final long checkoutId, final CheckoutState state)
    {
        final UnsafeBuffer result = new UnsafeBuffer(new byte[ProtocolLimits.MAX_OUTPUT_LENGTH]);
        final CheckoutResultEncoder checkout = new CheckoutResultEncoder().wrapAndApplyHeader(result, 0, new MessageHeaderEncoder())
            .command(CommandKind.RESERVE).code(code).replayed(BooleanType.FALSE).state(state)
            .checkoutId(checkoutId).customerId(7).createdAtMs(0).expiresAtMs(0);
        checkout.linesCount(0);
        return reserveAnswered(result, MessageHeaderEncoder.ENCODED_LENGTH + checkout.encodedLength(), "req-2");
    }

    /** @return the answer rendered to a reserve whose exchange the engine completed with {@code result}. */
    private FullHttpResponse reserveAnswered(final UnsafeBuffer result, final int length, final String requestId)
    {
        final Exchange exchange = exchanges.acquire();
        exchange.route = Route.RESERVE;
        exchange.requestId = requestId;
        exchange.keepAlive = true;
        exchange.arm();
        assertThat(exchange.complete(exchange.correlationId(), result, length)).isTrue();
        final Object response = answers.render(exchange, UnpooledByteBufAllocator.DEFAULT);
        exchange.release();
        return EncodedResponseTest.parse(response);
    }

    @Test
    void aRefusalWithNoCheckoutIsItsProblemWithTheSameBodyForEveryShopper()
    {
        final FullHttpResponse soldOut = refusal(ResultCode.SOLD_OUT);
        assertThat(soldOut.status().code()).isEqualTo(409);
        assertThat(soldOut.headers().get("content-type")).isEqualTo("application/problem+json");
        assertThat(soldOut.headers().get("x-request-id")).isEqualTo("req-2");
        assertThat(soldOut.headers().get("retry-after")).isNull();
        assertThat(body(soldOut)).containsEntry("type", "urn:flashsale:problem:sold-out").containsEntry("title", "Sold out")
            .containsEntry("status", 409L).containsEntry("code", "SOLD_OUT")
            .containsEntry("detail", "a SKU of the request has no available units");
        final FullHttpResponse exhausted = refusal(ResultCode.CAPACITY_EXHAUSTED);
        assertThat(exhausted.status().code()).isEqualTo(503);
        assertThat(exhausted.headers().get("retry-after")).isEqualTo("1");
        assertThat(body(exhausted)).containsEntry("code", "CAPACITY_EXHAUSTED");
    }

    @Test
    void aRefusalThatNamesACheckoutCarriesItsIdAndState()
    {
        final FullHttpResponse expired = refusal(ResultCode.HOLD_EXPIRED, 42, CheckoutState.EXPIRED);
        assertThat(expired.status().code()).isEqualTo(410);
        assertThat(expired.headers().get("x-request-id")).isEqualTo("req-2");
        assertThat(body(expired)).containsEntry("code", "HOLD_EXPIRED").containsEntry("checkoutId", "42")
            .containsEntry("checkoutStatus", "EXPIRED");
    }

    /** @return the answer to a reserve whose held checkout has {@code lines} lines of {@code quantity} at {@code priceMinor}. */
    private FullHttpResponse reserveAnswer(final int lines, final int quantity, final long priceMinor)
    {
        final UnsafeBuffer result = new UnsafeBuffer(new byte[ProtocolLimits.MAX_OUTPUT_LENGTH]);
        final CheckoutResultEncoder checkout = new CheckoutResultEncoder().wrapAndApplyHeader(result, 0, new MessageHeaderEncoder())
            .command(CommandKind.RESERVE).code(ResultCode.OK).replayed(BooleanType.FALSE).state(CheckoutState.HELD)
            .checkoutId(16_777_217).customerId(7).createdAtMs(0).expiresAtMs(600_000);
        final CheckoutResultEncoder.LinesEncoder line = checkout.linesCount(lines);
        for (int i = 0; i < lines; i++)
        {
            line.next().sku("SKU-" + i).quantity(quantity).unitPriceMinor(priceMinor).currency("EUR");
        }
        return reserveAnswered(result, MessageHeaderEncoder.ENCODED_LENGTH + checkout.encodedLength(), "req-1");
    }

    private static Map<String, Object> body(final FullHttpResponse response)
    {
        try
        {
            return Json.object(response.content().toString(StandardCharsets.UTF_8));
        }
        finally
        {
            response.release();
        }
    }

    @Test
    void theLargestTotalTheLimitsAllowIsExact()
    {
        final int units = (int)ProtocolLimits.MAX_UNITS_PER_CHECKOUT;
        final FullHttpResponse held = reserveAnswer(1, units, ProtocolLimits.MAX_PRICE_MINOR);
        assertThat(held.status().code()).isEqualTo(201);
        assertThat(held.headers().get("location")).isEqualTo("/v1/checkouts/16777217");
        assertThat(held.headers().get("x-request-id")).isEqualTo("req-1");
        assertThat(body(held)).containsEntry("totalMinor", units * ProtocolLimits.MAX_PRICE_MINOR);
    }

    @Test
    void aTotalPast64BitsIsA500NeverAWrappedNumber()
    {
        final FullHttpResponse overflow = reserveAnswer(16, ProtocolLimits.MAX_STOCK, ProtocolLimits.MAX_PRICE_MINOR);
        assertThat(overflow.status().code()).isEqualTo(500);
        assertThat(body(overflow)).containsEntry("code", "INTERNAL_ERROR")
            .containsEntry("detail", "the engine's answer could not be rendered; the node's log has the cause");
    }
}
