package dev.flashsale.server.plot;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code flashsale plot}: draws the latency of one or more load runs from their interval logs, as SVG. */
@Command(
    name = "plot",
    mixinStandardHelpOptions = true,
    header = "Draw latency plots (SVG) from HdrHistogram interval logs such as 'flashsale loadgen --hlog' writes.",
    description = {
        "Writes two SVG files: PREFIX-percentiles.svg, the percentile distribution",
        "of each whole log (latency in ms against 50%%, 90%%, 99%%, 99.9%%...), and",
        "PREFIX-timeline.svg, latency over time (p50, p99, p99.9 and max of each",
        "interval) above the values per second. Several logs are overlaid with a",
        "legend, e.g. hello.hlog node.hlog. Values are read as nanoseconds.",
        "PREFIX is the first log's path without .hlog (the logs' names joined by",
        "-vs- for several); --out DIR/ writes into DIR, --out PATH uses PATH as the",
        "prefix. Prints the paths written; a missing, unreadable or empty log is a",
        "usage error (exit 2)."})
public final class PlotCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE.hlog", description = "Interval logs, at most " + Palette.MAX_FILES + ".")
    private List<Path> files;

    @Option(names = "--out", paramLabel = "DIR-or-PREFIX",
        description = "A directory (existing, or ending with /) to write into, or the prefix of the two file names.")
    private String out;

    @Option(names = "--title", paramLabel = "TITLE", description = "Heading of both plots (default: the logs' names).")
    private String title;

    @Override
    public Integer call()
    {
        if (files.size() > Palette.MAX_FILES)
        {
            throw new IllegalArgumentException("plot: at most " + Palette.MAX_FILES + " logs at once, not " + files.size());
        }
        final List<LatencyLog> logs = new ArrayList<>(files.size());
        final List<String> labels = new ArrayList<>(files.size());
        for (final Path file : files)
        {
            final LatencyLog log = LatencyLog.read(file);
            logs.add(log);
            labels.add(log.label());
        }
        final String heading = title != null ? title : "Latency of " + String.join(" vs ", labels);
        final Path prefix = prefix(out, files.get(0), String.join("-vs-", labels));
        final Path percentiles = prefix.resolveSibling(prefix.getFileName() + "-percentiles.svg");
        final Path timeline = prefix.resolveSibling(prefix.getFileName() + "-timeline.svg");
        final PrintWriter stdout = spec.commandLine().getOut();
        try
        {
            if (prefix.getParent() != null)
            {
                Files.createDirectories(prefix.getParent());
            }
            Files.writeString(percentiles, PercentilePlot.render(logs, heading + ": percentile distribution"),
                StandardCharsets.UTF_8);
            stdout.println(percentiles);
            Files.writeString(timeline, TimelinePlot.render(logs, heading + ": latency over time"), StandardCharsets.UTF_8);
            stdout.println(timeline);
        }
        catch (final IOException ex)
        {
            spec.commandLine().getErr().println("flashsale plot: cannot write " + prefix + "-*.svg: " + ex);
            return 1;
        }
        finally
        {
            stdout.flush();
        }
        return 0;
    }

    /**
     * @return the path the two file names start with: {@code out} itself, or a file named
     * {@code base} in the directory {@code out} names, or beside the first log.
     */
    static Path prefix(final String out, final Path firstLog, final String base)
    {
        if (out == null)
        {
            return firstLog.resolveSibling(base);
        }
        if (out.isBlank())
        {
            throw new IllegalArgumentException("plot: --out must name a directory or a file prefix");
        }
        final Path path = Path.of(out);
        return out.endsWith("/") || out.endsWith(File.separator) || Files.isDirectory(path) ? path.resolve(base) : path;
    }
}
