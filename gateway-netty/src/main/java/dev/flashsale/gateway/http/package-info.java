/**
 * What a request carries, read strictly on the event loop, and JSON written back.
 *
 * <ul>
 *   <li>{@link dev.flashsale.gateway.http.CommandReader}: the bodies of the engine's routes into
 *   SBE commands (reserve, confirm, SKU upsert, restock, adjust); nothing is encoded unless the
 *   whole body is valid. The reserve and confirm bodies go first to
 *   {@link dev.flashsale.gateway.http.PlainBodyReader}, which reads the plain valid ones without
 *   Jackson and without allocating (SKUs as {@link dev.flashsale.gateway.http.AsciiView}s of the
 *   body), and declines every other body to the Jackson reader, which answers it as before.</li>
 *   <li>{@link dev.flashsale.gateway.http.ReadModelReader}: product and profile bodies into the
 *   read services' models.</li>
 *   <li>{@link dev.flashsale.gateway.http.PathParams} (SKU codes, checkout ids, header tokens),
 *   {@link dev.flashsale.gateway.http.SearchParameters} (the search query string) and
 *   {@link dev.flashsale.gateway.http.RequestBody} (the body and its media type).</li>
 *   <li>{@link dev.flashsale.gateway.http.JsonFields}: the strict JSON rules they share (one
 *   Jackson factory with size limits; typed and ranged values; unknown and duplicate fields
 *   refused).</li>
 *   <li>{@link dev.flashsale.gateway.http.JsonDocument}: one JSON document written by Jackson's
 *   generator, with ISO-8601 times and string ids, copied once into a response buffer.</li>
 * </ul>
 *
 * <p>A refusal is an exception without a stack trace whose message is the problem's detail:
 * {@link dev.flashsale.gateway.http.BadRequest} (400), {@link dev.flashsale.gateway.http.Forbidden}
 * (403), {@link dev.flashsale.gateway.http.UnsupportedMediaType} (415). Readers are one per event
 * loop and not thread-safe.
 */
package dev.flashsale.gateway.http;
