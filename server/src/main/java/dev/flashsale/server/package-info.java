/**
 * The {@code flashsale} command: wires the modules into processes and tools. The only module that
 * knows all the others.
 *
 * <ul>
 *   <li>{@code flashsale demo}: an in-process flash sale on the pipeline ({@link dev.flashsale.server.demo}).</li>
 * </ul>
 * Every subcommand that starts a process loads one {@link dev.flashsale.server.config.FlashsaleConfig}
 * (defaults, then a file, then {@code FLASHSALE_*} variables) and validates it before anything starts.
 */
package dev.flashsale.server;
