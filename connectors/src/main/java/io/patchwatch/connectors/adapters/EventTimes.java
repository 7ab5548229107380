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
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            // Also accept "2026-11-10T02:03:00.123456789Z" style with more fraction digits
            // (ISO_INSTANT) before giving up; a time without offset is ambiguous and refused.
            return Instant.parse(text).toEpochMilli();
        }
    }

    /** A local date-time that the source documents as UTC ("2017-07-20 08:36:22.588581"). */
    public static long parseUtcLocal(String text) {
        return LocalDateTime.parse(text.replace(' ', 'T')).toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    /** ISO-8601 UTC rendering used in every output ("2026-11-10T02:27:41Z"). */
    public static String format(long epochMillis) {
        return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(epochMillis));
    }
}
