/**
 * The {@code flashsale} command: wires the modules into processes and tools. The only module that
 * knows all the others.
 *
 * <ul>
 *   <li>{@code flashsale demo}: a flash sale through HTTP against a node it starts ({@link dev.flashsale.server.demo}).</li>
 *   <li>{@code flashsale cluster-demo}: a local three-member cluster, a sale through its gateways, its leader
 *       killed and restarted, and checks on every member's journals ({@link dev.flashsale.server.cluster}).</li>
 * </ul>
 * Every subcommand that starts a process loads one {@link dev.flashsale.server.config.FlashsaleConfig}
 * (defaults, then a file, then {@code FLASHSALE_*} variables) and validates it before anything starts.
 */
package dev.flashsale.server;
