/**
 * The {@code flashsale journal} tools, for an engineer after an incident: dump, replay, verify,
 * stats, truncate and rebuild-events over a node's data directory ({@link
 * dev.flashsale.journal.tools.JournalTools}). They run on the caller's thread, offline (or,
 * for reading, on a running node's journal with {@code --live}), and print for people: text or JSON
 * lines decoded from the protocol's IR by {@code MessagePrinter}.
 */
package dev.flashsale.journal.tools;
