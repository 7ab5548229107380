package io.patchwatch.connectors.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.format.DateTimeParseException;

/** Reading typed fields out of JSON payloads, for adapters of JSON formats. */
public final class JsonFields {
    private JsonFields() {}

    public static String text(JsonNode o, String field) {
        JsonNode n = o.path(field);
        return n.isTextual() && !n.textValue().isBlank() ? n.textValue() : null;
    }

    /**
     * A time field: ISO-8601 text, epoch milliseconds (integral) or epoch seconds (with a fraction,
     * as Icinga writes them); {@code fallback} when absent.
     *
     * @throws IllegalArgumentException when present but not a time
     */
    public static long time(JsonNode o, String field, long fallback) {
        JsonNode n = o.path(field);
        if (n.isMissingNode() || n.isNull()) {
            return fallback;
        }
        if (n.isFloatingPointNumber()) {
            return Math.round(n.doubleValue() * 1000);
        }
        if (n.isIntegralNumber()) {
            return n.longValue();
        }
        if (n.isTextual()) {
            try {
                return EventTimes.parseIso(n.textValue());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("field '" + field + "' is not ISO-8601: '" + n.textValue() + "'");
            }
        }
        throw new IllegalArgumentException("field '" + field + "' is not a time");
    }
}
