package dev.flashsale.gateway;

/** Writes single-value metrics in the Prometheus text exposition format. */
public final class PrometheusText
{
    private PrometheusText()
    {
    }

    public static void counter(final StringBuilder out, final String name, final String help, final long value)
    {
        single(out, name, help, "counter", value);
    }

    public static void gauge(final StringBuilder out, final String name, final String help, final long value)
    {
        single(out, name, help, "gauge", value);
    }

    /** A gauge in seconds from a count of milliseconds: Prometheus' base unit, exact to the millisecond. */
    public static void gaugeSeconds(final StringBuilder out, final String name, final String help, final long millis)
    {
        seconds(header(out, name, help, "gauge"), millis).append('\n');
    }

    /** A counter in seconds from a count of nanoseconds, to the microsecond. */
    public static void counterSeconds(final StringBuilder out, final String name, final String help, final long nanos)
    {
        header(out, name, help, "counter")
            .append(java.math.BigDecimal.valueOf(nanos / 1_000, 6).stripTrailingZeros().toPlainString()).append('\n');
    }

    /** Appends {@code millis} as decimal seconds, such as {@code 1.25} or {@code -0.003}. */
    public static StringBuilder seconds(final StringBuilder out, final long millis)
    {
        return out.append(java.math.BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString());
    }

    private static void single(final StringBuilder out, final String name, final String help, final String type, final long value)
    {
        header(out, name, help, type).append(value).append('\n');
    }

    /** Appends the HELP and TYPE lines and the sample's name: the value comes next. */
    private static StringBuilder header(final StringBuilder out, final String name, final String help, final String type)
    {
        return out.append("# HELP ").append(name).append(' ').append(help).append('\n')
            .append("# TYPE ").append(name).append(' ').append(type).append('\n')
            .append(name).append(' ');
    }
}
