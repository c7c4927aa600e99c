package dev.flashsale.gateway;

import dev.flashsale.engine.EngineConfig;
import dev.flashsale.gateway.auth.Credentials;
import dev.flashsale.read.ReadServices;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.concurrent.FastThreadLocal;
import org.agrona.concurrent.EpochClock;

/**
 * Takes each complete request on the event loop that read it, in four steps: is it valid
 * HTTP/1.1 within the size limits; which {@link Route} (404 and 405 here); may the caller call it
 * ({@link Admission}; public routes skip it); then the route's desk answers: {@link PublicRoutes},
 * {@link EngineRoutes}, {@link ReadRoutes} or {@link CatalogRoutes}. Shared by every connection;
 * what a request needs on its loop is in that loop's {@link LoopScratch}.
 */
final class Dispatcher
{
    private final GatewayConfig config;
    private final GatewayMetrics metrics;
    private final AccessLog accessLog;
    private final Responder responder;
    private final FastThreadLocal<LoopScratch> scratch;
    private final Admission admission;
    private final PublicRoutes publicRoutes;
    private final EngineRoutes engineRoutes;
    private final ReadRoutes readRoutes;
    private final CatalogRoutes catalogRoutes;
    private final EngineAnswers engineAnswers;

    /** @param readServices null on a node without them: their routes answer 503. */
    Dispatcher(
        final GatewayConfig config,
        final EngineConfig engine,
        final NodeBackend backend,
        final ReadServices readServices,
        final Credentials credentials,
        final Responder responder,
        final GatewayMetrics metrics,
        final EpochClock clock,
        final byte[] openApi)
    {
        this.config = config;
        this.metrics = metrics;
        this.responder = responder;
        this.accessLog = new AccessLog(config.accessLogMaxPerSecond());
        this.scratch = LoopScratch.perThread(engine, config.maxBodyBytes(), metrics, accessLog);
        final HttpCaching caching = new HttpCaching(config.availabilityMaxAgeSeconds());
        this.admission = new Admission(config, credentials, clock);
        this.publicRoutes = new PublicRoutes(backend, metrics, responder, openApi, config.metricsTopSkus());
        this.engineRoutes = new EngineRoutes(backend, responder.exchanges(), config.maxInFlightPerConnection());
        this.readRoutes = new ReadRoutes(readServices, caching);
        this.catalogRoutes = new CatalogRoutes(readServices, caching, metrics, accessLog, scratch,
            config.maxInFlightPerConnection());
        this.engineAnswers = new EngineAnswers(scratch, metrics, accessLog, caching, config.engineTimeoutMs());
    }

    /** @return the answer queue of a new connection on the event loop of {@code ctx}. */
    AnswerQueue answerQueue(final ChannelHandlerContext ctx)
    {
        return new AnswerQueue(ctx, responder.handback(ctx.channel().eventLoop()), engineAnswers, metrics, accessLog,
            scratch, config.maxInFlightPerConnection());
    }

    /** @return the call of the request this event loop is dispatching (or dispatched last). */
    Call callOnThisLoop()
    {
        return scratch.get().call;
    }

    void dispatch(final AnswerQueue answers, final FullHttpRequest request, final long startNanos)
    {
        final Call call = scratch.get().call.start(answers, request, HttpUtil.isKeepAlive(request), startNanos);
        if (!request.decoderResult().isSuccess())
        {
            refuseUndecodable(call, request.decoderResult().cause());
            return;
        }
        final String[] segments = Router.segments(request.uri());
        final HttpMethod method = request.method();
        final Route route = Router.match(segments, method);
        if (route == Route.UNMATCHED)
        {
            unmatched(call, segments, method, request.uri());
            return;
        }
        call.route(route);
        switch (route.desk())
        {
            case PUBLIC -> publicRoutes.serve(call);
            case ENGINE ->
            {
                if (admission.admit(call, request.headers()))
                {
                    engineRoutes.submit(call, segments, request);
                }
            }
            case READ ->
            {
                if (admission.admit(call, request.headers()))
                {
                    readRoutes.serve(call, segments, request);
                }
            }
            case CATALOG ->
            {
                if (admission.admit(call, request.headers()))
                {
                    catalogRoutes.serve(call, segments, request);
                }
            }
        }
    }

    /** A request the codec could not read whole: 400, 414, 431 or 413, then the connection closes. */
    private void refuseUndecodable(final Call call, final Throwable cause)
    {
        final Problem problem = cause instanceof TooLongHttpLineException ? Problem.URI_TOO_LONG :
            cause instanceof TooLongHttpHeaderException ? Problem.HEADERS_TOO_LARGE :
            cause instanceof TooLongFrameException ? Problem.PAYLOAD_TOO_LARGE : Problem.INVALID_REQUEST;
        final String detail = switch (problem)
        {
            case URI_TOO_LONG -> "the request line exceeds " + config.maxInitialLineBytes() + " bytes";
            case HEADERS_TOO_LARGE -> "the headers exceed " + config.maxHeaderBytes() + " bytes";
            case PAYLOAD_TOO_LARGE -> "the body exceeds " + config.maxBodyBytes() + " bytes";
            default -> "the request is not valid HTTP/1.1";
        };
        call.answers().closeWith(problem, detail, call);
    }

    /**
     * No route: 405 with {@code Allow} if the path has one for another method, else 404. An answer
     * to HEAD (no route takes it) has no body, as HTTP requires.
     */
    private static void unmatched(final Call call, final String[] segments, final HttpMethod method, final String uri)
    {
        final int query = uri.indexOf('?');
        final String path = query < 0 ? uri : uri.substring(0, query);
        final String allowed = Router.allowed(segments);
        final FullHttpResponse response;
        call.code(allowed == null ? Problem.NOT_FOUND : Problem.METHOD_NOT_ALLOWED);
        if (method == HttpMethod.HEAD)
        {
            response = Responses.response(allowed == null ? 404 : 405, null, call.alloc().buffer(0), 0);
        }
        else if (allowed == null)
        {
            response = Responses.problem(Problem.NOT_FOUND, "no route for " + path, call.scratch().json, call.alloc());
        }
        else
        {
            response = Responses.problem(Problem.METHOD_NOT_ALLOWED, method + " is not allowed on " + path,
                call.scratch().json, call.alloc());
        }
        if (allowed != null)
        {
            response.headers().set(HttpHeaderNames.ALLOW, allowed);
        }
        call.send(response);
    }

    void requestTimedOut()
    {
        metrics.requestTimedOut();
    }

    /** Lets the catalog work already queued finish (up to 5 s), then stops the catalog thread. */
    void close()
    {
        catalogRoutes.close();
    }
}
