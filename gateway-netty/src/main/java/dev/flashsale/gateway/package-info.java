/**
 * The HTTP front door for flash-sale traffic, on Netty: the one HTTP stack of a node.
 *
 * <pre>
 * client --HTTP/1.1--&gt; event loop: HttpServerCodec, aggregator (size limits), Connection (order,
 *                      timeouts), Dispatcher: route, authenticate, rate-limit, parse, validate,
 *                      encode SBE, take an Exchange, Pipeline.tryPublish(.., exchange.correlationId)
 *                          | ring full / no free exchange -&gt; 503 + Retry-After at once, nothing enqueued
 *                          v
 *                      input ring -&gt; journaller -&gt; engine -&gt; output ring
 *                                                                |
 * Responder (an output stage, on the core thread or its own): result slot -&gt; ExchangeTable.waiting(id)
 *     copies the result bytes into the pre-allocated Exchange and queues it on its event loop's
 *     Handback; at the end of the batch, one eventLoop.execute(handback) per loop with answers
 *                          v
 * event loop: Handback.run() -&gt; each Connection writes its answers in request order, then one flush
 *     per connection written to
 * </pre>
 *
 * <p><b>No per-request callback or boxed map.</b> Exchanges are allocated once at start
 * ({@code gateway.max-pending}) and reused. A correlation id is {@code generation * capacity + index}:
 * the responder finds the exchange by index and checks the whole id, so a late or stray result
 * never completes a reused exchange. Answers go back one task per event loop per batch (the
 * loop's {@link dev.flashsale.gateway.Handback}, a single-producer queue); a failed exchange is
 * itself the {@code Runnable} handed to its event loop.
 *
 * <p><b>Wake-ups per batch.</b> An event loop publishes each request as it decodes it; the core
 * thread's wait strategy costs the loop a signal only when the core thread is blocked, so a read
 * batch wakes it once. The answers of a core batch come back in one task per loop, and each
 * connection flushes once per task (and once per read batch for answers known at once).
 *
 * <p><b>Durability before success.</b> The engine decides an input only after every input stage
 * (the journaller) has passed it, and the responder only sees results the engine produced; so a
 * 2xx leaves the gateway only after its input is durable under {@code journal.sync}.
 *
 * <p><b>Ordering.</b> Clients may pipeline: each connection answers in request order, with at
 * most {@code gateway.max-in-flight-per-connection} requests waiting on the engine; past that it
 * stops reading the socket, and requests already decoded get a 503. First come, first served
 * is the ring's sequence.
 *
 * <p><b>Bad input never reaches the engine.</b> Size limits (initial line, headers, body), strict
 * JSON (types, ranges, unknown and duplicate fields), SKU codes, quantities, line counts and
 * header formats are checked on the event loop; a refusal is an RFC 9457 problem and enqueues
 * nothing. Authentication: API keys (stored as SHA-256) name a client and its role; a
 * customer token ({@link dev.flashsale.gateway.auth.CustomerTokens}) signed with the client's
 * secret names the customer, so one customer cannot act for another. Token buckets per client
 * and per customer answer 429.
 *
 * <p>Threads: {@code gateway.io-threads} event loops (never blocked); the responder runs on the
 * pipeline's core thread (or its own with a thread per stage). Metrics
 * are lock-free adders read by {@code GET /metrics}.
 */
package dev.flashsale.gateway;
