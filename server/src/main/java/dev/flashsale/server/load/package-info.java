/**
 * The benchmark commands: {@code flashsale loadgen} drives a sale (or a hello-world ceiling) over
 * HTTP with the gateway module's load generator and prints its report; {@code flashsale hello}
 * and {@code flashsale reference} start the two yardsticks the node is measured against, a Netty
 * server that does nothing and the simplest correct reservation server (a few maps under one
 * lock, no journal). benchmarks/scripts/http-benchmark.sh runs the three side by side.
 */
package dev.flashsale.server.load;
