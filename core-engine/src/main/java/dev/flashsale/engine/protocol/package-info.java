/**
 * Helpers around the generated SBE codecs ({@code dev.flashsale.engine.codec}) for everyone who
 * speaks the protocol: {@link dev.flashsale.engine.protocol.CommandWriter} encodes commands,
 * {@link dev.flashsale.engine.protocol.Ascii} checks the fixed-width text fields,
 * {@link dev.flashsale.engine.protocol.LineLayout} reads the shared checkout-lines group and
 * {@link dev.flashsale.engine.protocol.ProtocolLimits} holds the limits no configuration can raise.
 * Stateless or one instance per thread; no allocation on the paths the engine and producers use.
 * docs/PROTOCOL.md describes the messages.
 */
package dev.flashsale.engine.protocol;
