/**
 * {@code flashsale demo}: a flash sale through HTTP against a node the demo starts.
 *
 * <p>The demo starts a journaled node with its gateway on a free loopback port (development
 * credentials made for the run), creates the SKU with the admin API, and lets the load generator's
 * shoppers reserve, pay, cancel or walk away over keep-alive connections. When the holds left
 * behind have expired it reads the SKU back, stops the node in order and checks, from the HTTP
 * answers alone and from the engine: stock conserved, nothing oversold, every acknowledged payment
 * a sold unit, every hold settled, every request answered, every invariant of the engine.
 */
package dev.flashsale.server.demo;
