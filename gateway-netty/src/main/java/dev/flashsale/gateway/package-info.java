/**
 * The HTTP front door for flash-sale traffic, on Netty.
 *
 * <p>Will own: decoding and validating JSON requests, authentication, rate limits, publishing
 * commands into the input ring with {@code tryPublish} (a full ring is a 503 at once), and
 * answering each waiting exchange from the output ring. Runs on Netty event loops; never blocks
 * one.
 *
 * <p>Nothing here yet: {@code flashsale demo} drives the pipeline in process until it lands.
 */
package dev.flashsale.gateway;
