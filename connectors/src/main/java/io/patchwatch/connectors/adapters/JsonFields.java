package io.patchwatch.connectors.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import io.patchwatch.connectors.text.SafeText;
import java.time.format.DateTimeParseException;

/** Reading typed fields out of JSON payloads, for adapters of JSON formats. */
public final class JsonFields {
    private JsonFields() {}

    public static String text(JsonNode o, String field) {
        JsonNode n = o.path(field);
        return n.isTextual() && !n.textValue().isBlank() ? n.textValue() : null;
    }

    /** Numbers below this are epoch seconds (it is 5138 in seconds, 1973 in milliseconds). */
    static final double SECONDS_BELOW = 1e11;

    /**
     * A time field: ISO-8601 text or an epoch number. A number is read by its size, whether it has a
     * fraction or not: below 10^11 it is seconds (Icinga's {@code 1699582980.25}, a Unix time),
     * above milliseconds; {@code fallback} when absent.
     *
     * @throws IllegalArgumentException when present but not a time
     */
    public static long time(JsonNode o, String field, long fallback) {
        JsonNode n = o.path(field);
        if (n.isMissingNode() || n.isNull()) {
            return fallback;
        }
        if (n.isNumber()) {
            double v = n.doubleValue();
            if (!Double.isFinite(v) || v < 0 || (n.isIntegralNumber() && !n.canConvertToLong())) {
                throw new IllegalArgumentException("field '" + field + "' is not an epoch time: " + SafeText.quote(n.asText()));
            }
            if (v < SECONDS_BELOW) {
                return Math.round(v * 1000);
            }
            return n.isIntegralNumber() ? n.longValue() : Math.round(v);
        }
        if (n.isTextual()) {
            try {
                return EventTimes.parseIso(n.textValue());
            } catch (DateTimeParseException | ArithmeticException e) {
                throw new IllegalArgumentException("field '" + field + "' is not ISO-8601: " + SafeText.quote(n.textValue()));
            }
        }
        throw new IllegalArgumentException("field '" + field + "' is not a time");
    }
}
