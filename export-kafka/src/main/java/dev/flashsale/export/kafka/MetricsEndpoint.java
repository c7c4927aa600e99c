package dev.flashsale.export.kafka;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The exporter's {@code GET /metrics} (Prometheus text format 0.0.4, as the node's) and
 * {@code GET /health/live}, on the JDK's own HTTP server with one daemon thread: a scrape every
 * few seconds needs nothing more.
 */
final class MetricsEndpoint implements AutoCloseable
{
    private static final String VERSION = versionOf();

    private final HttpServer server;
    private final ExporterMetrics metrics;
    private final PrometheusRegistry jvm = new PrometheusRegistry();
    private final PrometheusTextFormatWriter jvmWriter = PrometheusTextFormatWriter.create();

    /** @param port 0 for any free port. */
    MetricsEndpoint(final int port, final ExporterMetrics metrics) throws IOException
    {
        this.metrics = metrics;
        JvmMetrics.builder().register(jvm);
        server = HttpServer.create(new InetSocketAddress(port), 16);
        server.setExecutor(Executors.newSingleThreadExecutor(r ->
        {
            final Thread thread = new Thread(r, "flashsale-export-metrics");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/metrics", exchange -> respond(exchange, "text/plain; version=0.0.4; charset=utf-8", text()));
        server.createContext("/health/live", exchange -> respond(exchange, "text/plain; charset=utf-8", "live\n"));
        server.start();
    }

    int port()
    {
        return server.getAddress().getPort();
    }

    String text()
    {
        final StringBuilder out = new StringBuilder(16_384);
        out.append("# HELP flashsale_build_info The running build: 1, its version as a label.\n")
            .append("# TYPE flashsale_build_info gauge\n")
            .append("flashsale_build_info{version=\"").append(VERSION).append("\",java=\"")
            .append(System.getProperty("java.version")).append("\"} 1\n");
        metrics.render(out);
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(16_384);
        try
        {
            jvmWriter.write(bytes, jvm.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
        }
        catch (final IOException ex) // into memory: never
        {
            throw new java.io.UncheckedIOException(ex);
        }
        return out.append(bytes.toString(StandardCharsets.UTF_8)).toString();
    }

    private static void respond(final HttpExchange exchange, final String type, final String body) throws IOException
    {
        try (exchange)
        {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod()))
            {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(200, "HEAD".equals(exchange.getRequestMethod()) ? -1 : bytes.length);
            if (!"HEAD".equals(exchange.getRequestMethod()))
            {
                try (OutputStream out = exchange.getResponseBody())
                {
                    out.write(bytes);
                }
            }
        }
    }

    private static String versionOf()
    {
        final String version = MetricsEndpoint.class.getPackage().getImplementationVersion();
        return version != null ? version : "development";
    }

    @Override
    public void close()
    {
        server.stop(0);
    }
}
