/**
 * Hot standbys: every node runs the same engine on the same input sequence.
 *
 * <p>Will own (phase 2 of docs/DESIGN.md): sequencing, replication and election through Aeron
 * Cluster, never our own consensus; automatic, fenced failover that loses no acknowledged input;
 * and a replicator stage beside the journaller on the input ring. Every node still journals every
 * input to its own Chronicle Queue through the journal module.
 *
 * <p>Nothing here yet.
 */
package dev.flashsale.replication;
