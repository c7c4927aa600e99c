package dev.flashsale.journal;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.EngineConfig;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Copies an engine through its snapshot stream, piped between two threads so no copy of the whole
 * state is ever held in between: the shadow engine of the snapshotter starts as such a copy. The
 * source must not change meanwhile (the pipeline has not started).
 */
final class EngineCopy
{
    private EngineCopy()
    {
    }

    static Engine copy(final Engine source, final EngineConfig config)
    {
        final AtomicReference<Throwable> writeFailure = new AtomicReference<>();
        try (PipedInputStream in = new PipedInputStream(1 << 20))
        {
            final PipedOutputStream out = new PipedOutputStream(in);
            final Thread writer = new Thread(() ->
            {
                try (out)
                {
                    source.writeSnapshot(out);
                }
                catch (final IOException | RuntimeException ex)
                {
                    writeFailure.set(ex);
                }
            }, "flashsale-engine-copy");
            writer.start();
            final Engine copy = Engine.readSnapshot(config, in);
            writer.join();
            if (writeFailure.get() != null)
            {
                throw new IllegalStateException("copying the engine failed", writeFailure.get());
            }
            return copy;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("copying the engine failed: " + ex.getMessage(), ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while copying the engine", ex);
        }
    }
}
