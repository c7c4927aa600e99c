package dev.flashsale.server.load;

import dev.flashsale.gateway.loadgen.HelloServer;
import dev.flashsale.server.LeakSampling;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code flashsale hello}: a plain Netty hello-world server, the ceiling the gateway is measured against. */
@Command(
    name = "hello",
    mixinStandardHelpOptions = true,
    header = "Serve a plain Netty hello world: the HTTP ceiling of this machine, for benchmarks.",
    description = {"Answers every request with 200 {\"hello\":\"world\"} until SIGTERM or SIGINT (docs/BENCHMARKS.md)."})
public final class HelloCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--bind-address", defaultValue = "127.0.0.1", description = "Default: ${DEFAULT-VALUE}.")
    private String bindAddress;

    @Option(names = "--port", defaultValue = "8081", description = "Default: ${DEFAULT-VALUE}.")
    private int port;

    @Option(names = "--io-threads", defaultValue = "1", description = "Default: ${DEFAULT-VALUE} (like gateway.io-threads).")
    private int ioThreads;

    @Override
    public Integer call() throws InterruptedException
    {
        LeakSampling.offUnlessAsked();
        final HelloServer server = new HelloServer(bindAddress, port, ioThreads);
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            server.close();
            stopped.countDown();
        }, "flashsale-hello-shutdown"));
        spec.commandLine().getOut().println("hello world on http://" + bindAddress + ":" + server.port() + " (" +
            server.transport() + ")");
        spec.commandLine().getOut().flush();
        stopped.await();
        return 0;
    }
}
