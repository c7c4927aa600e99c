/**
 * {@code flashsale export}: the commands that publish a node's events to other systems (Kafka,
 * through the export-kafka module).
 */
package dev.flashsale.server.export;
