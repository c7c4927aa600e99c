package dev.flashsale.gateway.http;

/**
 * Epoch milliseconds as ISO-8601 UTC text, exactly as {@link java.time.Instant#toString()} writes
 * them ({@code 2026-12-04T15:12:42.123Z}, no fraction on a whole second), into a char array:
 * every answer about a checkout carries one or two times.
 */
final class IsoTime
{
    private IsoTime()
    {
    }

    /** @return the length written at the start of {@code out} (24 at most), or -1 for a year outside 0..9999. */
    static int format(final long epochMs, final char[] out)
    {
        final long days = Math.floorDiv(epochMs, 86_400_000L);
        final int msOfDay = (int)Math.floorMod(epochMs, 86_400_000L);
        // Civil date from days since 1970-01-01, by 400-year eras of 146,097 days starting on March 1st.
        final long shifted = days + 719_468;
        final long era = Math.floorDiv(shifted, 146_097);
        final long dayOfEra = shifted - era * 146_097;
        final long yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        final long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        final long monthIndex = (5 * dayOfYear + 2) / 153; // 0 = March
        final int day = (int)(dayOfYear - (153 * monthIndex + 2) / 5 + 1);
        final int month = (int)(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
        final long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        if (year < 0 || year > 9_999)
        {
            return -1;
        }
        int p = digits(out, 0, (int)year, 4);
        out[p++] = '-';
        p = digits(out, p, month, 2);
        out[p++] = '-';
        p = digits(out, p, day, 2);
        out[p++] = 'T';
        p = digits(out, p, msOfDay / 3_600_000, 2);
        out[p++] = ':';
        p = digits(out, p, msOfDay / 60_000 % 60, 2);
        out[p++] = ':';
        p = digits(out, p, msOfDay / 1_000 % 60, 2);
        if (msOfDay % 1_000 != 0)
        {
            out[p++] = '.';
            p = digits(out, p, msOfDay % 1_000, 3);
        }
        out[p++] = 'Z';
        return p;
    }

    private static int digits(final char[] out, final int at, final int value, final int width)
    {
        int rest = value;
        for (int i = at + width - 1; i >= at; i--)
        {
            out[i] = (char)('0' + rest % 10);
            rest /= 10;
        }
        return at + width;
    }
}
