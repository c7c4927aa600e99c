package dev.flashsale.bench;

import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The entry point of {@code benchmarks.jar}: JMH's command line, plus the JVM flags Agrona and
 * Chronicle need, appended to every fork (forks do not read the jar manifest); or, with
 * {@code memory} as the first argument, {@link MemoryBudget}; with {@code recovery}, {@link RecoveryBudget} (which
 * starts itself again with {@code recover <directory>} for each recovery it times). The flags come from
 * the parent pom's one list, filtered into {@code flashsale-jvm.flags} at build time. The forks
 * also get a fixed 2 GB heap so runs compare.
 */
public final class BenchmarkMain
{
    private static final List<String> HEAP = List.of("-Xms2g", "-Xmx2g");

    private BenchmarkMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        applySystemProperties(); // the in-process tools load Chronicle in this JVM
        if (args.length > 0 && args[0].equals("memory"))
        {
            MemoryBudget.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("recovery"))
        {
            RecoveryBudget.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length == 2 && args[0].equals("recover"))
        {
            RecoveryBudget.recoverOnce(Path.of(args[1]));
            return;
        }
        final CommandLineOptions commandLine;
        try
        {
            commandLine = new CommandLineOptions(args);
        }
        catch (final CommandLineOptionException ex)
        {
            System.err.println("Error parsing command line: " + ex.getMessage());
            System.exit(2);
            return;
        }
        if (commandLine.shouldHelp() || commandLine.shouldList() || commandLine.shouldListProfilers() ||
            commandLine.shouldListResultFormats() || commandLine.shouldListWithParams())
        {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        final List<String> jvmArgs = new ArrayList<>(houseFlags());
        jvmArgs.addAll(HEAP);
        if (commandLine.getJvmArgsAppend().hasValue())
        {
            jvmArgs.addAll(commandLine.getJvmArgsAppend().get());
        }
        final ChainedOptionsBuilder options = new OptionsBuilder().parent(commandLine)
            .jvmArgsAppend(jvmArgs.toArray(new String[0]));
        new Runner(options.build()).run();
    }

    /** Sets this JVM's system properties from the house flags' {@code -Dkey=value} entries. */
    private static void applySystemProperties() throws IOException
    {
        for (final String flag : houseFlags())
        {
            final int equals = flag.indexOf('=');
            if (flag.startsWith("-D") && equals > 2)
            {
                System.setProperty(flag.substring(2, equals), flag.substring(equals + 1));
            }
        }
    }

    static List<String> houseFlags() throws IOException
    {
        try (InputStream in = BenchmarkMain.class.getResourceAsStream("/flashsale-jvm.flags"))
        {
            if (in == null)
            {
                throw new IOException("flashsale-jvm.flags missing from the class path: build with ./mvnw");
            }
            final String flags = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            return Arrays.stream(flags.split("\\s+")).filter(f -> !f.isEmpty()).toList();
        }
    }
}
