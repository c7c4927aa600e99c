package dev.flashsale.replication;

import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A test's cluster client: sends one command at a time with a fresh correlation id and waits for
 * its answer, resending the same bytes when none comes (during a failover the client's offers can be
 * lost, ../shared/STACK.md), reconnecting if its session is gone.
 */
final class ClusterTestClient implements AutoCloseable, EgressListener
{
    private static final long RESEND_AFTER_NS = TimeUnit.MILLISECONDS.toNanos(1_000);

    private final MediaDriver driver;
    private final AeronCluster.Context context;
    private final UnsafeBuffer ingress = new UnsafeBuffer(new byte[ClusterMessageDescriptor.MAX_INGRESS_LENGTH]);
    private final BackoffIdleStrategy idle = new BackoffIdleStrategy(10, 20, 1_000, 1_000_000);
    private AeronCluster cluster;
    private long nextCorrelationId;
    private long awaited;
    private UnsafeBuffer answer;
    int resends;

    ClusterTestClient(final Path directory, final String ingressEndpoints)
    {
        driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(directory.resolve("client-driver").toString())
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy(10, 20, 1_000, 1_000_000))
            .termBufferSparseFile(true)
            .publicationTermBufferLength(1 << 20)
            .ipcTermBufferLength(1 << 20));
        context = new AeronCluster.Context()
            .aeronDirectoryName(driver.aeronDirectoryName())
            .ingressChannel("aeron:udp?term-length=128k")
            .ingressEndpoints(ingressEndpoints)
            .egressChannel("aeron:udp?endpoint=localhost:0")
            .egressListener(this);
    }

    /**
     * Sends a command until its answer arrives.
     *
     * @return the answer: an SBE result, header included, at offset 0.
     */
    DirectBuffer request(final DirectBuffer command, final int length, final long timeoutMs)
    {
        final long correlationId = ++nextCorrelationId;
        ingress.putLong(ClusterMessageDescriptor.CORRELATION_ID_OFFSET, correlationId, ByteOrder.LITTLE_ENDIAN);
        ingress.putBytes(ClusterMessageDescriptor.MESSAGE_OFFSET, command, 0, length);
        awaited = correlationId;
        answer = null;
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() - deadlineNs < 0)
        {
            connect(deadlineNs);
            if (cluster.offer(ingress, 0, ClusterMessageDescriptor.MESSAGE_OFFSET + length) < 0)
            {
                cluster.pollEgress();
                idle.idle();
                continue;
            }
            final long resendAtNs = System.nanoTime() + RESEND_AFTER_NS;
            while (answer == null && System.nanoTime() - resendAtNs < 0 && !cluster.isClosed())
            {
                idle.idle(cluster.pollEgress());
            }
            if (answer != null)
            {
                return answer;
            }
            resends++;
        }
        throw new AssertionError("no answer to correlation id " + correlationId + " within " + timeoutMs + " ms");
    }

    private void connect(final long deadlineNs)
    {
        while (cluster == null || cluster.isClosed())
        {
            CloseHelper.quietClose(cluster);
            cluster = null;
            try
            {
                cluster = AeronCluster.connect(context.clone());
            }
            catch (final RuntimeException ex)
            {
                if (System.nanoTime() - deadlineNs >= 0)
                {
                    throw ex;
                }
            }
        }
    }

    @Override
    public void onMessage(
        final long clusterSessionId,
        final long timestamp,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final Header header)
    {
        final long correlationId =
            buffer.getLong(offset + ClusterMessageDescriptor.CORRELATION_ID_OFFSET, ByteOrder.LITTLE_ENDIAN);
        if (correlationId == awaited && answer == null)
        {
            final byte[] copy = new byte[length - ClusterMessageDescriptor.MESSAGE_OFFSET];
            buffer.getBytes(offset + ClusterMessageDescriptor.MESSAGE_OFFSET, copy);
            answer = new UnsafeBuffer(copy);
        }
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(cluster, driver);
    }
}
