package dev.flashsale.journal;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.SnapshotException;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Snapshot files in {@code snapshots/}: {@code snapshot-<input sequence, 20 digits>.snap}.
 *
 * <pre>
 * long magic "FLSNAPFC"    int format (1)
 * long input sequence       long Chronicle index of that input in the input journal (-1 for none)
 * long engine time ms       long state hash       long written at (epoch ms, for people)
 * int  CRC32C of the fields above
 * the engine's own snapshot stream (Engine.writeSnapshot: configuration, state, hash, CRC32C)
 * </pre>
 *
 * Written atomically: a temporary file, fsync, rename, fsync of the directory; a crash leaves either
 * the old set or the new one, never a half file under a snapshot's name. The header's state hash is
 * the one the engine computes while writing its stream, put in place once the stream is written: one
 * walk over the state, not two (hashing 1.5 GB of tables was as long as writing them). Owner-only
 * ({@code rw-------}). Big-endian.
 */
public final class SnapshotStore
{
    static final long MAGIC = 0x464C534E41504643L; // "FLSNAPFC"
    static final int FORMAT = 1;
    /** The header: 52 bytes of fields and their CRC32C. */
    private static final int HEADER_LENGTH = 56;
    private static final Pattern NAME = Pattern.compile("snapshot-(\\d{20})\\.snap");

    private final Path directory;

    public SnapshotStore(final Path directory)
    {
        this.directory = directory;
    }

    /** A snapshot file's header. */
    public record Header(Path file, long inputSequence, long chronicleIndex, long engineTimeMs, long stateHash,
        long writtenAtMs)
    {
    }

    /** A snapshot read back and verified. */
    public record Loaded(Header header, Engine engine)
    {
    }

    /** @return snapshot files, newest (highest sequence) first; names only, nothing verified. */
    public List<Path> list()
    {
        if (!Files.isDirectory(directory))
        {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory))
        {
            final List<Path> snapshots = new ArrayList<>();
            files.filter(file -> NAME.matcher(file.getFileName().toString()).matches()).forEach(snapshots::add);
            snapshots.sort(Comparator.comparing((Path file) -> file.getFileName().toString()).reversed());
            return snapshots;
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot list snapshots in " + directory + ": " + ex, ex);
        }
    }

    /** @return the sequence a snapshot's name claims. */
    public static long sequenceOf(final Path file)
    {
        final Matcher matcher = NAME.matcher(file.getFileName().toString());
        if (!matcher.matches())
        {
            throw new IllegalArgumentException(file + " is not a snapshot file");
        }
        return Long.parseLong(matcher.group(1));
    }

    /** @return the file's header, ready to write: its fields and their CRC32C. */
    private static ByteBuffer header(final long sequence, final long chronicleIndex, final long engineTimeMs,
        final long stateHash, final long nowMs)
    {
        final ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH);
        header.putLong(MAGIC).putInt(FORMAT).putLong(sequence).putLong(chronicleIndex).putLong(engineTimeMs)
            .putLong(stateHash).putLong(nowMs);
        final CRC32C crc = new CRC32C();
        crc.update(header.array(), 0, header.position());
        header.putInt((int)crc.getValue());
        return header.flip();
    }

    /**
     * Writes a snapshot of {@code engine} atomically.
     *
     * @param chronicleIndex the input journal index of the engine's last input (-1 if none).
     * @return the file.
     */
    public Path write(final Engine engine, final long chronicleIndex, final long nowMs) throws IOException
    {
        final long sequence = engine.lastSequence();
        final Path target = directory.resolve(String.format("snapshot-%020d.snap", sequence));
        final Path temporary = directory.resolve("." + target.getFileName() + ".tmp");
        Files.deleteIfExists(temporary); // left by a write that died
        OwnerOnly.createFile(temporary);
        try (FileOutputStream file = new FileOutputStream(temporary.toFile());
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(file, 1 << 16)))
        {
            final long engineTimeMs = engine.engineTimeMs();
            out.write(header(sequence, chronicleIndex, engineTimeMs, 0, nowMs).array()); // its hash is not known yet
            final long stateHash = engine.writeSnapshot(out);
            out.flush();
            final ByteBuffer header = header(sequence, chronicleIndex, engineTimeMs, stateHash, nowMs);
            while (header.hasRemaining())
            {
                file.getChannel().write(header, header.position());
            }
            file.getChannel().force(true);
        }
        catch (final IOException | RuntimeException ex)
        {
            Files.deleteIfExists(temporary);
            throw ex;
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ))
        {
            dir.force(true);
        }
        return target;
    }

    /** Reads only the header of a snapshot file, checking its checksum. */
    public Header readHeader(final Path file) throws IOException
    {
        try (InputStream in = Files.newInputStream(file))
        {
            return readHeader(file, new DataInputStream(new BufferedInputStream(in, 256)));
        }
    }

    /**
     * Reads a snapshot and checks it: header checksum, the engine stream's own checksum and state
     * hash, and that the two agree.
     *
     * @throws SnapshotException if it is corrupt or of another configuration.
     */
    public Loaded load(final Path file, final EngineConfig config) throws IOException
    {
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16)))
        {
            final Header header = readHeader(file, in);
            final Engine engine = Engine.readSnapshot(config, in);
            if (engine.lastSequence() != header.inputSequence() || engine.stateHash() != header.stateHash())
            {
                throw new SnapshotException(file + ": the header says sequence " + header.inputSequence() + ", the state " +
                    engine.lastSequence());
            }
            return new Loaded(header, engine);
        }
    }

    /** Deletes all but the {@code keep} newest snapshots. */
    public void prune(final int keep) throws IOException
    {
        final List<Path> snapshots = list();
        for (int i = keep; i < snapshots.size(); i++)
        {
            Files.deleteIfExists(snapshots.get(i));
        }
    }

    private static Header readHeader(final Path file, final DataInputStream in) throws IOException
    {
        final byte[] fields = new byte[52];
        try
        {
            in.readFully(fields);
            final int stored = in.readInt();
            final CRC32C crc = new CRC32C();
            crc.update(fields, 0, fields.length);
            final ByteBuffer header = ByteBuffer.wrap(fields);
            if (header.getLong() != MAGIC || header.getInt() != FORMAT)
            {
                throw new SnapshotException(file + " is not a flashsale snapshot of format " + FORMAT);
            }
            if ((int)crc.getValue() != stored)
            {
                throw new SnapshotException(file + ": header checksum mismatch");
            }
            return new Header(file, header.getLong(), header.getLong(), header.getLong(), header.getLong(), header.getLong());
        }
        catch (final EOFException ex)
        {
            throw new SnapshotException(file + " is truncated", ex);
        }
    }
}
