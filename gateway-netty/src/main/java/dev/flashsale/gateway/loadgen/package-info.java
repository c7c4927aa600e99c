/**
 * An HTTP/1.1 load generator for the gateway, and the hello-world server that is its ceiling.
 *
 * <p>{@link dev.flashsale.gateway.loadgen.LoadGenerator} opens keep-alive Netty connections,
 * each with at most one request in flight, spread over its own event loops (epoll where
 * available). In a closed loop a connection sends its next request when the answer arrives. In an
 * open loop (wrk2 style) the run has one fixed schedule of intended start times,
 * {@code t0 + (k * connections + i) / rate} for request k of connection i; a request goes out at
 * its intended time or, if the previous answer is late, as soon as it arrives, and its latency is
 * counted from the intended time. A server that stalls therefore shows in the tail of every
 * request that should have gone out meanwhile, instead of silently slowing the generator down
 * (coordinated omission).
 *
 * <p>The HOT and SPREAD scenarios reserve one unit of one SKU for a random customer (with a fresh
 * idempotency key and a customer token signed with the storefront's secret), then, after a 201,
 * maybe confirm or cancel that checkout. Each connection draws from its own seeded
 * {@link java.util.SplittableRandom}, so a run's mix repeats. HELLO only GETs a path, against a
 * {@link dev.flashsale.gateway.loadgen.HelloServer}: the same Netty stack doing nothing, which
 * gives the ceiling the gateway is compared with.
 *
 * <p>{@link dev.flashsale.gateway.loadgen.ReferenceServer} is the other yardstick: the simplest
 * correct reservation server, which serves the HOT and SPREAD scenarios' requests unchanged from
 * a few hash maps under one lock, taken on whichever of its event loops read the request. It has
 * no journal and skips the node's key and token signature checks, so it shows what a sale costs
 * without durability; the node is measured against both.
 *
 * <p>A load connection writes its requests as bytes it encodes itself
 * ({@link dev.flashsale.gateway.loadgen.RequestBytes}) and reads each answer whole from the bytes
 * ({@link dev.flashsale.gateway.loadgen.AnswerDecoder}: status and body), without Netty's HTTP
 * objects: on a machine the generator shares with the server, what it spends comes out of the
 * server's share. Netty's leak sampling is off in its JVM, as in the node's.
 *
 * <p>Each event loop records into its own HdrHistogram and counters, without locks; the caller
 * merges them after the loops have stopped. For an interval log ({@code .hlog}) each loop also
 * records into a single-writer recorder that the caller's thread, otherwise waiting for the run
 * to end, swaps out once a second ({@link dev.flashsale.gateway.loadgen.LatencyIntervalLog}). Requests sent in the warm-up are not measured; the
 * achieved rate counts the answers to those sent in the measured window, so an open loop asked
 * for more than the server carries reports what it carried, with latencies that keep growing.
 * A run ends at most a grace period after its measured window, answered or not; nothing blocks an
 * event loop, and the generator prints nothing: it returns a
 * {@link dev.flashsale.gateway.loadgen.LoadReport}.
 */
package dev.flashsale.gateway.loadgen;
