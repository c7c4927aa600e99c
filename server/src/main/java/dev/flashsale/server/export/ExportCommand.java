package dev.flashsale.server.export;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code flashsale export ...}: publish a node's events to other systems. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = "Publish a node's events to other systems.",
    subcommands = {ExportKafkaCommand.class})
public final class ExportCommand implements Runnable
{
    @Spec
    private CommandSpec spec;

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "a target is required: kafka");
    }
}
