package dev.flashsale.server.node;

import dev.flashsale.server.FlashsaleCommand;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM that runs {@code flashsale} as {@code java -jar flashsale.jar}
 * would: the module flags the jar's manifest carries ({@code Add-Exports}, {@code Add-Opens},
 * {@code Enable-Native-Access}; the test JVM got the same from {@code flashsale.jvm.flags}), the
 * Chronicle properties {@code FlashsaleCommand} sets itself, and nothing else: no {@code -ea}, no
 * property that turns Chronicle's single-thread checks off. The classes come from the test
 * classpath, since the jar is packaged after the tests run.
 */
final class NodeProcess
{
    private NodeProcess()
    {
    }

    /** @return {@code java <launcher flags> -Xmx512m -cp <classpath> FlashsaleCommand <arguments>}. */
    static List<String> command(final Path dataDirectory, final int port)
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (argument.startsWith("--add-") || argument.startsWith("--enable-native-access") ||
                argument.startsWith("-Dchronicle") || argument.startsWith("--sun-misc"))
            {
                command.add(argument);
            }
        }
        command.addAll(List.of("-Xmx512m", "-cp", System.getProperty("java.class.path"), FlashsaleCommand.class.getName(),
            "run", "--data-dir", dataDirectory.toString(), "--port", Integer.toString(port)));
        return command;
    }
}
