package dev.flashsale.journal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Sets the Linux scheduling priority of the calling thread (a follower's: {@link BackgroundShare}):
 * its nice value, or the {@code SCHED_IDLE} policy. Linux keeps both per thread, and
 * {@code setpriority(PRIO_PROCESS, 0, n)} and {@code sched_setscheduler(0, ...)} change the
 * caller's only; the JDK has no call for either (Java thread priorities are ignored on Linux by
 * default), so this reaches the C library through JNA, already on the class path for Chronicle.
 *
 * <p>{@code SCHED_IDLE}: the kernel runs the thread only when no thread of a normal policy wants
 * that CPU (its weight is 3 against a nice-0 thread's 1024), and a normal thread that wakes takes
 * the CPU from it at once, where a thread at nice 19 may keep it for the rest of its slice.
 *
 * <p>Giving priority away (a higher nice value, {@code SCHED_IDLE}) needs no privilege; taking it
 * back (a lower nice value, leaving {@code SCHED_IDLE}) needs {@code CAP_SYS_NICE} or an
 * {@code RLIMIT_NICE} that allows it: the kernel asks the same of both, and a call then says no.
 * On other systems, or where the C library cannot be reached, every call says no and changes
 * nothing.
 */
final class ThreadPriority
{
    static final int SCHED_OTHER = 0;
    static final int SCHED_IDLE = 5;
    private static final int PRIO_PROCESS = 0;
    private static final CLibrary LIBC = load();

    private ThreadPriority()
    {
    }

    /** The C library's calls, as JNA binds them. */
    interface CLibrary extends Library
    {
        int setpriority(int which, int who, int prio) throws LastErrorException;

        /** {@code param} is a {@code struct sched_param}: one int, the static priority (0 for these policies). */
        int sched_setscheduler(int pid, int policy, int[] param) throws LastErrorException;
    }

    /** The two calls, so that a follower's pacing can be tested without changing a thread's priority. */
    interface Calls
    {
        /** @return null if done, else why not. */
        String nice(int value);

        /** @return null if done, else why not: {@code SCHED_IDLE} if {@code on}, else {@code SCHED_OTHER}. */
        String idle(boolean on);
    }

    /** The calling thread's, through the C library. */
    static final Calls OF_THE_CALLING_THREAD = new Calls()
    {
        @Override
        public String nice(final int value)
        {
            return setNice(value);
        }

        @Override
        public String idle(final boolean on)
        {
            return setIdle(on);
        }
    };

    /** @return true where the calls can work: Linux, with the C library reachable. */
    static boolean supported()
    {
        return LIBC != null;
    }

    /**
     * @param nice the calling thread's new nice value, 0 (normal) to 19 (lowest).
     * @return null if set, else why not (not Linux, no C library, or the kernel's refusal).
     */
    static String setNice(final int nice)
    {
        if (nice < 0 || nice > 19)
        {
            throw new IllegalArgumentException("a nice value for a follower is 0..19: " + nice);
        }
        if (LIBC == null)
        {
            return unsupported();
        }
        try
        {
            LIBC.setpriority(PRIO_PROCESS, 0, nice);
            return null;
        }
        catch (final LastErrorException ex)
        {
            return "setpriority(" + nice + ") failed with errno " + ex.getErrorCode() + privilege(ex.getErrorCode());
        }
    }

    /**
     * @param on {@code SCHED_IDLE} if true, else back to {@code SCHED_OTHER} (the normal policy,
     *     the thread's nice value applying again).
     * @return null if set, else why not.
     */
    static String setIdle(final boolean on)
    {
        if (LIBC == null)
        {
            return unsupported();
        }
        final int policy = on ? SCHED_IDLE : SCHED_OTHER;
        try
        {
            LIBC.sched_setscheduler(0, policy, new int[] {0});
            return null;
        }
        catch (final LastErrorException ex)
        {
            return "sched_setscheduler(" + (on ? "SCHED_IDLE" : "SCHED_OTHER") + ") failed with errno "
                + ex.getErrorCode() + privilege(ex.getErrorCode());
        }
    }

    private static String privilege(final int errno)
    {
        return errno == 13 || errno == 1 ? " (taking priority back needs CAP_SYS_NICE)" : "";
    }

    private static String unsupported()
    {
        return Platform.isLinux() ? "the C library could not be reached through JNA" : "not Linux";
    }

    private static CLibrary load()
    {
        if (!Platform.isLinux())
        {
            return null;
        }
        try
        {
            return Native.load(Platform.C_LIBRARY_NAME, CLibrary.class);
        }
        catch (final LinkageError ex) // no native dispatch library for this machine, or none extractable
        {
            return null;
        }
    }
}
