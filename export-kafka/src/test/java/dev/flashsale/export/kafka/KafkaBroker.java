package dev.flashsale.export.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real Kafka broker for the tests: one KRaft node (broker and controller in one process, node 1)
 * run from Kafka's own jars on the test class path, in a child JVM so a test can stop and restart
 * it; {@link #joining} adds a broker-only node to its cluster. Its storage is formatted once
 * (Kafka's StorageTool, as {@code kafka-storage format}) and kept across restarts; its ports come
 * from 24000-24999 (a restart must find it at the same address). The transaction coordinator logs
 * at INFO, so a failing test's {@code broker.log} says what it did with every transaction it
 * finished after a restart.
 */
final class KafkaBroker implements AutoCloseable
{
    private final Path directory;
    private final Path properties;
    private final Path log;
    private final int nodeId;
    private final int port;
    private final int controllerPort;
    private final String clusterId;
    private Process process;

    /** Node 1 of a new cluster: broker and controller. */
    KafkaBroker(final Path directory) throws Exception
    {
        this(directory, 1, -1, Uuid.randomUuid().toString());
    }

    /** @return a broker-only node ({@code nodeId} > 1) of {@code controller}'s cluster, formatted, not started. */
    static KafkaBroker joining(final Path directory, final KafkaBroker controller, final int nodeId) throws Exception
    {
        return new KafkaBroker(directory, nodeId, controller.controllerPort, controller.clusterId);
    }

    private KafkaBroker(final Path directory, final int nodeId, final int controllerOf, final String clusterId) throws Exception
    {
        this.directory = directory;
        this.nodeId = nodeId;
        this.clusterId = clusterId;
        this.port = freePort(controllerOf);
        this.controllerPort = controllerOf < 0 ? freePort(port) : controllerOf;
        this.properties = directory.resolve("server.properties");
        this.log = directory.resolve("broker.log");
        final Map<String, String> config = new java.util.LinkedHashMap<>();
        config.put("process.roles", controllerOf < 0 ? "broker,controller" : "broker");
        config.put("node.id", Integer.toString(nodeId));
        config.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        config.put("listeners", "PLAINTEXT://127.0.0.1:" + port +
            (controllerOf < 0 ? ",CONTROLLER://127.0.0.1:" + controllerPort : ""));
        config.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.put("log.dirs", directory.resolve("data").toString());
        config.put("num.partitions", "1");
        config.put("auto.create.topics.enable", "false");
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("transaction.state.log.num.partitions", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("log.segment.bytes", Integer.toString(1024 * 1024));
        config.put("num.network.threads", "2");
        config.put("num.io.threads", "2");
        config.put("background.threads", "2");
        config.put("log.cleaner.threads", "1");
        final StringBuilder text = new StringBuilder();
        config.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        Files.writeString(properties, text);
        final Process format = new ProcessBuilder(javaCommand("kafka.tools.StorageTool", "format", "-t",
            clusterId, "-c", properties.toString())).redirectErrorStream(true)
            .redirectOutput(directory.resolve("format.log").toFile()).start();
        if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0)
        {
            format.destroyForcibly();
            throw new IllegalStateException("kafka-storage format failed: " + Files.readString(directory.resolve("format.log")));
        }
    }

    String bootstrap()
    {
        return "127.0.0.1:" + port;
    }

    int nodeId()
    {
        return nodeId;
    }

    /** @return the directory of a partition's log on this node. */
    Path partitionDirectory(final String topic, final int partition)
    {
        return directory.resolve("data").resolve(topic + "-" + partition);
    }

    /** Starts the broker and waits until it answers and the cluster counts it. */
    void start() throws Exception
    {
        process = new ProcessBuilder(javaCommand("kafka.Kafka", properties.toString())).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        final java.util.Properties client = new java.util.Properties();
        client.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        client.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        client.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        while (true)
        {
            if (!process.isAlive())
            {
                throw new IllegalStateException("the broker exited with " + process.exitValue() + ": " + tail());
            }
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("the broker did not answer within 90 s: " + tail());
            }
            if (listening())
            {
                try (Admin admin = Admin.create(client))
                {
                    if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).stream().anyMatch(n -> n.id() == nodeId))
                    {
                        return;
                    }
                }
                catch (final Exception notYet)
                {
                    // starting
                }
            }
            Thread.sleep(200);
        }
    }

    /** Starts the broker if a test left it stopped. */
    void ensureRunning() throws Exception
    {
        if (process == null || !process.isAlive())
        {
            start();
        }
    }

    /** Stops the broker: SIGTERM (a clean shutdown) or kill -9. */
    void stop(final boolean kill) throws InterruptedException
    {
        if (process == null)
        {
            return;
        }
        if (kill)
        {
            process.destroyForcibly();
        }
        else
        {
            process.destroy();
        }
        if (!process.waitFor(60, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        process = null;
    }

    String tail()
    {
        try
        {
            final List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        }
        catch (final IOException ex)
        {
            return "(no log: " + ex + ")";
        }
    }

    @Override
    public void close()
    {
        try
        {
            stop(true);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private boolean listening()
    {
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    private List<String> javaCommand(final String mainClass, final String... args)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Dorg.slf4j.simpleLogger.log.kafka.coordinator.transaction=info",
            "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return command;
    }

    /** A port of 24000-24999 free now (the task's range), other than {@code not}. */
    static int freePort(final int not)
    {
        for (int attempt = 0; attempt < 200; attempt++)
        {
            final int candidate = 24_000 + ThreadLocalRandom.current().nextInt(1_000);
            if (candidate == not)
            {
                continue;
            }
            try (ServerSocket socket = new ServerSocket())
            {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress("127.0.0.1", candidate));
                return candidate;
            }
            catch (final IOException taken)
            {
                // try another
            }
        }
        throw new IllegalStateException("no free port in 24000-24999");
    }
}
