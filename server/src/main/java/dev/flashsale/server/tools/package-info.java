/**
 * Command-line front ends of the operator and engineer tools: {@code flashsale journal ...}
 * ({@link dev.flashsale.server.tools.JournalCommand}), over {@code dev.flashsale.journal.tools}.
 */
package dev.flashsale.server.tools;
