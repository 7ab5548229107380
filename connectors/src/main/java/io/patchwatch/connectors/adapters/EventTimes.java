package io.patchwatch.connectors.adapters;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Parses the timestamp forms patchwatch accepts: ISO-8601 with an offset, or epoch milliseconds. */
public final class EventTimes {

    private EventTimes() {}

    /**
     * @return epoch milliseconds
     * @throws DateTimeParseException when the text is not ISO-8601 with an offset (or Z)
     */
    public static long parseIso(String text) {
        if (text.length() > 64) {
            throw new DateTimeParseException("too long for a time", text.substring(0, 64), 64);
        }
        long fast = parseCommonIso(text);
        if (fast != NOT_COMMON) {
            return fast;
        }
        try {
            try {
                return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                // Also accept "2026-11-10T02:03:00.123456789Z" style with more fraction digits
                // (ISO_INSTANT) before giving up; a time without offset is ambiguous and refused.
                return Instant.parse(text).toEpochMilli();
            }
        } catch (ArithmeticException e) {
            // A year like +999999999 parses but is beyond epoch milliseconds.
            throw new DateTimeParseException("beyond the range of epoch milliseconds", text, 0);
        }
    }

    /** {@link #parseCommonIso}'s answer for a text it leaves to {@link DateTimeFormatter}. */
    static final long NOT_COMMON = Long.MIN_VALUE;

    /**
     * The form nearly every feed writes, {@code 2026-11-10T02:03:00Z}, {@code 2026-11-10T02:03:00.123+01:00}
     * (four-digit year, seconds, 0-9 fraction digits, Z or an offset of hours and minutes), read
     * without {@link DateTimeFormatter}, which costs a fifth of a replay's parsing. Anything else,
     * and any field out of its range, is {@link #NOT_COMMON}: the formatter decides it, so what is
     * accepted and refused is exactly what it accepts and refuses.
     */
    static long parseCommonIso(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return NOT_COMMON;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > lengthOfMonth(year, month)
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return NOT_COMMON;
        }
        int i = 19;
        int millis = 0;
        if (i < n && s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                if (i - start < 3) {
                    millis = millis * 10 + (s.charAt(i) - '0');
                }
                i++;
            }
            int count = i - start;
            if (count == 0 || count > 9) {
                return NOT_COMMON;
            }
            for (int k = count; k < 3; k++) {
                millis *= 10;
            }
        }
        int offsetSeconds;
        if (i == n - 1 && s.charAt(i) == 'Z') {
            offsetSeconds = 0;
        } else if (i == n - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
            int oh = digits(s, i + 1, 2);
            int om = digits(s, i + 4, 2);
            if (oh < 0 || oh > 17 || om < 0 || om > 59) {
                return NOT_COMMON;
            }
            offsetSeconds = (s.charAt(i) == '-' ? -1 : 1) * (oh * 3600 + om * 60);
        } else {
            return NOT_COMMON;
        }
        long days = epochDay(year, month, day);
        return (days * 86_400 + hour * 3600L + minute * 60L + second - offsetSeconds) * 1000 + millis;
    }

    /** The decimal value of {@code count} ASCII digits at {@code from}, or -1. */
    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static int lengthOfMonth(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (as {@link java.time.LocalDate#toEpochDay}). */
    private static long epochDay(int year, int month, int day) {
        long y = year;
        long total = 365 * y;
        total += (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;
        total += (367 * month - 362) / 12;
        total += day - 1;
        if (month > 2) {
            total--;
            if (!(year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))) {
                total--;
            }
        }
        return total - 719_528; // DAYS_0000_TO_1970
    }

    /** A local date-time that the source documents as UTC ("2017-07-20 08:36:22.588581"). */
    public static long parseUtcLocal(String text) {
        if (text.length() > 64) {
            throw new DateTimeParseException("too long for a time", text.substring(0, 64), 64);
        }
        try {
            return LocalDateTime.parse(text.replace(' ', 'T')).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (ArithmeticException e) {
            throw new DateTimeParseException("beyond the range of epoch milliseconds", text, 0);
        }
    }

    /** ISO-8601 UTC rendering used in every output ("2026-11-10T02:27:41Z"). */
    public static String format(long epochMillis) {
        // Instant covers every long of milliseconds, so this never throws.
        return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(epochMillis));
    }
}
