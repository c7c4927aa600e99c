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
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
            .append("# TYPE ").append(name).append(" gauge\n")
            .append(name).append(' ');
        seconds(out, millis).append('\n');
    }

    /** A counter in seconds from a count of nanoseconds, to the microsecond. */
    public static void counterSeconds(final StringBuilder out, final String name, final String help, final long nanos)
    {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
            .append("# TYPE ").append(name).append(" counter\n")
            .append(name).append(' ')
            .append(java.math.BigDecimal.valueOf(nanos / 1_000, 6).stripTrailingZeros().toPlainString()).append('\n');
    }

    /** Appends {@code millis} as decimal seconds, such as {@code 1.25} or {@code -0.003}. */
    public static StringBuilder seconds(final StringBuilder out, final long millis)
    {
        return out.append(java.math.BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString());
    }

    private static void single(final StringBuilder out, final String name, final String help, final String type, final long value)
    {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
            .append("# TYPE ").append(name).append(' ').append(type).append('\n')
            .append(name).append(' ').append(value).append('\n');
    }
}
