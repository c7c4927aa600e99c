package dev.flashsale.gateway;

import io.netty.handler.codec.http.HttpMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The access log of refusals and errors: one line for each answer with a status of 400 or more,
 * none for a success, on its own logger ({@value #LOGGER_NAME}) so it can be routed or silenced
 * apart; 4xx at INFO, 5xx at WARN. At most {@code log.access-max-per-second} lines a second
 * ({@link LogSampler}); the next line written says how many were dropped. A line names the method,
 * the path without its query string, the status, the problem or engine result code, the latency,
 * the client's address and the request id; as key-values too, with ECS names, for the JSON log.
 * Never a header, a body or a query string: API keys and customer tokens travel in headers.
 * Any thread (event loops, the catalog thread); the formatting happens only for lines written.
 */
final class AccessLog
{
    static final String LOGGER_NAME = "flashsale.access";
    /** Longest path written; a longer one is cut. */
    static final int MAX_PATH_CHARS = 256;

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER_NAME);

    private final LogSampler sampler;

    /** @param maxPerSecond lines a second ({@code log.access-max-per-second}); 0 = no access log. */
    AccessLog(final int maxPerSecond)
    {
        this.sampler = new LogSampler(maxPerSecond);
    }

    /**
     * An answer went out. Writes a line if it is a refusal or an error, the level is on and the
     * sampler lets it through.
     *
     * @param method    null if the request was never read whole.
     * @param uri       the request target, with its query string (cut here); null if never read whole.
     * @param code      the problem's code (for an engine answer, the engine's result code); null if none.
     * @param remote    the connection's peer.
     */
    void answered(final HttpMethod method, final String uri, final int status, final String code, final long startNanos,
        final long nowNanos, final SocketAddress remote, final String requestId)
    {
        if (status < 400 || (status < 500 ? !LOG.isInfoEnabled() : !LOG.isWarnEnabled()))
        {
            return;
        }
        final long droppedBefore = sampler.admit(nowNanos);
        if (droppedBefore == LogSampler.DROP)
        {
            return;
        }
        final String methodName = method == null ? "-" : method.name();
        final String path = path(uri);
        final long latencyNanos = startNanos == 0 ? 0 : Math.max(0, nowNanos - startNanos);
        final String address = remote instanceof InetSocketAddress inet && inet.getAddress() != null ?
            inet.getAddress().getHostAddress() : String.valueOf(remote);
        final int port = remote instanceof InetSocketAddress inet ? inet.getPort() : 0;
        final StringBuilder message = new StringBuilder(160).append(methodName).append(' ').append(path).append(' ')
            .append(status);
        if (code != null)
        {
            message.append(' ').append(code);
        }
        message.append(" in ").append(latencyNanos / 1_000_000).append('.')
            .append((char)('0' + latencyNanos / 100_000 % 10)).append((char)('0' + latencyNanos / 10_000 % 10))
            .append(" ms from ").append(address).append(':').append(port).append(" request ").append(requestId);
        if (droppedBefore > 0)
        {
            message.append(" (").append(droppedBefore).append(" earlier lines dropped: log.access-max-per-second)");
        }
        final LoggingEventBuilder line = (status < 500 ? LOG.atInfo() : LOG.atWarn())
            .addKeyValue("http.request.id", requestId)
            .addKeyValue("http.request.method", methodName)
            .addKeyValue("url.path", path)
            .addKeyValue("http.response.status_code", status)
            .addKeyValue("event.duration", latencyNanos)
            .addKeyValue("client.address", address)
            .addKeyValue("client.port", port);
        if (code != null)
        {
            line.addKeyValue("error.code", code);
        }
        if (droppedBefore > 0)
        {
            line.addKeyValue("flashsale.access.dropped", droppedBefore);
        }
        line.log(message.toString());
    }

    /** @return the lines the sampler dropped since start. */
    long dropped()
    {
        return sampler.droppedTotal();
    }

    /** The path of a request target: no query string (it may carry search terms), no control characters, bounded. */
    static String path(final String uri)
    {
        if (uri == null)
        {
            return "-";
        }
        final int query = uri.indexOf('?');
        final int end = Math.min(query < 0 ? uri.length() : query, MAX_PATH_CHARS);
        final StringBuilder path = new StringBuilder(end);
        for (int i = 0; i < end; i++)
        {
            final char c = uri.charAt(i);
            path.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        if (end < (query < 0 ? uri.length() : query))
        {
            path.append("...");
        }
        return path.toString();
    }
}
