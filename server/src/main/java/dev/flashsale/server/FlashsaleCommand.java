package dev.flashsale.server;

import dev.flashsale.journal.DataDirectoryInUseException;
import dev.flashsale.server.cluster.ClusterDemoCommand;
import dev.flashsale.server.demo.DemoCommand;
import dev.flashsale.server.export.ExportCommand;
import dev.flashsale.server.load.HelloCommand;
import dev.flashsale.server.load.LoadgenCommand;
import dev.flashsale.server.load.ReferenceCommand;
import dev.flashsale.server.node.RunCommand;
import dev.flashsale.server.node.TokenCommand;
import dev.flashsale.server.plot.PlotCommand;
import dev.flashsale.server.tools.JournalCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * The {@code flashsale} command: one entry point for every process and tool. Exit codes: 0 done,
 * 1 failed (an invariant, an error at run time), 2 bad usage or configuration (a data directory
 * another node holds is one: two nodes configured on one directory).
 */
@Command(
    name = "flashsale",
    mixinStandardHelpOptions = true,
    versionProvider = FlashsaleCommand.Version.class,
    description = "Low-latency flash-sale core: reserve, confirm and cancel stock under a burst, never oversell.",
    subcommands = {RunCommand.class, TokenCommand.class, DemoCommand.class, ClusterDemoCommand.class, LoadgenCommand.class,
        HelloCommand.class, ReferenceCommand.class, PlotCommand.class, JournalCommand.class, ExportCommand.class,
        CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        " 0:done",
        " 1:failed: an invariant did not hold, a journal is damaged, or an error stopped the run",
        " 2:bad usage or bad configuration, including a data directory another node holds"})
public final class FlashsaleCommand implements Runnable
{
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required, e.g. 'flashsale demo'");
    }

    public static void main(final String[] args)
    {
        // Before any Chronicle class loads: java -jar cannot take system properties from the manifest.
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code. */
    public static int execute(final String... args)
    {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the command line with the given output and error streams (for tests). */
    public static int execute(final PrintWriter out, final PrintWriter err, final String... args)
    {
        final CommandLine commandLine = new CommandLine(new FlashsaleCommand());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExitCodeExceptionMapper(ex ->
            ex instanceof CommandLine.ParameterException || ex instanceof IllegalArgumentException ||
                ex instanceof DataDirectoryInUseException ? EXIT_USAGE : EXIT_FAILED);
        // A journal that cannot be used (locked, foreign, damaged) is an operating error: a message, no stack trace.
        commandLine.setExecutionExceptionHandler((ex, cmd, parseResult) ->
        {
            cmd.getErr().println(cmd.getColorScheme().errorText("flashsale: " + ex.getMessage()));
            if (!(ex instanceof IllegalArgumentException || ex instanceof CommandLine.ParameterException ||
                ex instanceof dev.flashsale.journal.JournalException))
            {
                ex.printStackTrace(cmd.getErr());
            }
            return cmd.getExitCodeExceptionMapper().getExitCode(ex);
        });
        return commandLine.execute(args);
    }

    /** The version from the jar manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider
    {
        @Override
        public String[] getVersion()
        {
            final String version = FlashsaleCommand.class.getPackage().getImplementationVersion();
            return new String[] {"flashsale " + (version != null ? version : "development build"),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
