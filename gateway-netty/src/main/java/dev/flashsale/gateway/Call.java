package dev.flashsale.gateway;

import dev.flashsale.gateway.auth.ApiClient;
import dev.flashsale.gateway.http.BadRequest;
import dev.flashsale.gateway.http.Forbidden;
import dev.flashsale.gateway.http.UnsupportedMediaType;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;

/**
 * One request being answered on its event loop: where its answer goes, its route, when it
 * started, who called, and its request id (sent back as {@code X-Request-Id}, written in the
 * access log). Each event loop reuses one (in its {@link LoopScratch}) for every
 * request it reads, so nothing may keep it past the request's dispatch: work handed to another
 * thread copies what it needs.
 */
final class Call
{
    private final GatewayMetrics metrics;
    private final AccessLog accessLog;
    private final LoopScratch scratch;
    private AnswerQueue answers;
    private String requestId;
    private HttpMethod method;
    private String uri;
    /** The problem code of a refusal, for the access log; null for other answers. */
    private String code;
    private Route route;
    private boolean keepAlive;
    private long startNanos;
    private ApiClient client;
    private long customerId;

    Call(final GatewayMetrics metrics, final AccessLog accessLog, final LoopScratch scratch)
    {
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.scratch = scratch;
    }

    Call start(final AnswerQueue answers, final FullHttpRequest request, final boolean keepAlive, final long startNanos)
    {
        this.answers = answers;
        this.requestId = scratch.requestIds.of(request.headers().get(RequestIds.HEADER));
        this.method = request.method();
        this.uri = request.uri();
        this.code = null;
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

    /** @return the client's well-formed {@code X-Request-Id}, else one made for this request. */
    String requestId()
    {
        return requestId;
    }

    HttpMethod method()
    {
        return method;
    }

    /** @return the request target as sent, query string included: cut before it is logged. */
    String uri()
    {
        return uri;
    }

    /** Names the problem of an answer built outside {@link #refuse}, for the access log. */
    void code(final Problem problem)
    {
        this.code = problem.name();
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

    /**
     * Answers now (in request order behind what waits) with the request id, records the request's
     * metrics, and a refusal or error in the access log.
     */
    void send(final FullHttpResponse response)
    {
        final long nowNanos = System.nanoTime();
        final int status = response.status().code();
        metrics.record(route, status, nowNanos - startNanos);
        response.headers().set(RequestIds.HEADER, requestId);
        accessLog.answered(method, uri, status, code, startNanos, nowNanos, answers.remoteAddress(), requestId);
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
        code = problem.name();
        send(Responses.problem(problem, detail, scratch.json, alloc()));
    }
}
