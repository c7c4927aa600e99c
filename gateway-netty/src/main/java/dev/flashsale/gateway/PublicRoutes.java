package dev.flashsale.gateway;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.util.AsciiString;

/**
 * The routes anyone may call, without a key: liveness, readiness (503 with the reason while the
 * node recovers or stops), the Prometheus page and the OpenAPI document. The metrics text is
 * rendered at most once a second: a render walks every SKU, on an event loop.
 */
final class PublicRoutes
{
    private static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain; charset=utf-8");
    private static final AsciiString PROMETHEUS = AsciiString.cached("text/plain; version=0.0.4; charset=utf-8");
    private static final AsciiString YAML = AsciiString.cached("application/yaml");
    private static final long METRICS_MAX_AGE_NANOS = 1_000_000_000L;

    private final NodeBackend backend;
    private final GatewayMetrics metrics;
    private final Responder responder;
    private final byte[] openApi;
    private volatile String metricsText;
    private volatile long metricsRenderedNanos;

    PublicRoutes(final NodeBackend backend, final GatewayMetrics metrics, final Responder responder, final byte[] openApi)
    {
        this.backend = backend;
        this.metrics = metrics;
        this.responder = responder;
        this.openApi = openApi;
    }

    void serve(final Call call)
    {
        call.send(answer(call));
    }

    private FullHttpResponse answer(final Call call)
    {
        return switch (call.route())
        {
            case HEALTH_LIVE -> Responses.text(200, TEXT_PLAIN, "live\n", call.alloc());
            case HEALTH_READY ->
            {
                final String notReady = backend.notReadyReason();
                yield notReady == null ? Responses.text(200, TEXT_PLAIN, "ready\n" + backend.readyDetails(), call.alloc()) :
                    Responses.problem(Problem.NOT_READY, notReady, call.scratch().json, call.alloc());
            }
            case METRICS -> Responses.text(200, PROMETHEUS, metricsText(), call.alloc());
            case OPENAPI -> Responses.bytes(200, YAML, openApi, call.alloc());
            default -> throw new IllegalStateException(call.route().name());
        };
    }

    private String metricsText()
    {
        final long now = System.nanoTime();
        String text = metricsText;
        if (text == null || now - metricsRenderedNanos > METRICS_MAX_AGE_NANOS)
        {
            final StringBuilder out = new StringBuilder(8192);
            metrics.render(out);
            responder.render(out);
            backend.renderMetrics(out);
            text = out.toString();
            metricsRenderedNanos = now;
            metricsText = text;
        }
        return text;
    }
}
