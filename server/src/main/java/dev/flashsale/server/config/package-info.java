/**
 * Process configuration: every key, its default, its environment variable and its parser, in one
 * list ({@link dev.flashsale.server.config.FlashsaleConfig#SETTINGS}) that docs/CONFIGURATION.md
 * mirrors. Loaded once on the main thread before anything starts.
 */
package dev.flashsale.server.config;
