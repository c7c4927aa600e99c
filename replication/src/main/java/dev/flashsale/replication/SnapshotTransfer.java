package dev.flashsale.replication;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.EngineConfig;
import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.cluster.client.ClusterException;
import io.aeron.logbuffer.FragmentHandler;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.io.DirectBufferInputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The engine's snapshot ({@code EngineSnapshot} bytes, with their own magic, state hash and CRC32C)
 * in an Aeron Cluster snapshot: written as a run of messages of at most the publication's max payload,
 * so none is fragmented, and read back by concatenating the image's messages up to its end of stream.
 * The service's state is the engine's state: nothing else goes into the snapshot.
 */
final class SnapshotTransfer
{
    private SnapshotTransfer()
    {
    }

    /** Writes the engine into the snapshot publication; on the service thread, in {@code onTakeSnapshot}. */
    static void write(final Engine engine, final ExclusivePublication publication, final IdleStrategy idle)
    {
        try (ChunkingStream out = new ChunkingStream(publication, idle))
        {
            engine.writeSnapshot(out);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write the engine snapshot into the cluster snapshot", ex);
        }
    }

    /** Reads an engine from a snapshot image; on the service thread, in {@code onStart}. */
    static Engine read(final EngineConfig config, final Image image, final IdleStrategy idle)
    {
        final ExpandableArrayBuffer bytes = new ExpandableArrayBuffer(1 << 20);
        final int[] length = new int[1];
        final FragmentHandler handler = (buffer, offset, fragmentLength, header) ->
        {
            bytes.putBytes(length[0], buffer, offset, fragmentLength);
            length[0] += fragmentLength;
        };
        idle.reset();
        while (!image.isEndOfStream())
        {
            final int fragments = image.poll(handler, 64);
            if (fragments == 0 && image.isClosed() && !image.isEndOfStream())
            {
                throw new ClusterException("the snapshot image closed before its end: the snapshot is incomplete");
            }
            idle.idle(fragments);
        }
        try
        {
            return Engine.readSnapshot(config, new DirectBufferInputStream(bytes, 0, length[0]));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read the engine snapshot from the cluster snapshot", ex);
        }
    }

    /** Gathers written bytes into messages of the publication's max payload and offers each, waiting out back pressure. */
    private static final class ChunkingStream extends OutputStream
    {
        private final ExclusivePublication publication;
        private final IdleStrategy idle;
        private final UnsafeBuffer chunk;
        private int position;

        ChunkingStream(final ExclusivePublication publication, final IdleStrategy idle)
        {
            this.publication = publication;
            this.idle = idle;
            this.chunk = new UnsafeBuffer(new byte[publication.maxPayloadLength()]);
        }

        @Override
        public void write(final int value) throws IOException
        {
            if (position == chunk.capacity())
            {
                offerChunk();
            }
            chunk.putByte(position++, (byte)value);
        }

        @Override
        public void write(final byte[] source, final int offset, final int length) throws IOException
        {
            int written = 0;
            while (written < length)
            {
                if (position == chunk.capacity())
                {
                    offerChunk();
                }
                final int count = Math.min(length - written, chunk.capacity() - position);
                chunk.putBytes(position, source, offset + written, count);
                position += count;
                written += count;
            }
        }

        @Override
        public void flush() throws IOException
        {
            if (position > 0)
            {
                offerChunk();
            }
        }

        @Override
        public void close() throws IOException
        {
            flush();
        }

        private void offerChunk() throws IOException
        {
            idle.reset();
            while (true)
            {
                final long result = publication.offer(chunk, 0, position);
                if (result > 0)
                {
                    position = 0;
                    return;
                }
                if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED)
                {
                    throw new IOException("snapshot publication refused a chunk: " + Publication.errorString(result));
                }
                idle.idle(); // back pressure, admin action or not yet connected to the archive's recording
            }
        }
    }
}
