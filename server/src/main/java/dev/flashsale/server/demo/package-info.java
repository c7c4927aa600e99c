/**
 * {@code flashsale demo}: a flash sale in one process, on the real pipeline and engine.
 *
 * <p>Threads: {@code demo-producer-N} publish reserve attempts at the scenario's rate (as the
 * gateway's event loops will); {@code flashsale-demo-observer} is an output stage that counts
 * results and events and plans each successful hold's next step; {@code demo-shopper} pays or
 * cancels when a hold's delay is over; the main thread waits for the holds to settle, asks for the
 * final counters, stops the pipeline and prints the report. Later the demo will go through HTTP.
 */
package dev.flashsale.server.demo;
