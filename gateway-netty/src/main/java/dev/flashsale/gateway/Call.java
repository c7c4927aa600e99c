package dev.flashsale.gateway;

import dev.flashsale.gateway.auth.ApiClient;
import dev.flashsale.gateway.http.BadRequest;
import dev.flashsale.gateway.http.Forbidden;
import dev.flashsale.gateway.http.UnsupportedMediaType;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;

/**
 * One request being answered on its event loop: where its answer goes, its route, when it
 * started and who called. Each event loop reuses one (in its {@link LoopScratch}) for every
 * request it reads, so nothing may keep it past the request's dispatch: work handed to another
 * thread copies what it needs.
 */
final class Call
{
    private final GatewayMetrics metrics;
    private final LoopScratch scratch;
    private AnswerQueue answers;
    private Route route;
    private boolean keepAlive;
    private long startNanos;
    private ApiClient client;
    private long customerId;

    Call(final GatewayMetrics metrics, final LoopScratch scratch)
    {
        this.metrics = metrics;
        this.scratch = scratch;
    }

    Call start(final AnswerQueue answers, final boolean keepAlive, final long startNanos)
    {
        this.answers = answers;
        this.keepAlive = keepAlive;
        this.startNanos = startNanos;
        this.route = Route.UNMATCHED;
        this.client = null;
        this.customerId = 0;
        return this;
    }

    void route(final Route route)
    {
        this.route = route;
    }

    /** The caller, once {@link Admission} let it in. */
    void caller(final ApiClient client, final long customerId)
    {
        this.client = client;
        this.customerId = customerId;
    }

    Route route()
    {
        return route;
    }

    boolean keepAlive()
    {
        return keepAlive;
    }

    long startNanos()
    {
        return startNanos;
    }

    ApiClient client()
    {
        return client;
    }

    /** @return the customer the token names; 0 on routes without one. */
    long customerId()
    {
        return customerId;
    }

    AnswerQueue answers()
    {
        return answers;
    }

    LoopScratch scratch()
    {
        return scratch;
    }

    ByteBufAllocator alloc()
    {
        return answers.alloc();
    }

    /** Answers now (in request order behind what waits), and records the request's metrics. */
    void send(final FullHttpResponse response)
    {
        metrics.record(route, response.status().code(), System.nanoTime() - startNanos);
        answers.answer(response, keepAlive);
    }

    /**
     * Answers the problem of a request refused while it was read: a bad body or path
     * ({@link BadRequest}), a value this caller may not use ({@link Forbidden}), a body that is not
     * JSON ({@link UnsupportedMediaType}).
     */
    void refuse(final RuntimeException refusal)
    {
        refuse(refusal instanceof Forbidden ? Problem.FORBIDDEN : refusal instanceof UnsupportedMediaType ?
            Problem.UNSUPPORTED_MEDIA_TYPE : Problem.INVALID_REQUEST, refusal.getMessage());
    }

    /** Answers an RFC 9457 problem. */
    void refuse(final Problem problem, final String detail)
    {
        send(Responses.problem(problem, detail, scratch.json, alloc()));
    }
}
