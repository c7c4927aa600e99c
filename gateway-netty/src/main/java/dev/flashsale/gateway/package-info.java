/**
 * The HTTP front door for flash-sale traffic, on Netty: the one HTTP stack of a node.
 *
 * <p><b>A reserve, from the socket to the engine and back.</b> Each class does one thing, and
 * calls go one way: in from the socket to the engine, back from the engine to the socket.
 *
 * <pre>
 * in, on the connection's event loop
 *   RequestDecoder  the bytes read -&gt; a FullHttpRequest: a plain request already whole in one
 *                   pass over its head, its body a slice; any other by Netty's decoder and aggregator
 *   Connection      a socket: hands each complete request on, times out slow requests and answers
 *   Dispatcher      valid HTTP? Router: path + method -&gt; Route (404, 405); Admission: API key,
 *                   role, rate limits, customer token -&gt; the Call's caller (401, 403, 429)
 *   EngineRoutes    CommandReader: the JSON body -&gt; an SBE Reserve in the loop's buffer;
 *                   an Exchange from the ExchangeTable; Pipeline.tryPublish (503 if full), then
 *                   once after the loop's read batch, not per request, NodeBackend.wakeUp
 *                        |
 *                        v   input ring -&gt; journal -&gt; engine -&gt; outputs (on the first event loop
 *                            itself, inside that wakeUp; or one core thread, or a thread each)
 * back
 *   Responder       the result -&gt; ExchangeTable.waiting(id) -&gt; bytes copied into the Exchange
 *                   -&gt; queued on its event loop's Handback; one task per loop per core batch
 *   Handback        on the event loop: each Exchange -&gt; its AnswerQueue
 *   AnswerQueue     the connection's answers in request order; EngineAnswers renders the result
 *                   (a checkout, 201 + Location, or a refusal with no checkout in it, the sell-out's
 *                   409: one buffer encoded whole by EncodedResponse; anything else a Netty
 *                   response); one flush per connection
 * </pre>
 *
 * <p>The other desks beside {@link dev.flashsale.gateway.EngineRoutes}:
 * {@link dev.flashsale.gateway.ReadRoutes} (orders, profile, products, from the read services on
 * the event loop), {@link dev.flashsale.gateway.CatalogRoutes} (search, search rebuild and the
 * admin's product routes, on the one catalog thread, answered in order when ready) and
 * {@link dev.flashsale.gateway.PublicRoutes} (health, metrics, OpenAPI). Every desk answers
 * through the request's {@link dev.flashsale.gateway.Call}, which records the metrics and queues
 * the answer. Rendering is out of the desks: {@link dev.flashsale.gateway.EngineAnswers} for
 * engine results, {@link dev.flashsale.gateway.ReadViews} for read models,
 * {@link dev.flashsale.gateway.Responses} for problems and plain bodies, and
 * {@link dev.flashsale.gateway.HttpCaching} for the one ETag scheme (a hash of the body). Request
 * bodies, paths and query strings are read in {@code gateway.http}; keys and tokens are checked in
 * {@code gateway.auth}.
 *
 * <p><b>No per-request callback or boxed map.</b> Exchanges are allocated once at start
 * ({@code gateway.max-pending}) and reused. A correlation id is {@code generation * capacity + index}:
 * the responder finds the exchange by index and takes it only if it waits for that whole id, in
 * one compare-and-set of its state and id together, so a late or stray result never completes a
 * reused exchange nor holds it for a moment (an abandon then always frees it). A failed exchange
 * is itself the {@code Runnable} handed to its event loop. A {@link dev.flashsale.gateway.Call}
 * and the buffers of a request are the event loop's own ({@link dev.flashsale.gateway.LoopScratch}),
 * reused for each request it reads.
 *
 * <p><b>Wake-ups per batch.</b> An event loop publishes each request as it decodes it and wakes the
 * pipeline once after the read batch: on the event-loop layout that call runs the stages there and
 * then (a second loop's call hands the first one a task); on the core thread it costs a signal only
 * when the core thread is blocked. The answers of a batch come back in one task per loop, and each
 * connection flushes once per task (and once per read batch for answers known at once).
 *
 * <p><b>Durability before success.</b> The engine decides an input only after every input stage
 * (the journaller) has passed it, and the responder only sees results the engine produced; so a
 * 2xx leaves the gateway only after its input is durable under {@code journal.sync}.
 *
 * <p><b>Ordering.</b> Clients may pipeline: each connection answers in request order, with at
 * most {@code gateway.max-in-flight-per-connection} requests waiting on the engine or the search
 * thread; past that it stops reading the socket, and requests already decoded get a 503. First
 * come, first served is the ring's sequence.
 *
 * <p><b>Bad input never reaches the engine.</b> Size limits (initial line, headers, body), strict
 * JSON (types, ranges, unknown and duplicate fields), SKU codes, quantities, line counts and
 * header formats are checked on the event loop; a refusal is an RFC 9457 problem and enqueues
 * nothing. A 500 never carries an exception's message: the log has it. Authentication: API keys
 * (stored as SHA-256; each event loop remembers the last valid key and compares the next in
 * constant time instead of hashing it again) name a client and its role; a customer token
 * ({@link dev.flashsale.gateway.auth.CustomerTokens}) signed with the client's secret names the
 * customer, so one customer cannot act for another. Token buckets per client and per customer
 * answer 429.
 *
 * <p><b>Request ids and the access log.</b> Every answer carries {@code X-Request-Id}: the
 * client's own if well formed ({@link dev.flashsale.gateway.RequestIds}), else one the event loop
 * makes from its own count (no shared counter, one String). The places that record an answer's
 * metrics ({@link dev.flashsale.gateway.Call#send}, {@link dev.flashsale.gateway.EngineAnswers},
 * the catalog thread, {@link dev.flashsale.gateway.AnswerQueue#closeWith}) also set the header and
 * hand refusals and errors to the {@link dev.flashsale.gateway.AccessLog} (logger
 * {@code flashsale.access}), which a {@link dev.flashsale.gateway.LogSampler} bounds to
 * {@code log.access-max-per-second} lines; a success costs the header only. No header, body or
 * query string is ever logged: keys and tokens travel in headers.
 *
 * <p>Threads: {@code gateway.io-threads} event loops (never blocked: on the event-loop layout the
 * first one also runs the pipeline's stages, microseconds a batch, never a disk force); the
 * responder runs where the pipeline's stages run; one search thread. Metrics are
 * lock-free adders read by {@code GET /metrics}.
 */
package dev.flashsale.gateway;
