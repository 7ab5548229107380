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

    /** Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3); -1 when absent or unreadable. */
    static long retryAfterMillis(String value, long nowMillis) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        String v = value.strip();
        try {
            return Math.max(0, Long.parseLong(v) * 1000);
        } catch (NumberFormatException notSeconds) {
            try {
                long at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
                return Math.max(0, at - nowMillis);
            } catch (DateTimeParseException notADate) {
                return -1;
            }
        }
    }
}
