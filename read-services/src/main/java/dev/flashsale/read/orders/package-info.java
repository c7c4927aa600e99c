/**
 * Each customer's recent orders, projected from the checkout events into a persisted Chronicle Map.
 */
package dev.flashsale.read.orders;
