package io.patchwatch.connectors.sinks.delivery;

import io.patchwatch.connectors.sinks.SinkOptions.Delivery;
import java.io.Serializable;
import java.time.Duration;

/**
 * How one sink delivers (the {@code delivery:} block of a sink in job.yaml).
 *
 * @param maxInFlight   requests awaiting an answer at once, per parallel instance
 * @param timeout       how long one request may take before it counts as failed (and is retried)
 * @param initialBackoff the first retry's delay; each further retry doubles it, with jitter
 * @param maxBackoff    the longest delay between two retries
 * @param maxAge        an alert not delivered this long after it arrived goes to failed deliveries
 * @param maxPending    alerts waiting per parallel instance; beyond it the oldest goes to failed
 *                      deliveries (a bound on memory and checkpoint size during a long outage)
 * @param resendInterval re-send firing alerts this often (Alertmanager), or zero: never
 * @param maxRetryAfter the longest pause a receiver's Retry-After can impose on the sink
 */
public record DeliveryPolicy(int maxInFlight, Duration timeout, Duration initialBackoff, Duration maxBackoff,
                             Duration maxAge, int maxPending, Duration resendInterval, Duration maxRetryAfter)
        implements Serializable {

    public DeliveryPolicy(int maxInFlight, Duration timeout, Duration initialBackoff, Duration maxBackoff,
                          Duration maxAge, int maxPending, Duration resendInterval) {
        this(maxInFlight, timeout, initialBackoff, maxBackoff, maxAge, maxPending, resendInterval,
                Delivery.MAX_RETRY_AFTER.defaultValue());
    }

    /** The defaults of job.yaml's {@code delivery:} keys ({@link Delivery}, their one home). */
    public static DeliveryPolicy defaults() {
        return new DeliveryPolicy(Delivery.MAX_IN_FLIGHT.defaultValue(), Delivery.TIMEOUT.defaultValue(),
                Delivery.BACKOFF_INITIAL.defaultValue(), Delivery.BACKOFF_MAX.defaultValue(), Delivery.MAX_AGE.defaultValue(),
                Delivery.MAX_PENDING.defaultValue(), Duration.ZERO, Delivery.MAX_RETRY_AFTER.defaultValue());
    }

    public DeliveryPolicy {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("max_in_flight must be at least 1");
        }
        if (maxPending < 1) {
            throw new IllegalArgumentException("max_pending must be at least 1");
        }
        if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoff: initial must be positive and at most max");
        }
        if (timeout.isZero() || timeout.isNegative() || maxAge.isZero() || maxAge.isNegative()) {
            throw new IllegalArgumentException("timeout and max_age must be positive");
        }
        if (maxRetryAfter.isZero() || maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("max_retry_after must be positive");
        }
    }

    public DeliveryPolicy withResendInterval(Duration interval) {
        return new DeliveryPolicy(maxInFlight, timeout, initialBackoff, maxBackoff, maxAge, maxPending, interval, maxRetryAfter);
    }

    /**
     * How long the sink pauses when a receiver asked for {@code retryAfterMillis}: at most {@code
     * maxRetryAfter}, so a receiver asking for a year cannot switch the sink off.
     */
    public long pauseMillis(long retryAfterMillis) {
        return Math.min(Math.max(0, retryAfterMillis), maxRetryAfter.toMillis());
    }

    /**
     * The delay before retry number {@code attempt} (1 = the first retry): exponential, capped, with
     * "equal jitter" (between half and all of it), so that the alerts held back by one outage do
     * not all come back at the same instant.
     */
    public long backoffMillis(int attempt, double random) {
        double exp = initialBackoff.toMillis() * Math.pow(2, Math.min(attempt - 1, 30));
        long capped = (long) Math.min(exp, maxBackoff.toMillis());
        return capped / 2 + (long) (random * (capped - capped / 2));
    }
}
