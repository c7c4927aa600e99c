package dev.flashsale.server.config;

import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One configuration key: its name (also its environment variable), what it means, its default,
 * and how a text value is parsed and applied.
 *
 * @param key         e.g. {@code engine.checkout-capacity}.
 * @param description one line for docs/CONFIGURATION.md and errors.
 * @param defaultText the default, as text.
 * @param apply       parses the text and sets it; throws IllegalArgumentException on bad text.
 */
public record Setting(String key, String description, String defaultText, BiConsumer<FlashsaleConfig, String> apply)
{
    /** @return the environment variable: {@code FLASHSALE_} + the key upper-cased, dots and dashes as underscores. */
    public String environmentVariable()
    {
        return "FLASHSALE_" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    static Setting ofInt(
        final String key, final String description, final int defaultValue, final BiConsumer<FlashsaleConfig, Integer> set)
    {
        return new Setting(key, description, Integer.toString(defaultValue), (c, text) -> set.accept(c, parse(key, text,
            t -> Integer.parseInt(t.replace("_", "")), "an integer")));
    }

    static Setting ofLong(
        final String key, final String description, final long defaultValue, final BiConsumer<FlashsaleConfig, Long> set)
    {
        return new Setting(key, description, Long.toString(defaultValue), (c, text) -> set.accept(c, parse(key, text,
            t -> Long.parseLong(t.replace("_", "")), "an integer")));
    }

    static <E extends Enum<E>> Setting ofEnum(
        final String key,
        final String description,
        final E defaultValue,
        final Class<E> type,
        final BiConsumer<FlashsaleConfig, E> set)
    {
        return new Setting(key, description, defaultValue.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
            (c, text) -> set.accept(c, parse(key, text, t -> Enum.valueOf(type,
                t.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_')), "one of " + names(type))));
    }

    private static <T> T parse(final String key, final String text, final Function<String, T> parser, final String what)
    {
        try
        {
            return parser.apply(text.trim());
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(key + ": '" + text + "' is not " + what, ex);
        }
    }

    private static <E extends Enum<E>> String names(final Class<E> type)
    {
        final StringBuilder names = new StringBuilder();
        for (final E value : type.getEnumConstants())
        {
            names.append(names.length() == 0 ? "" : ", ").append(value.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        }
        return names.toString();
    }
}
