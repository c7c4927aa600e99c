package dev.flashsale.gateway;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for tests: it fails on what a
 * Prometheus server would refuse or misread (a bad name, label or value; a TYPE after its samples
 * or twice; a family's samples not together; a series twice; a histogram whose buckets are not
 * cumulative or whose +Inf bucket is not its count).
 */
final class PrometheusPage
{
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern SAMPLE = Pattern.compile(
        "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? ([^ ]+)( -?[0-9]+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\[\\\\\"n])*)\"(,|$)");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /** One sample: its name, its labels in order, its value. */
    record Sample(String name, Map<String, String> labels, double value)
    {
    }

    /** Each family's type, by name. */
    final Map<String, String> types = new LinkedHashMap<>();
    final List<Sample> samples = new ArrayList<>();

    private PrometheusPage()
    {
    }

    /** @return the page read; throws {@link AssertionError} naming the line that is not valid. */
    static PrometheusPage parse(final String text)
    {
        final PrometheusPage page = new PrometheusPage();
        final Set<String> sampled = new HashSet<>(); // families whose samples began
        final Set<String> series = new HashSet<>();
        final Set<String> helped = new HashSet<>();
        String family = null;
        int number = 0;
        for (final String line : text.split("\n", -1))
        {
            number++;
            if (line.isEmpty())
            {
                continue;
            }
            final String where = "line " + number + ": " + line;
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE "))
            {
                final String[] parts = line.split(" ", 4);
                check(parts.length >= 3 && NAME.matcher(parts[2]).matches(), where);
                final String name = parts[2];
                check(!sampled.contains(name), where + " (after the family's samples)");
                if (line.startsWith("# TYPE "))
                {
                    check(parts.length == 4 && TYPES.contains(parts[3]) && !page.types.containsKey(name), where);
                    page.types.put(name, parts[3]);
                }
                else
                {
                    check(helped.add(name), where);
                }
                continue;
            }
            if (line.startsWith("#"))
            {
                continue;
            }
            final Matcher sample = SAMPLE.matcher(line);
            check(sample.matches(), where);
            final String name = sample.group(1);
            final Map<String, String> labels = new LinkedHashMap<>();
            if (sample.group(3) != null && !sample.group(3).isEmpty())
            {
                final Matcher label = LABEL.matcher(sample.group(3));
                int at = 0;
                while (at < sample.group(3).length())
                {
                    check(label.find(at) && label.start() == at, where);
                    check(labels.put(label.group(1), label.group(2)) == null, where);
                    at = label.end();
                }
            }
            final double value = value(sample.group(4), where);
            final String thisFamily = familyOf(name, page.types);
            if (!thisFamily.equals(family))
            {
                check(sampled.add(thisFamily), where + " (its family's samples are not together)");
                family = thisFamily;
            }
            check(series.add(name + new TreeMap<>(labels)), where + " (a series twice)");
            page.samples.add(new Sample(name, labels, value));
        }
        page.checkHistograms();
        return page;
    }

    /** @return the samples of {@code name} whose labels include {@code labels}. */
    List<Sample> find(final String name, final Map<String, String> labels)
    {
        final List<Sample> found = new ArrayList<>();
        for (final Sample sample : samples)
        {
            if (sample.name().equals(name) && sample.labels().entrySet().containsAll(labels.entrySet()))
            {
                found.add(sample);
            }
        }
        return found;
    }

    private void checkHistograms()
    {
        for (final Map.Entry<String, String> type : types.entrySet())
        {
            if (!type.getValue().equals("histogram"))
            {
                continue;
            }
            final Map<String, List<Sample>> bySeries = new LinkedHashMap<>();
            for (final Sample sample : samples)
            {
                if (sample.name().equals(type.getKey() + "_bucket"))
                {
                    final Map<String, String> rest = new TreeMap<>(sample.labels());
                    rest.remove("le");
                    bySeries.computeIfAbsent(rest.toString(), k -> new ArrayList<>()).add(sample);
                }
            }
            for (final Map.Entry<String, List<Sample>> buckets : bySeries.entrySet())
            {
                double previous = 0;
                for (final Sample bucket : buckets.getValue())
                {
                    check(bucket.labels().containsKey("le") && bucket.value() >= previous,
                        type.getKey() + buckets.getKey() + ": buckets not cumulative");
                    previous = bucket.value();
                }
                final Sample last = buckets.getValue().get(buckets.getValue().size() - 1);
                check("+Inf".equals(last.labels().get("le")), type.getKey() + buckets.getKey() + ": no +Inf bucket");
            }
        }
    }

    /** The family a sample belongs to: a histogram's or summary's samples carry suffixes. */
    private static String familyOf(final String name, final Map<String, String> types)
    {
        for (final String suffix : new String[] {"_bucket", "_sum", "_count", "_created"})
        {
            if (name.endsWith(suffix))
            {
                final String base = name.substring(0, name.length() - suffix.length());
                final String type = types.get(base);
                if ("histogram".equals(type) || "summary".equals(type) || "counter".equals(type) && suffix.equals("_created"))
                {
                    return base;
                }
            }
        }
        if (name.endsWith("_total") && "counter".equals(types.get(name.substring(0, name.length() - 6))))
        {
            return name.substring(0, name.length() - 6); // the client library names a counter's family without _total
        }
        return name;
    }

    private static double value(final String text, final String where)
    {
        switch (text)
        {
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            case "NaN":
                return Double.NaN;
            default:
                try
                {
                    return Double.parseDouble(text);
                }
                catch (final NumberFormatException ex)
                {
                    throw new AssertionError("not a value: " + where);
                }
        }
    }

    private static void check(final boolean condition, final String where)
    {
        if (!condition)
        {
            throw new AssertionError("not valid Prometheus text, " + where);
        }
    }
}
