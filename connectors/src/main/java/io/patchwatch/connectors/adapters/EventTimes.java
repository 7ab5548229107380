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
