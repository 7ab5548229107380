package io.patchwatch.connectors.sinks.http;

import io.patchwatch.connectors.sinks.delivery.DeliveryResult;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * What an HTTP answer means for a delivery: 2xx delivered; 429 retried after its Retry-After;
 * 408 and 5xx retried with backoff; anything else (400, 401, 403, 404, 3xx...) rejected: the same
 * request would fail again, so it goes to the failed-deliveries topic with the response.
 */
public final class HttpOutcomes {
    private HttpOutcomes() {}

    public static DeliveryResult classify(int status, String retryAfter, String body, long nowMillis) {
        if (status >= 200 && status < 300) {
            return DeliveryResult.delivered(status);
        }
        String detail = "HTTP " + status + (body == null || body.isBlank() ? "" : ": " + body.strip());
        if (status == 429) {
            return DeliveryResult.retry(status, detail, retryAfterMillis(retryAfter, nowMillis));
        }
        if (status == 408 || status >= 500) {
            return DeliveryResult.retry(status, detail, status == 503 ? retryAfterMillis(retryAfter, nowMillis) : -1);
        }
        return DeliveryResult.rejected(status, detail);
    }

    /**
     * Retry-After values are read up to a day (one that overflows a long is a day too); the sink's
     * {@code max_retry_after} (10 minutes by default) then bounds the pause.
     */
    public static final long MAX_RETRY_AFTER_MILLIS = 24 * 60 * 60 * 1000L;

    /**
     * Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3), at most {@link
     * #MAX_RETRY_AFTER_MILLIS}; -1 when absent or unreadable.
     */
    static long retryAfterMillis(String value, long nowMillis) {
        if (value == null || value.isBlank() || value.length() > 64) {
            return -1;
        }
        String v = value.strip();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? -1 : seconds >= MAX_RETRY_AFTER_MILLIS / 1000 ? MAX_RETRY_AFTER_MILLIS : seconds * 1000;
        } catch (NumberFormatException notSeconds) {
            if (v.chars().allMatch(Character::isDigit)) {
                return MAX_RETRY_AFTER_MILLIS; // more seconds than a long holds
            }
            try {
                long at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
                return Math.min(MAX_RETRY_AFTER_MILLIS, Math.max(0, at - nowMillis));
            } catch (DateTimeParseException | ArithmeticException notADate) {
                return -1;
            }
        }
    }
}
