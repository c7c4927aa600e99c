package dev.flashsale.gateway;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.util.AsciiString;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The routes anyone may call, without a key: liveness, readiness (503 with the reason while the
 * node recovers or stops), the Prometheus page and the OpenAPI document. The metrics page is the
 * node's own series, then the JVM's (memory, GC, threads, process) from the Prometheus client's
 * JVM instrumentation; it is rendered at most once a second: a render walks every SKU, on an
 * event loop.
 */
final class PublicRoutes
{
    private static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain; charset=utf-8");
    private static final AsciiString PROMETHEUS = AsciiString.cached("text/plain; version=0.0.4; charset=utf-8");
    private static final AsciiString YAML = AsciiString.cached("application/yaml");
    private static final long METRICS_MAX_AGE_NANOS = 1_000_000_000L;
    /** The jar's Implementation-Version; "unknown" when run from classes (tests). */
    private static final String VERSION = java.util.Objects.requireNonNullElse(
        PublicRoutes.class.getPackage().getImplementationVersion(), "unknown");

    private final NodeBackend backend;
    private final GatewayMetrics metrics;
    private final Responder responder;
    private final byte[] openApi;
    private final int topSkus;
    private final PrometheusRegistry jvm = new PrometheusRegistry();
    private final PrometheusTextFormatWriter jvmWriter = PrometheusTextFormatWriter.create();
    private volatile String metricsText;
    private volatile long metricsRenderedNanos;

    /** @param topSkus how many SKUs the page shows units of ({@code gateway.metrics-top-skus}). */
    PublicRoutes(final NodeBackend backend, final GatewayMetrics metrics, final Responder responder, final byte[] openApi,
        final int topSkus)
    {
        this.topSkus = topSkus;
        this.backend = backend;
        this.metrics = metrics;
        this.responder = responder;
        this.openApi = openApi;
        JvmMetrics.builder().register(jvm);
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
                if (notReady != null)
                {
                    call.code(Problem.NOT_READY);
                }
                yield notReady == null ? Responses.text(200, TEXT_PLAIN, "ready\n" + backend.readyDetails(), call.alloc()) :
                    Responses.problem(Problem.NOT_READY, notReady, call.scratch().json, call.alloc());
            }
            case METRICS -> Responses.text(200, PROMETHEUS, metricsText(), call.alloc());
            case OPENAPI -> Responses.bytes(200, YAML, openApi, call.alloc());
            default -> throw new IllegalStateException(call.route().name());
        };
    }

    /** The JVM's own metrics (memory, GC, threads, classes, process CPU and memory) from the Prometheus client. */
    private String jvmText()
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(16_384);
        try
        {
            jvmWriter.write(bytes, jvm.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
        }
        catch (final IOException ex) // into memory: never
        {
            throw new UncheckedIOException(ex);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private String metricsText()
    {
        final long now = System.nanoTime();
        String text = metricsText;
        if (text == null || now - metricsRenderedNanos > METRICS_MAX_AGE_NANOS)
        {
            final StringBuilder out = new StringBuilder(65_536);
            out.append("# HELP flashsale_build_info The running build: 1, its version as a label.\n")
                .append("# TYPE flashsale_build_info gauge\n")
                .append("flashsale_build_info{version=\"").append(VERSION).append("\",java=\"")
                .append(System.getProperty("java.version")).append("\"} 1\n");
            metrics.render(out);
            responder.render(out, topSkus);
            backend.renderMetrics(out);
            text = out.append(jvmText()).toString();
            metricsRenderedNanos = now;
            metricsText = text;
        }
        return text;
    }
}
