package dev.flashsale.server.plot;

import dev.flashsale.server.FlashsaleCommand;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Logs with known intervals, plotted through the command line, the SVG read back with the JDK's XML parser. */
class PlotCommandTest
{
    private static final long MS = 1_000_000L;
    private static final String SVG_NS = "http://www.w3.org/2000/svg";
    /** Intervals of {@link #writeLog}: one a second, the third one empty. */
    private static final int INTERVALS = 5;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(final String... args)
    {
        return FlashsaleCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void overlaysSeveralLogsInOnePercentilePlotAndOneTimeline() throws Exception
    {
        final Path hello = writeLog(dir.resolve("hello.hlog"), 1);
        final Path node = writeLog(dir.resolve("node.hlog"), 3);

        assertThat(run("plot", hello.toString(), node.toString(), "--out", dir.resolve("plots") + "/",
            "--title", "hello & node")).isZero();

        final Path percentiles = dir.resolve("plots/hello-vs-node-percentiles.svg");
        final Path timeline = dir.resolve("plots/hello-vs-node-timeline.svg");
        assertThat(out.toString().lines()).containsExactly(percentiles.toString(), timeline.toString());

        final Document distribution = parse(percentiles);
        assertThat(texts(distribution)).contains("hello & node: percentile distribution", "percentile", "latency (ms)",
            "0%", "50%", "90%", "99%", "99.9%");
        final Map<String, List<double[]>> curves = series(distribution);
        assertThat(curves).containsOnlyKeys("hello", "node");
        for (final List<double[]> curve : curves.values())
        {
            assertThat(curve.get(0)[0]).as("from 0 %").isEqualTo(75.0);
            assertThat(curve.get(curve.size() - 1)[0]).as("to the maximum on the right edge").isEqualTo(860.0);
            assertIncreasing(curve);
        }
        assertThat(texts(distribution)).anyMatch(text -> text.startsWith("node (1,604 values, max 150."));

        final Document overTime = parse(timeline);
        assertThat(texts(overTime)).contains("hello & node: latency over time", "time (s)", "per second", "p99.9");
        final Map<String, List<double[]>> lines = series(overTime);
        assertThat(lines).containsOnlyKeys("hello p50", "hello p99", "hello p99.9", "hello max", "hello per second",
            "node p50", "node p99", "node p99.9", "node max", "node per second");
        assertThat(lines.get("node p99")).as("an empty interval has no latency").hasSize(INTERVALS - 1);
        assertThat(lines.get("node per second")).as("but a rate of zero").hasSize(INTERVALS);
        assertThat(lines.get("node per second").get(2)[1]).isEqualTo(440.0);
        // Each interval of the log is slower than the one before: the lines climb (SVG's y grows downwards).
        final List<double[]> p50 = lines.get("node p50");
        for (int i = 1; i < p50.size(); i++)
        {
            assertThat(p50.get(i)[0]).isGreaterThan(p50.get(i - 1)[0]);
            assertThat(p50.get(i)[1]).isLessThan(p50.get(i - 1)[1]);
        }
    }

    @Test
    void oneLogIsPlottedBesideItselfWithTheSeriesInColour() throws Exception
    {
        final Path run = writeLog(dir.resolve("run.hlog"), 1);

        assertThat(run("plot", run.toString())).isZero();

        final Path timeline = dir.resolve("run-timeline.svg");
        assertThat(out.toString()).contains(dir.resolve("run-percentiles.svg").toString(), timeline.toString());
        final Document overTime = parse(timeline);
        assertThat(texts(overTime)).contains("Latency of run: latency over time", "p50", "p99", "max");
        assertThat(series(overTime).get("run p50")).hasSize(INTERVALS - 1);
        assertThat(series(parse(dir.resolve("run-percentiles.svg")))).containsOnlyKeys("run");
    }

    @Test
    void aMissingEmptyOrForeignFileIsAUsageError() throws Exception
    {
        assertThat(run("plot", dir.resolve("nothing.hlog").toString())).isEqualTo(FlashsaleCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("nothing.hlog: no such file");

        final Path empty = Files.createFile(dir.resolve("empty.hlog"));
        assertThat(run("plot", empty.toString())).isEqualTo(FlashsaleCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("empty.hlog: no intervals");

        final Path text = Files.writeString(dir.resolve("notes.hlog"), "these are not intervals\n1.0,2.0,3.0,%%%\n");
        assertThat(run("plot", text.toString())).isEqualTo(FlashsaleCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("notes.hlog: ");

        assertThat(run("plot", dir.toString())).isEqualTo(FlashsaleCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("not a readable file");

        assertThat(run("plot")).isEqualTo(FlashsaleCommand.EXIT_USAGE);
        assertThat(dir.resolve("empty-percentiles.svg")).doesNotExist();
    }

    /**
     * Writes {@link #INTERVALS} one-second intervals: interval k holds 400 latencies of
     * {@code (k + 1) * scale} ms and one of {@code 10 * (k + 1) * scale} ms; interval 2 holds none.
     */
    private static Path writeLog(final Path file, final int scale) throws Exception
    {
        try (PrintStream stream = new PrintStream(Files.newOutputStream(file)))
        {
            final HistogramLogWriter writer = new HistogramLogWriter(stream);
            final long startMs = 1_700_000_000_000L;
            writer.outputLogFormatVersion();
            writer.outputStartTime(startMs);
            writer.outputBaseTime(startMs);
            writer.setBaseTime(startMs);
            writer.outputLegend();
            for (int k = 0; k < INTERVALS; k++)
            {
                final Histogram interval = new Histogram(60_000 * MS, 3);
                if (k != 2)
                {
                    interval.recordValueWithCount((k + 1) * scale * MS, 400);
                    interval.recordValue(10L * (k + 1) * scale * MS);
                }
                interval.setStartTimeStamp(startMs + k * 1_000L);
                interval.setEndTimeStamp(startMs + (k + 1) * 1_000L);
                writer.outputIntervalHistogram(interval);
            }
        }
        return file;
    }

    private static Document parse(final Path svg) throws Exception
    {
        final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        final Document document = factory.newDocumentBuilder().parse(svg.toFile());
        assertThat(document.getDocumentElement().getLocalName()).isEqualTo("svg");
        assertThat(document.getDocumentElement().getNamespaceURI()).isEqualTo(SVG_NS);
        assertThat(document.getDocumentElement().getAttribute("width")).isEqualTo("900");
        assertThat(document.getDocumentElement().getAttribute("height")).isEqualTo("500");
        return document;
    }

    private static List<String> texts(final Document document)
    {
        final NodeList nodes = document.getElementsByTagNameNS(SVG_NS, "text");
        final List<String> texts = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++)
        {
            texts.add(nodes.item(i).getTextContent());
        }
        return texts;
    }

    /** @return each polyline's points by its title. */
    private static Map<String, List<double[]>> series(final Document document)
    {
        final NodeList nodes = document.getElementsByTagNameNS(SVG_NS, "polyline");
        final Map<String, List<double[]>> series = new LinkedHashMap<>();
        for (int i = 0; i < nodes.getLength(); i++)
        {
            final Element polyline = (Element)nodes.item(i);
            final String name = polyline.getElementsByTagNameNS(SVG_NS, "title").item(0).getTextContent();
            final List<double[]> points = new ArrayList<>();
            for (final String point : polyline.getAttribute("points").split(" "))
            {
                final String[] xy = point.split(",");
                points.add(new double[] {Double.parseDouble(xy[0]), Double.parseDouble(xy[1])});
            }
            assertThat(series.put(name, points)).as("one line per name: " + name).isNull();
        }
        return series;
    }

    private static void assertIncreasing(final List<double[]> curve)
    {
        for (int i = 1; i < curve.size(); i++)
        {
            assertThat(curve.get(i)[0]).isGreaterThanOrEqualTo(curve.get(i - 1)[0]);
            assertThat(curve.get(i)[1]).as("latency never falls as the percentile rises").isLessThanOrEqualTo(curve.get(i - 1)[1]);
        }
    }
}
