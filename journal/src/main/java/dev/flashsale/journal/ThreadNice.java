package dev.flashsale.journal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Sets the Linux nice value of the calling thread (a follower's: {@link BackgroundShare}). Linux
 * keeps a nice value per thread, and {@code setpriority(PRIO_PROCESS, 0, n)} changes the caller's
 * only; the JDK has no call for it (Java thread priorities are ignored on Linux by default), so
 * this reaches the C library through JNA, already on the class path for Chronicle.
 *
 * <p>Raising the value (a lower priority) needs no privilege; lowering it again needs
 * {@code CAP_SYS_NICE} or an {@code RLIMIT_NICE} that allows it, so a thread that gave its
 * priority away may not get it back: {@link #set} then says no. On other systems, or where the C
 * library cannot be reached, every call says no and changes nothing.
 */
final class ThreadNice
{
    private static final int PRIO_PROCESS = 0;
    private static final CLibrary LIBC = load();

    private ThreadNice()
    {
    }

    /** The C library's call, as JNA binds it. */
    interface CLibrary extends Library
    {
        int setpriority(int which, int who, int prio) throws LastErrorException;
    }

    /** @return true where {@link #set} can work: Linux, with the C library reachable. */
    static boolean supported()
    {
        return LIBC != null;
    }

    /**
     * @param nice the calling thread's new nice value, 0 (normal) to 19 (lowest).
     * @return null if set, else why not (not Linux, no C library, or the kernel's refusal).
     */
    static String set(final int nice)
    {
        if (nice < 0 || nice > 19)
        {
            throw new IllegalArgumentException("a nice value for a follower is 0..19: " + nice);
        }
        if (LIBC == null)
        {
            return Platform.isLinux() ? "the C library could not be reached through JNA" : "not Linux";
        }
        try
        {
            LIBC.setpriority(PRIO_PROCESS, 0, nice);
            return null;
        }
        catch (final LastErrorException ex)
        {
            return "setpriority(" + nice + ") failed with errno " + ex.getErrorCode()
                + (ex.getErrorCode() == 13 || ex.getErrorCode() == 1 ? " (a lower nice value needs CAP_SYS_NICE)" : "");
        }
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
