/**
 * The slower satellites: catalog, search and user profiles, fed from the event journal.
 *
 * <p>Every read model is a projection: an {@link dev.flashsale.read.feed.EventFeed} tails the
 * event journal of a data directory, read-only, from the position its store saved, and hands each
 * event to the projection, which writes its own store (Chronicle Map, persisted). Exactly once
 * across restarts comes from positions, not transactions: each record keeps the position
 * {@code (input sequence, index)} of the last event applied to it and skips older ones, and the
 * projection saves its feed position in the same store after each batch. A rebuild is a
 * projection from an empty store. Because the feed only reads the journal's files, a projection
 * can run in the node's process or in another process on the same host, unchanged.
 *
 * <p>Built so far: the feed, and the customers' order histories
 * ({@link dev.flashsale.read.orders.OrdersProjection}). Still to come: the catalog (products in
 * Chronicle Map joined with live availability), search (Lucene), profiles, the gateway's read
 * routes, lag metrics and readiness, and a runner thread in {@code flashsale run}.
 */
package dev.flashsale.read;
