package dev.flashsale.journal;

import net.openhft.chronicle.core.Jvm;
import net.openhft.chronicle.core.io.ThreadingIllegalStateException;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tests' JVM runs the libraries as {@code java -jar flashsale.jar} does (surefire's
 * {@code argLine} in the parent pom): Chronicle's single-thread checks on, so a Chronicle object
 * used by two threads fails a test as it would fail the node, and assertions off, so Chronicle
 * and Lucene take the code paths they take in production.
 */
@Timeout(30)
class ProductionJvmTest
{
    @TempDir
    Path work;

    @Test
    void aTailerUsedByTwoLiveThreadsIsRefusedAsInProduction() throws Exception
    {
        try (SingleChronicleQueue queue = JournalQueues.open(work.resolve("queue"));
             ExcerptTailer tailer = queue.createTailer())
        {
            tailer.toEnd(); // used by this thread, which stays alive
            final AtomicReference<Throwable> other = new AtomicReference<>();
            final Thread second = new Thread(() ->
            {
                try
                {
                    tailer.toEnd();
                }
                catch (final RuntimeException ex)
                {
                    other.set(ex);
                }
            });
            second.start();
            second.join();
            assertThat(other.get()).isInstanceOf(ThreadingIllegalStateException.class);
        }
    }

    @Test
    void assertionsAreOffAsInAJavaJarRun()
    {
        assertThat(Jvm.isAssertEnabled()).as("-ea changes Chronicle's code paths; the node runs without it").isFalse();
    }
}
