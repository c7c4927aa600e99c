package dev.flashsale.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ThreadNiceTest
{
    @Test
    @EnabledOnOs(OS.LINUX)
    void setsTheCallingThreadsNiceValueAndNoOtherThreads() throws Exception
    {
        assertThat(ThreadNice.supported()).as("JNA reaches the C library on Linux").isTrue();
        final int before = niceOfThisThread();
        final int target = Math.min(19, Math.max(before + 1, 12)); // raising needs no privilege, wherever the build runs
        final AtomicReference<Object> seen = new AtomicReference<>();
        final Thread follower = new Thread(() ->
        {
            try
            {
                final String refused = ThreadNice.set(target);
                seen.set(refused != null ? refused : niceOfThisThread());
            }
            catch (final IOException ex)
            {
                seen.set(ex);
            }
        });
        follower.start();
        follower.join();
        assertThat(seen.get()).as("the follower's nice value, read back from /proc").isEqualTo(target);
        assertThat(niceOfThisThread()).as("the calling thread only").isEqualTo(before);
    }

    @Test
    void niceValuesOutsideWhatAFollowerMayAskAreRefused()
    {
        assertThatThrownBy(() -> ThreadNice.set(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ThreadNice.set(20)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Field 19 of /proc/thread-self/stat: the calling thread's nice value. */
    private static int niceOfThisThread() throws IOException
    {
        final String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[16]); // fields after the name start at field 3
    }
}
