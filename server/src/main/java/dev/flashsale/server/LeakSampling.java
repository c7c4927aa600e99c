package dev.flashsale.server;

import io.netty.util.ResourceLeakDetector;

/**
 * Netty's leak detector samples one buffer in 128 by default and records a stack trace for each:
 * 3 % of a loaded event loop's CPU (docs/BENCHMARKS.md). Every subcommand that moves traffic (the
 * node, and the load generator and the two baseline servers it is measured against, so that all of
 * them run Netty alike and the load generator takes as little as it can of the cores it shares with
 * a server) turns it off, unless the operator asks for a level with Netty's own
 * {@value #PROPERTY} system property (to hunt a leak). The tests keep Netty's default.
 */
public final class LeakSampling
{
    /** Netty's system property for the detector's level. */
    public static final String PROPERTY = "io.netty.leakDetection.level";

    private LeakSampling()
    {
    }

    /** Turns sampling off for this JVM unless {@value #PROPERTY} is set. */
    public static void offUnlessAsked()
    {
        if (System.getProperty(PROPERTY) == null)
        {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }
}
