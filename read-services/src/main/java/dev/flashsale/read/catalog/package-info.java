/**
 * The catalog: products owned here, joined with live availability projected from the engine's events.
 */
package dev.flashsale.read.catalog;
