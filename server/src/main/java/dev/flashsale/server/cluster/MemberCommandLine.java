package dev.flashsale.server.cluster;

import dev.flashsale.replication.ClusterNode;
import dev.flashsale.server.FlashsaleCommand;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a member process: {@code flashsale run} started the way production starts it.
 * From the jar ({@code java -jar flashsale.jar cluster-demo}) it is {@code java -jar} on the same
 * jar, whose manifest carries the module flags; from classes (tests, an IDE) it is the same class
 * path with the module flags this JVM was given ({@code flashsale.jvm.flags}). Either way the only
 * other JVM options are those every member runs with in production ({@link ClusterNode#JVM_OPTIONS}, the
 * collector) and, when the demo's members are reached by name, the hosts file they resolve names with
 * ({@link MemberNames}): no heap size, no {@code -ea}, nothing that turns Chronicle's checks off.
 */
final class MemberCommandLine
{
    private MemberCommandLine()
    {
    }

    /**
     * @param jvmOptions more JVM options (the demo's hosts file when members are reached by name).
     * @return {@code java ... run --data-dir DIR --port PORT [--config FILE]}.
     */
    static List<String> command(final Path dataDirectory, final int httpPort, final Path configFile,
        final List<String> jvmOptions)
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        final String classPath = System.getProperty("java.class.path");
        final boolean fromJar = classPath.endsWith(".jar") && !classPath.contains(File.pathSeparator);
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            // the JDK 24+ flag is not in the manifest; from classes, the module flags are not either
            if (argument.startsWith("--sun-misc") || !fromJar && (argument.startsWith("--add-") ||
                argument.startsWith("--enable-native-access") || argument.startsWith("-Dchronicle")))
            {
                command.add(argument);
            }
        }
        command.addAll(ClusterNode.JVM_OPTIONS);
        command.addAll(jvmOptions);
        if (fromJar)
        {
            command.addAll(List.of("-jar", Path.of(classPath).toAbsolutePath().toString()));
        }
        else
        {
            command.addAll(List.of("-cp", classPath, FlashsaleCommand.class.getName()));
        }
        command.addAll(List.of("run", "--data-dir", dataDirectory.toAbsolutePath().toString(), "--port",
            Integer.toString(httpPort)));
        if (configFile != null)
        {
            command.addAll(List.of("--config", configFile.toAbsolutePath().toString()));
        }
        return command;
    }
}
