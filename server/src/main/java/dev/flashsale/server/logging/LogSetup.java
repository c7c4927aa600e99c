package dev.flashsale.server.logging;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;

import java.util.Locale;
import java.util.Map;

/** Applies the log keys to Log4j before a command's first line, and stops Log4j last at shutdown. */
public final class LogSetup
{
    /** The system property log4j2.xml picks its layout by: {@code text} or {@code json}. */
    public static final String FORMAT_PROPERTY = "flashsale.log.format";

    private LogSetup()
    {
    }

    /**
     * Sets the layout and the levels. Call it before the first line the command logs: lines logged
     * before it have the text layout and the default levels.
     *
     * @param rootLevel the level of every logger without its own ({@link LogLevels#NAMES}).
     * @param levels    levels of particular loggers (and those below them), by name.
     */
    public static void apply(final LogFormat format, final String rootLevel, final Map<String, String> levels)
    {
        System.setProperty(FORMAT_PROPERTY, format.name().toLowerCase(Locale.ROOT));
        final LoggerContext context = LoggerContext.getContext(false);
        context.reconfigure(); // re-reads log4j2.xml, whose Select picks the layout by the property
        Configurator.setRootLevel(Level.valueOf(rootLevel));
        for (final Map.Entry<String, String> level : levels.entrySet())
        {
            Configurator.setLevel(level.getKey(), Level.valueOf(level.getValue()));
        }
    }

    /** Flushes and stops the appenders: the last call of a shutdown hook, after its last line. */
    public static void shutdown()
    {
        LogManager.shutdown();
    }
}
