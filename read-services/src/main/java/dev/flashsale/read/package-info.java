/**
 * The slower satellites: catalog, search and user profiles.
 *
 * <p>Will own: projections that tail the event journal and resume exactly where they stopped;
 * the catalog and profile stores (Chronicle Map) and the search index (Lucene). Plain Java
 * services with no HTTP of their own: the gateway serves their routes. They never touch the engine
 * thread.
 *
 * <p>Nothing here yet.
 */
package dev.flashsale.read;
