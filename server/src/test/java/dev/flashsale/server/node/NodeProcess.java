package dev.flashsale.server.node;

import dev.flashsale.replication.ClusterNode;
import dev.flashsale.server.FlashsaleCommand;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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

    /**
     * @return {@code java <launcher flags> <StandaloneNode.JVM_OPTIONS> -Xmx512m -cp <classpath> FlashsaleCommand run
     * --data-dir DIR --port PORT}: as production starts a node.
     */
    static List<String> command(final Path dataDirectory, final int port)
    {
        final List<String> command = flashsale("run", "--data-dir", dataDirectory.toString(), "--port", Integer.toString(port));
        command.addAll(1, StandaloneNode.JVM_OPTIONS);
        return command;
    }

    /** @return {@code java <launcher flags> -Xmx512m -cp <classpath> FlashsaleCommand <arguments>}: any command. */
    static List<String> flashsale(final String... arguments)
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
        command.addAll(List.of("-Xmx512m", "-cp", System.getProperty("java.class.path"), FlashsaleCommand.class.getName()));
        command.addAll(List.of(arguments));
        return command;
    }

    /** @return {@link #command} with the JVM options a cluster member runs with instead of a standalone node's ({@link ClusterNode#JVM_OPTIONS}). */
    static List<String> memberCommand(final Path dataDirectory, final int port)
    {
        final List<String> command = flashsale("run", "--data-dir", dataDirectory.toString(), "--port", Integer.toString(port));
        command.addAll(1, ClusterNode.JVM_OPTIONS);
        return command;
    }

    /**
     * Waits until the process answers 200 on {@code /health/ready} at {@code 127.0.0.1:port}.
     *
     * @param log where the process writes its log: quoted if it exits or never gets ready.
     * @throws AssertionError if it exits first or is not ready within {@code timeout}; it is then killed.
     */
    static void awaitReady(final Process child, final int port, final Path log, final Duration timeout) throws Exception
    {
        final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        final HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
            .timeout(Duration.ofSeconds(1)).build();
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline)
        {
            if (!child.isAlive())
            {
                throw new AssertionError("the node exited (" + child.exitValue() + "): " + Files.readString(log));
            }
            try
            {
                if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200)
                {
                    return;
                }
            }
            catch (final IOException ex)
            {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        child.destroyForcibly();
        throw new AssertionError("the node did not become ready in " + timeout + ": " + Files.readString(log));
    }
}
