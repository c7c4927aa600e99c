/**
 * {@code flashsale plot}: latency plots of load runs, drawn from the HdrHistogram interval logs
 * ({@code .hlog}) that {@code flashsale loadgen --hlog} writes (or any tool that logs integer
 * histograms of nanoseconds).
 *
 * <p>{@link dev.flashsale.server.plot.LatencyLog} reads a log with HdrHistogram's own reader;
 * {@link dev.flashsale.server.plot.PercentilePlot} draws the percentile distribution of the whole
 * logs, {@link dev.flashsale.server.plot.TimelinePlot} the latency and rate over time, both as SVG
 * through {@link dev.flashsale.server.plot.Svg}, {@link dev.flashsale.server.plot.Panel} and
 * {@link dev.flashsale.server.plot.Scale}: a few hundred lines of our own instead of a charting
 * library, because two line charts need no more and SVG reads in any browser and diffs as text.
 * Runs on the command's thread, once, off any load: nothing here is on a hot path.
 */
package dev.flashsale.server.plot;
