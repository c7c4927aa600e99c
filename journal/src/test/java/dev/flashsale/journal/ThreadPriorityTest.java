package dev.flashsale.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ThreadPriorityTest
{
    @Test
    @EnabledOnOs(OS.LINUX)
    void setsTheCallingThreadsNiceValueAndNoOtherThreads() throws Exception
    {
        assertThat(ThreadPriority.supported()).as("JNA reaches the C library on Linux").isTrue();
        final int[] before = schedOfThisThread();
        final int target = Math.min(19, Math.max(before[0] + 1, 12)); // raising needs no privilege, wherever the build runs
        final List<Object> seen = onAThreadOfItsOwn(() ->
        {
            final String refused = ThreadPriority.setNice(target);
            return refused != null ? refused : schedOfThisThread()[0];
        });
        assertThat(seen).as("the follower's nice value, read back from /proc").containsExactly(target);
        assertThat(schedOfThisThread()).as("the calling thread only").containsExactly(before);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void putsTheCallingThreadUnderSchedIdleAndBackWhereItMayTakeItsPriorityBack() throws Exception
    {
        final int[] before = schedOfThisThread();
        final List<Object> seen = onAThreadOfItsOwn(() ->
        {
            final List<Object> steps = new ArrayList<>();
            steps.add(ThreadPriority.setIdle(true) == null ? schedOfThisThread()[1] : "refused");
            final String back = ThreadPriority.setIdle(false); // needs CAP_SYS_NICE: says why not without it
            steps.add(back == null ? schedOfThisThread()[1] : back.contains("CAP_SYS_NICE") ? "needs the privilege" : back);
            return steps;
        });
        assertThat(seen).hasSize(1);
        @SuppressWarnings("unchecked") final List<Object> steps = (List<Object>)seen.get(0);
        assertThat(steps.get(0)).as("the policy read back from /proc: SCHED_IDLE").isEqualTo(ThreadPriority.SCHED_IDLE);
        assertThat(steps.get(1)).as("back to SCHED_OTHER, or refused for want of CAP_SYS_NICE")
            .isIn(ThreadPriority.SCHED_OTHER, "needs the privilege");
        assertThat(schedOfThisThread()).as("the calling thread only").containsExactly(before);
    }

    @Test
    void niceValuesOutsideWhatAFollowerMayAskAreRefused()
    {
        assertThatThrownBy(() -> ThreadPriority.setNice(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ThreadPriority.setNice(20)).isInstanceOf(IllegalArgumentException.class);
    }

    interface Step
    {
        Object run() throws Exception;
    }

    /** Runs {@code step} on a new thread, whose priority may then be left changed. @return its result (or exception). */
    private static List<Object> onAThreadOfItsOwn(final Step step) throws InterruptedException
    {
        final List<Object> seen = new ArrayList<>();
        final Thread follower = new Thread(() ->
        {
            try
            {
                seen.add(step.run());
            }
            catch (final Exception ex)
            {
                seen.add(ex);
            }
        });
        follower.start();
        follower.join();
        return seen;
    }

    /** Fields 19 and 41 of /proc/thread-self/stat: the calling thread's nice value and scheduling policy. */
    private static int[] schedOfThisThread() throws IOException
    {
        final String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new int[] {Integer.parseInt(fields[16]), Integer.parseInt(fields[38])}; // fields after the name start at 3
    }
}
