package dev.flashsale.replication;

import dev.flashsale.engine.protocol.ProtocolLimits;

/**
 * The layout of a message between a cluster client and the engine service, both ways: the client's
 * correlation id, then one SBE message of the protocol (sbe/flashsale-protocol.xml), header included.
 *
 * <pre>
 *   0                   8
 *   +-------------------+-----------------------------------------------+
 *   | correlation id    | SBE message (header included)                  |
 *   | int64, LE         | ingress: a command; egress: the command's result |
 *   +-------------------+-----------------------------------------------+
 * </pre>
 *
 * Ingress carries the same command bytes the gateway puts in the standalone node's input ring. The
 * engine's answer goes back on the session's egress with the correlation id of the command, so a
 * client matches answers to requests and can resend after a leader change. The id is the client's
 * own: the service never interprets it, and it is not journaled (the journal holds the command only).
 */
public final class ClusterMessageDescriptor
{
    public static final int CORRELATION_ID_OFFSET = 0;
    public static final int MESSAGE_OFFSET = 8;
    /** Longest ingress message the service applies; a longer one is not an input (it is counted and dropped). */
    public static final int MAX_INGRESS_LENGTH = MESSAGE_OFFSET + ProtocolLimits.MAX_INPUT_LENGTH;
    /** Longest egress message the service sends. */
    public static final int MAX_EGRESS_LENGTH = MESSAGE_OFFSET + ProtocolLimits.MAX_OUTPUT_LENGTH;

    private ClusterMessageDescriptor()
    {
    }
}
