package dev.flashsale.server.demo;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks a demo prints at its end: one line per check, {@code ok} or {@code FAILED}, then a
 * summary. Shared by {@code flashsale demo} and {@code flashsale cluster-demo}, so both read alike.
 */
public final class CheckList
{
    private final PrintWriter out;
    private final List<String> failed = new ArrayList<>();

    public CheckList(final PrintWriter out)
    {
        this.out = out;
    }

    /** Prints one check's line. */
    public void check(final boolean passed, final String what)
    {
        out.println((passed ? "ok     " : "FAILED ") + what);
        if (!passed)
        {
            failed.add(what);
        }
    }

    /** Prints the summary line. @return true if every check passed. */
    public boolean finish()
    {
        out.println(failed.isEmpty() ? "all checks passed" : failed.size() + " check(s) FAILED");
        out.flush();
        return failed.isEmpty();
    }
}
