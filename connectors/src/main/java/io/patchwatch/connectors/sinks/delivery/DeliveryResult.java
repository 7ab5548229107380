package io.patchwatch.connectors.sinks.delivery;

/**
 * How one attempt went: delivered; worth retrying (5xx, timeouts, connection errors, 429 with its
 * Retry-After); or rejected for good (any other 4xx: the same request would fail again).
 *
 * @param status the HTTP status, or 0 when there was no response
 * @param detail the response body (shortened) or the error, for the failed-deliveries topic; never
 *               the request, which may carry a secret
 * @param retryAfterMillis how long the receiver asked us to wait, or -1
 */
public record DeliveryResult(Kind kind, int status, String detail, long retryAfterMillis) {
    /** Longest response body kept in a failed delivery. */
    public static final int MAX_DETAIL_CHARS = 2000;

    public enum Kind { DELIVERED, RETRY, REJECTED }

    public static DeliveryResult delivered(int status) {
        return new DeliveryResult(Kind.DELIVERED, status, "", -1);
    }

    public static DeliveryResult retry(int status, String detail, long retryAfterMillis) {
        return new DeliveryResult(Kind.RETRY, status, shorten(detail), retryAfterMillis);
    }

    public static DeliveryResult rejected(int status, String detail) {
        return new DeliveryResult(Kind.REJECTED, status, shorten(detail), -1);
    }

    /** A failure without a response: refused or reset connection, timeout, TLS failure. */
    public static DeliveryResult error(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof java.util.concurrent.CompletionException
                || cause instanceof java.util.concurrent.ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? "" : ": " + cause.getMessage();
        return retry(0, cause.getClass().getSimpleName() + message, -1);
    }

    private static String shorten(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= MAX_DETAIL_CHARS ? s : s.substring(0, MAX_DETAIL_CHARS) + "...";
    }
}
