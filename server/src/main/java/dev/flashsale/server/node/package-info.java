/**
 * The standalone node: journal, pipeline and snapshotter wired together and started from a data
 * directory ({@link dev.flashsale.server.node.StandaloneNode}), and {@code flashsale run}, which keeps
 * one running until it is told to stop (SIGTERM or SIGINT: an orderly shutdown that drains the
 * rings). Threads: the pipeline's, the snapshotter, and the main thread waiting.
 */
package dev.flashsale.server.node;
