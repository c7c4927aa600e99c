package dev.flashsale.gateway.loadgen;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.util.concurrent.EventExecutor;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/1.1 load generator for the gateway (and the {@link HelloServer}): keep-alive Netty
 * connections, each with at most one request in flight, closed loop or open loop at a fixed rate
 * with latency measured from each request's intended start (coordinated omission corrected, as in
 * wrk2). A run: create the SKUs (optional), connect, warm up, measure, wait a grace period for the
 * answers in flight, close. It never blocks an event loop, and ends at most
 * {@value LoadPlan#GRACE_SECONDS} s after the measured window however the server behaves.
 */
public final class LoadGenerator
{
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final int MAX_RESPONSE_BYTES = 1 << 20;
    /** One interval of the {@code .hlog} a second. */
    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * Runs the load described by the options, on threads named {@code flashsale-loadgen-*} that are
     * shut down before it returns; writes the latency distribution to {@link LoadOptions#hgrmFile()} and the
     * per-second interval log to {@link LoadOptions#hlogFile()} if set.
     *
     * @return what was measured.
     * @throws IllegalArgumentException naming a bad option.
     * @throws IllegalStateException    if the host cannot be resolved, no connection can be opened, the
     *                                  setup of a SKU is not answered 200, or the caller is interrupted.
     * @throws UncheckedIOException     if the histogram file or the interval log cannot be written.
     */
    public LoadReport run(final LoadOptions options)
    {
        options.validate();
        final InetSocketAddress address = new InetSocketAddress(options.host(), options.port());
        if (address.isUnresolved())
        {
            throw new IllegalStateException("cannot resolve " + options.host());
        }
        final LoadPlan plan = new LoadPlan(options, System.currentTimeMillis());
        final long highestTrackableNanos = TimeUnit.SECONDS.toNanos(
            Math.max(60, options.warmupSeconds() + options.durationSeconds() + LoadPlan.GRACE_SECONDS));
        final LoopState[] loops = new LoopState[options.ioThreads()];
        for (int i = 0; i < loops.length; i++)
        {
            loops[i] = new LoopState(highestTrackableNanos, options.hlogFile() != null);
        }
        try (LatencyIntervalLog intervalLog = options.hlogFile() == null ? null :
            LatencyIntervalLog.create(options.hlogFile(), loops, highestTrackableNanos, LoadReport.describe(options)))
        {
            return load(options, address, plan, loops, highestTrackableNanos, intervalLog);
        }
    }

    private static LoadReport load(final LoadOptions options, final InetSocketAddress address, final LoadPlan plan,
        final LoopState[] loops, final long highestTrackableNanos, final LatencyIntervalLog intervalLog)
    {
        final EventLoopGroup group = Transport.group(options.ioThreads(), "flashsale-loadgen");
        final Measured measured;
        final boolean terminated;
        try
        {
            final Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(Transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS);
            if (options.setup() && plan.scenario != LoadOptions.Scenario.HELLO)
            {
                createSkus(bootstrap, address, plan, options);
            }
            final List<EventLoop> eventLoops = new ArrayList<>(loops.length);
            for (final EventExecutor executor : group)
            {
                eventLoops.add((EventLoop)executor);
            }
            measured = measure(bootstrap, eventLoops, address, plan, options, loops, intervalLog);
        }
        finally
        {
            terminated = group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
        if (!terminated)
        {
            throw new IllegalStateException("the load generator's event loops did not stop within 10 s");
        }
        if (intervalLog != null)
        {
            intervalLog.roll(System.nanoTime()); // the last interval: nothing is recorded any more
        }
        final LoadReport report = report(options, loops, measured, highestTrackableNanos);
        if (options.hgrmFile() != null)
        {
            try
            {
                report.writeHgrm(options.hgrmFile());
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot write " + options.hgrmFile() + ": " + ex, ex);
            }
        }
        return report;
    }

    private static void createSkus(final Bootstrap bootstrap, final InetSocketAddress address, final LoadPlan plan,
        final LoadOptions options)
    {
        final SkuSetup setup = new SkuSetup();
        final ChannelFuture connect = bootstrap.clone().handler(pipeline(setup, true)).connect(address);
        if (!connect.awaitUninterruptibly(CONNECT_TIMEOUT_MILLIS + 1_000) || !connect.isSuccess())
        {
            connect.channel().close();
            throw new IllegalStateException("setup: cannot connect to " + plan.hostHeader + ": " + connect.cause(),
                connect.cause());
        }
        try
        {
            setup.createSkus(connect.channel(), plan, options);
        }
        finally
        {
            connect.channel().close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Connects, runs the warm-up and the measured window, then closes every connection; rolls the
     * interval log (if any) meanwhile. With a server pid, samples its CPU when the window opens and
     * when the last connection is done.
     *
     * @return the connections that could not be opened, and the server's CPU in the window.
     */
    private static Measured measure(final Bootstrap bootstrap, final List<EventLoop> eventLoops,
        final InetSocketAddress address, final LoadPlan plan, final LoadOptions options, final LoopState[] loops,
        final LatencyIntervalLog intervalLog)
    {
        final int n = options.connections();
        final LoadConnection[] connections = new LoadConnection[n];
        final ChannelFuture[] connects = new ChannelFuture[n];
        final SplittableRandom seeds = new SplittableRandom(options.seed());
        final CountDownLatch finished = new CountDownLatch(n);
        for (int i = 0; i < n; i++)
        {
            final int loop = i % loops.length;
            connections[i] = new LoadConnection(i, plan, loops[loop], seeds.split(), finished);
            connects[i] = bootstrap.clone(eventLoops.get(loop)).handler(pipeline(connections[i], false)).connect(address);
        }
        final List<Channel> channels = new ArrayList<>(n);
        final List<LoadConnection> open = new ArrayList<>(n);
        String firstFailure = null;
        for (int i = 0; i < n; i++)
        {
            final ChannelFuture connect = connects[i];
            if (connect.awaitUninterruptibly(CONNECT_TIMEOUT_MILLIS + 1_000) && connect.isSuccess())
            {
                channels.add(connect.channel());
                open.add(connections[i]);
                continue;
            }
            connect.channel().close();
            finished.countDown();
            if (firstFailure == null)
            {
                firstFailure = "could not connect to " + plan.hostHeader + ": " +
                    (connect.cause() == null ? "no answer within " + CONNECT_TIMEOUT_MILLIS + " ms" : connect.cause());
            }
        }
        if (open.isEmpty())
        {
            throw new IllegalStateException(firstFailure);
        }
        final long t0 = System.nanoTime();
        final long measureStart = t0 + TimeUnit.SECONDS.toNanos(options.warmupSeconds());
        final long measureEnd = measureStart + TimeUnit.SECONDS.toNanos(options.durationSeconds());
        if (intervalLog != null)
        {
            intervalLog.start(measureStart, System.nanoTime(), System.currentTimeMillis());
        }
        for (int i = 0; i < open.size(); i++)
        {
            final LoadConnection connection = open.get(i);
            channels.get(i).eventLoop().execute(() -> connection.start(t0, measureStart, measureEnd));
        }
        boolean interrupted = false;
        ServerCpu.Sample cpuBefore = null;
        ServerCpu.Sample cpuAfter = null;
        try
        {
            if (options.serverPid() > 0)
            {
                finished.await(measureStart - System.nanoTime(), TimeUnit.NANOSECONDS);
                cpuBefore = ServerCpu.sample(options.serverPid());
            }
            awaitFinished(finished, measureStart, measureEnd, measureEnd + TimeUnit.SECONDS.toNanos(LoadPlan.GRACE_SECONDS),
                intervalLog);
            if (options.serverPid() > 0)
            {
                cpuAfter = ServerCpu.sample(options.serverPid());
            }
        }
        catch (final InterruptedException ex)
        {
            interrupted = true;
        }
        for (int i = 0; i < open.size(); i++)
        {
            channels.get(i).eventLoop().execute(open.get(i)::stop);
        }
        for (final Channel channel : channels)
        {
            channel.closeFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the load run was interrupted");
        }
        return new Measured(new ConnectFailures(n - open.size(), firstFailure),
            ServerCpu.between(options.serverPid(), cpuBefore, cpuAfter));
    }

    /**
     * Waits until every connection finished, or the deadline. With an interval log, wakes at each
     * second from the window's start to roll it, except at the window's end: the answers still in
     * flight then belong with the window's last second (see {@link LatencyIntervalLog}).
     */
    private static void awaitFinished(final CountDownLatch finished, final long measureStart, final long measureEnd,
        final long deadline, final LatencyIntervalLog intervalLog) throws InterruptedException
    {
        if (intervalLog == null)
        {
            finished.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            return;
        }
        long boundary = measureStart;
        while (true)
        {
            boundary += INTERVAL_NANOS;
            if (boundary == measureEnd)
            {
                boundary += INTERVAL_NANOS;
            }
            final long wakeUp = Math.min(boundary, deadline);
            if (finished.await(wakeUp - System.nanoTime(), TimeUnit.NANOSECONDS) || wakeUp == deadline)
            {
                return;
            }
            intervalLog.roll(System.nanoTime());
        }
    }

    /**
     * The pipeline of a client connection. A load connection writes each request as bytes it encodes
     * itself ({@link RequestBytes}) and reads each answer whole from the bytes ({@link AnswerDecoder}):
     * Netty's request and response objects, their encoder, decoder and aggregator cost the load
     * generator CPU that, on a machine it shares with the server, comes out of the server's share. The
     * SKU set-up ({@code requestEncoder}) writes Netty's request objects and reads its full responses.
     */
    private static ChannelInitializer<SocketChannel> pipeline(final ChannelHandler handler, final boolean requestEncoder)
    {
        return new ChannelInitializer<>()
        {
            @Override
            protected void initChannel(final SocketChannel channel)
            {
                if (requestEncoder)
                {
                    channel.pipeline()
                        .addLast("decoder", new HttpResponseDecoder())
                        .addLast("encoder", new HttpRequestEncoder())
                        .addLast("aggregator", new HttpObjectAggregator(MAX_RESPONSE_BYTES));
                }
                else
                {
                    channel.pipeline().addLast("decoder", new AnswerDecoder(MAX_RESPONSE_BYTES));
                }
                channel.pipeline().addLast("load", handler);
            }
        };
    }

    /** Caller's thread, after the event loops terminated: merges what each loop measured. */
    private static LoadReport report(final LoadOptions options, final LoopState[] loops, final Measured measured,
        final long highestTrackableNanos)
    {
        final ConnectFailures connectFailures = measured.connectFailures();
        final Histogram latency = new Histogram(highestTrackableNanos, 3);
        final Histogram sentLate = new Histogram(highestTrackableNanos, 3);
        final long[][] answers = new long[RequestKind.values().length][LoopState.STATUS_LIMIT];
        long lost = 0;
        long exceptions = 0;
        long unanswered = 0;
        String firstFailure = connectFailures.first();
        for (final LoopState loop : loops)
        {
            latency.add(loop.latencyNanos);
            sentLate.add(loop.sentLateNanos);
            for (int kind = 0; kind < answers.length; kind++)
            {
                for (int status = 0; status < LoopState.STATUS_LIMIT; status++)
                {
                    answers[kind][status] += loop.answers[kind][status];
                }
            }
            lost += loop.connectionsLost;
            exceptions += loop.exceptions;
            unanswered += loop.unanswered;
            firstFailure = firstFailure == null ? loop.firstFailure : firstFailure;
        }
        return new LoadReport(options, Transport.name(), latency, sentLate, answers,
            new LoadReport.Failures(connectFailures.count(), lost, exceptions, unanswered, firstFailure), measured.serverCpu());
    }

    /** What a window measured besides the answers: failed connects, the server's CPU (null if not measured). */
    private record Measured(ConnectFailures connectFailures, ServerCpu.Usage serverCpu)
    {
    }

    /** Connections that could not be opened, and why the first one could not (null if none failed). */
    private record ConnectFailures(int count, String first)
    {
    }
}
