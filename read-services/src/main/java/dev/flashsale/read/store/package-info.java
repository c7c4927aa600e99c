/**
 * The read services' stores: persisted Chronicle Maps that survive a crash.
 */
package dev.flashsale.read.store;
