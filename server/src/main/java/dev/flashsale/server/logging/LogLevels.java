package dev.flashsale.server.logging;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Parses the level keys ({@code log.level}, {@code log.levels}) at load, so a typo stops the process with exit 2. */
public final class LogLevels
{
    /** The levels a key may name, most verbose first. */
    public static final List<String> NAMES = List.of("trace", "debug", "info", "warn", "error", "off");

    private static final Pattern LOGGER_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");

    private LogLevels()
    {
    }

    /** @return the level in lower case. @throws IllegalArgumentException naming {@code key} if it is no level. */
    public static String level(final String key, final String text)
    {
        final String level = text.trim().toLowerCase(Locale.ROOT);
        if (!NAMES.contains(level))
        {
            throw new IllegalArgumentException(key + ": '" + text.trim() + "' is not one of " + String.join(", ", NAMES));
        }
        return level;
    }

    /**
     * @param text {@code logger=level} pairs, comma-separated, e.g. {@code flashsale.access=warn,net.openhft=info}; may be empty.
     * @return level by logger name, in the order given.
     * @throws IllegalArgumentException naming {@code key} and the pair at fault.
     */
    public static Map<String, String> overrides(final String key, final String text)
    {
        final Map<String, String> levels = new LinkedHashMap<>();
        if (text.isBlank())
        {
            return levels;
        }
        for (final String pair : text.split(","))
        {
            final int equals = pair.indexOf('=');
            final String logger = equals < 0 ? "" : pair.substring(0, equals).trim();
            if (equals < 0 || !LOGGER_NAME.matcher(logger).matches())
            {
                throw new IllegalArgumentException(key + ": '" + pair.trim() + "' is not logger=level (a logger is a" +
                    " dotted name such as flashsale.access or dev.flashsale.gateway)");
            }
            if (levels.put(logger, level(key, pair.substring(equals + 1))) != null)
            {
                throw new IllegalArgumentException(key + ": logger " + logger + " is given twice");
            }
        }
        return levels;
    }
}
