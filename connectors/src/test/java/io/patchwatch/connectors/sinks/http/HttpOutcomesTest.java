package io.patchwatch.connectors.sinks.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.connectors.sinks.delivery.DeliveryResult;
import io.patchwatch.connectors.sinks.delivery.DeliveryResult.Kind;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class HttpOutcomesTest {
    private static final long NOW = 1_762_740_000_000L; // Mon, 10 Nov 2025 02:00:00 GMT

    @Test
    void twoHundredsAreDelivered() {
        assertThat(HttpOutcomes.classify(200, null, "", NOW).kind()).isEqualTo(Kind.DELIVERED);
        assertThat(HttpOutcomes.classify(202, null, "", NOW).kind()).isEqualTo(Kind.DELIVERED);
    }

    @Test
    void serverErrorsAndRequestTimeoutsAreRetriedWithBackoff() {
        for (int status : new int[] {500, 502, 504, 408}) {
            DeliveryResult r = HttpOutcomes.classify(status, null, "oops", NOW);
            assertThat(r.kind()).as("" + status).isEqualTo(Kind.RETRY);
            assertThat(r.retryAfterMillis()).isEqualTo(-1);
            assertThat(r.detail()).isEqualTo("HTTP " + status + ": oops");
        }
    }

    @Test
    void tooManyRequestsWaitsForRetryAfterInSecondsOrAsADate() {
        assertThat(HttpOutcomes.classify(429, "7", "", NOW).retryAfterMillis()).isEqualTo(7_000);
        assertThat(HttpOutcomes.classify(429, "Mon, 10 Nov 2025 02:00:30 GMT", "", NOW).retryAfterMillis()).isEqualTo(30_000);
        assertThat(HttpOutcomes.classify(429, "Mon, 10 Nov 2025 01:00:00 GMT", "", NOW).retryAfterMillis()).isZero();
        assertThat(HttpOutcomes.classify(429, "soon", "", NOW).retryAfterMillis()).isEqualTo(-1);
        // Read without overflow, up to a day (the sink's max_retry_after then bounds the pause).
        assertThat(HttpOutcomes.classify(429, "31536000", "", NOW).retryAfterMillis()).isEqualTo(86_400_000);
        assertThat(HttpOutcomes.classify(429, "99999999999999999999", "", NOW).retryAfterMillis()).isEqualTo(86_400_000);
        assertThat(HttpOutcomes.classify(429, "9223372036854775807", "", NOW).retryAfterMillis()).isEqualTo(86_400_000);
        assertThat(HttpOutcomes.classify(429, "Fri, 31 Dec 2100 23:59:59 GMT", "", NOW).retryAfterMillis()).isEqualTo(86_400_000);
        assertThat(HttpOutcomes.classify(429, null, "", NOW).kind()).isEqualTo(Kind.RETRY);
        assertThat(HttpOutcomes.classify(503, "12", "", NOW).retryAfterMillis()).isEqualTo(12_000);
    }

    @Test
    void otherClientErrorsAreRejectedWithTheResponse() {
        for (int status : new int[] {400, 401, 403, 404, 413, 301}) {
            DeliveryResult r = HttpOutcomes.classify(status, "5", "{\"message\":\"Invalid routing key\"}", NOW);
            assertThat(r.kind()).as("" + status).isEqualTo(Kind.REJECTED);
            assertThat(r.detail()).contains("Invalid routing key").startsWith("HTTP " + status);
        }
    }

    @Test
    void connectionErrorsAndTimeoutsAreRetriedAndNamed() {
        DeliveryResult refused = DeliveryResult.error(new CompletionException(new ConnectException()));
        assertThat(refused.kind()).isEqualTo(Kind.RETRY);
        assertThat(refused.status()).isZero();
        assertThat(refused.detail()).isEqualTo("ConnectException");
        assertThat(DeliveryResult.error(new HttpTimeoutException("request timed out")).detail())
                .isEqualTo("HttpTimeoutException: request timed out");
    }

    @Test
    void hugeResponsesAreShortened() {
        DeliveryResult r = HttpOutcomes.classify(400, null, "x".repeat(100_000), NOW);
        assertThat(r.detail().length()).isLessThanOrEqualTo(DeliveryResult.MAX_DETAIL_CHARS + 3);
    }
}
