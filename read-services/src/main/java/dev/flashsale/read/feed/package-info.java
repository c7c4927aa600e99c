/**
 * The event journal as a feed: positions, and a checked, resumable, read-only tailer.
 */
package dev.flashsale.read.feed;
