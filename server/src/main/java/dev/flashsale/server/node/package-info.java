/**
 * The standalone node: journal, pipeline and snapshotter wired together and started from a data
 * directory ({@link dev.flashsale.server.node.StandaloneNode}), and {@code flashsale run}, which keeps
 * one running until it is told to stop (SIGTERM or SIGINT: an orderly shutdown that drains the
 * rings, then exit 0; {@link dev.flashsale.server.node.StopSignals} says why these are our own
 * handlers and not the JVM's shutdown hooks). Threads: the pipeline's, the snapshotter, and the main
 * thread waiting for a signal, which then stops the node.
 */
package dev.flashsale.server.node;
