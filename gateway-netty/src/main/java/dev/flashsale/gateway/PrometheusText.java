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

    private static void single(final StringBuilder out, final String name, final String help, final String type, final long value)
    {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
            .append("# TYPE ").append(name).append(' ').append(type).append('\n')
            .append(name).append(' ').append(value).append('\n');
    }
}
