package dev.flashsale.server.logging;

/** The layout of the log ({@code log.format}). */
public enum LogFormat
{
    /** One readable line per event: time, thread, level, logger, message. */
    TEXT,
    /** One JSON object per line with Elastic Common Schema fields, for ELK. */
    JSON
}
