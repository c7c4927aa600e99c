package dev.flashsale.gateway;

import dev.flashsale.engine.pipeline.Pipeline;
import dev.flashsale.engine.protocol.ProtocolLimits;
import dev.flashsale.gateway.http.BadRequest;
import dev.flashsale.gateway.http.CommandReader;
import dev.flashsale.gateway.http.Forbidden;
import dev.flashsale.gateway.http.PathParams;
import dev.flashsale.gateway.http.RequestBody;
import dev.flashsale.gateway.http.UnsupportedMediaType;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.channel.EventLoop;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * The routes the engine decides (checkouts and SKUs): the request becomes an SBE command in the
 * loop's buffer, an {@link Exchange} waits for its answer, and the command goes into the input
 * ring. Nothing is published for a request that is refused; a full ring, no free exchange or a
 * stopped pipeline is a 503 at once. The answer comes back through the responder to the
 * connection's {@link AnswerQueue} and is rendered by {@link EngineAnswers}.
 */
final class EngineRoutes
{
    static final AsciiString IDEMPOTENCY_KEY = AsciiString.cached("idempotency-key");

    private final NodeBackend backend;
    private final ExchangeTable exchanges;
    private final int maxInFlightPerConnection;
    private final FastThreadLocal<WakeUpAfterReads> wakeUps;

    EngineRoutes(final NodeBackend backend, final ExchangeTable exchanges, final int maxInFlightPerConnection)
    {
        this.backend = backend;
        this.exchanges = exchanges;
        this.maxInFlightPerConnection = maxInFlightPerConnection;
        this.wakeUps = new FastThreadLocal<>()
        {
            @Override
            protected WakeUpAfterReads initialValue()
            {
                return new WakeUpAfterReads(backend);
            }
        };
    }

    /**
     * One per event loop: after a request is published, a task on the loop that wakes the node's
     * consumer. A task queued by the loop itself runs after the loop has read every connection that
     * was ready, so the requests of one read batch cost the consumer one wake-up (a futex call on
     * each side, and a context switch on a small machine), not one each; and it runs in the same
     * turn of the loop, before the loop waits again, so no request waits for a later read.
     */
    private static final class WakeUpAfterReads implements Runnable
    {
        private final NodeBackend backend;
        private boolean queued;

        WakeUpAfterReads(final NodeBackend backend)
        {
            this.backend = backend;
        }

        void owe(final EventLoop loop)
        {
            if (!queued)
            {
                queued = true;
                loop.execute(this);
            }
        }

        @Override
        public void run()
        {
            queued = false;
            backend.wakeUp();
        }
    }

    void submit(final Call call, final String[] segments, final FullHttpRequest request)
    {
        final String notReady = backend.notReadyReason();
        if (notReady != null)
        {
            call.refuse(Problem.NOT_READY, notReady);
            return;
        }
        final AnswerQueue answers = call.answers();
        if (answers.atInFlightLimit())
        {
            call.refuse(Problem.OVERLOADED, "more than " + maxInFlightPerConnection + " requests in flight on this connection");
            return;
        }
        final int length;
        try
        {
            length = encode(call, segments, request);
        }
        catch (final BadRequest | Forbidden | UnsupportedMediaType ex)
        {
            call.refuse(ex);
            return;
        }
        final Exchange exchange = exchanges.acquire();
        if (exchange == null)
        {
            call.refuse(Problem.OVERLOADED, "too many requests waiting on the engine");
            return;
        }
        exchange.answers = answers;
        exchange.route = call.route();
        exchange.startNanos = call.startNanos();
        exchange.requestId = call.requestId();
        exchange.method = call.method();
        exchange.uri = call.uri();
        exchange.keepAlive = call.keepAlive();
        exchange.ifNoneMatch = call.route() == Route.AVAILABILITY ? request.headers().get(HttpHeaderNames.IF_NONE_MATCH) : null;
        exchange.arm();
        final long sequence = backend.tryPublish(call.scratch().command, 0, length, exchange.correlationId());
        if (sequence > 0)
        {
            wakeUps.get().owe(answers.eventLoop());
            answers.waitFor(exchange);
            return;
        }
        exchange.abandon();
        if (sequence == Pipeline.RING_FULL)
        {
            call.refuse(Problem.OVERLOADED, "the input ring is full");
        }
        else if (sequence == Pipeline.NOT_RUNNING)
        {
            call.refuse(Problem.NOT_READY, "the node is not taking input");
        }
        else
        {
            call.refuse(Problem.INTERNAL_ERROR, "the command could not be published");
        }
    }

    /** Encodes the command of the call's route into the loop's command buffer. @return its length. */
    private static int encode(final Call call, final String[] segments, final FullHttpRequest request)
    {
        final LoopScratch s = call.scratch();
        final CommandReader reader = s.commands;
        final long customerId = call.customerId();
        return switch (call.route())
        {
            case RESERVE ->
            {
                final String key = request.headers().get(IDEMPOTENCY_KEY);
                if (key == null)
                {
                    throw new BadRequest("an Idempotency-Key header is required");
                }
                if (!PathParams.isToken(key, ProtocolLimits.IDEMPOTENCY_KEY_LENGTH))
                {
                    throw new BadRequest("the Idempotency-Key must be 1..64 printable ASCII characters without spaces");
                }
                yield reader.reserve(s.body, RequestBody.copy(request, s.body), call.client().id(), customerId, key, s.command);
            }
            case GET_CHECKOUT -> reader.writer().getCheckout(s.command, 0, customerId, PathParams.checkoutId(segments[3]));
            case CONFIRM -> reader.confirm(s.body, RequestBody.copy(request, s.body), customerId,
                PathParams.checkoutId(segments[3]), s.command);
            case CANCEL -> reader.writer().cancel(s.command, 0, customerId, PathParams.checkoutId(segments[3]));
            case AVAILABILITY -> reader.writer().getAvailability(s.command, 0, PathParams.sku(segments[3]));
            case ADMIN_GET_SKU -> reader.writer().getAvailability(s.command, 0, PathParams.sku(segments[4]));
            case ADMIN_PUT_SKU -> reader.upsertSku(s.body, RequestBody.copy(request, s.body), PathParams.sku(segments[4]),
                s.command);
            case ADMIN_RESTOCK -> reader.restock(s.body, RequestBody.copy(request, s.body), PathParams.sku(segments[4]),
                s.command);
            case ADMIN_ADJUST -> reader.adjust(s.body, RequestBody.copy(request, s.body), PathParams.sku(segments[4]),
                s.command);
            case ADMIN_PAUSE -> reader.writer().pauseSale(s.command, 0, PathParams.sku(segments[4]));
            case ADMIN_RESUME -> reader.writer().resumeSale(s.command, 0, PathParams.sku(segments[4]));
            default -> throw new IllegalStateException("no command for " + call.route());
        };
    }
}
