package io.patchwatch.connectors.sinks.delivery;

import io.patchwatch.connectors.sinks.http.HttpEndpoint;
import io.patchwatch.connectors.sinks.webhook.WebhookSink;
import io.patchwatch.connectors.config.SecretRef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeliveryPolicyTest {
    private final DeliveryPolicy policy = new DeliveryPolicy(8, Duration.ofSeconds(30), Duration.ofSeconds(1),
            Duration.ofSeconds(60), Duration.ofHours(1), 1000, Duration.ZERO);

    @Test
    void backoffDoublesWithJitterBetweenHalfAndAll() {
        assertThat(policy.backoffMillis(1, 0.0)).isEqualTo(500);
        assertThat(policy.backoffMillis(1, 1.0)).isEqualTo(1000);
        assertThat(policy.backoffMillis(2, 0.0)).isEqualTo(1000);
        assertThat(policy.backoffMillis(4, 0.5)).isEqualTo(6000);
    }

    @Test
    void backoffStopsGrowingAtTheMaximum() {
        assertThat(policy.backoffMillis(7, 1.0)).isEqualTo(60_000);
        assertThat(policy.backoffMillis(1000, 0.0)).isEqualTo(30_000);
    }

    @Test
    void nonsenseIsRefused() {
        assertThatThrownBy(() -> new DeliveryPolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1), 1, Duration.ZERO)).hasMessageContaining("max_in_flight");
        assertThatThrownBy(() -> new DeliveryPolicy(1, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1),
                Duration.ofSeconds(1), 1, Duration.ZERO)).hasMessageContaining("backoff");
    }

    @Test
    void aMalformedSecretUrlIsReportedWithoutQuotingIt() {
        SinkSpec spec = new SinkSpec("slack", "webhook", new WebhookSink.Settings(new HttpEndpoint(null, null, Map.of()),
                SecretRef.ofEnv("SLACK_URL"), null, "{}"), AlertRoute.all(), DeliveryPolicy.defaults());
        assertThatThrownBy(() -> Receivers.create(spec, Map.of("SLACK_URL", "hooks.slack.com/services/T0/B0/S3CRET"), "t"))
                .hasMessage("sink slack: the URL in env:SLACK_URL is not an http(s) URL");
        Receivers.create(spec, Map.of("SLACK_URL", "https://hooks.slack.com/services/T0/B0/S3CRET"), "t").close();
    }

    @Test
    void aSecretReferenceNamesWhereNotWhat() {
        SecretRef ref = SecretRef.ofEnv("PD_ROUTING_KEY");
        assertThat(ref.resolve(Map.of("PD_ROUTING_KEY", "abc123"))).isEqualTo("abc123");
        assertThat(ref.toString()).isEqualTo("env:PD_ROUTING_KEY");
        assertThatThrownBy(() -> ref.resolve(Map.of())).hasMessage("environment variable PD_ROUTING_KEY is not set");
    }

    @Test
    void aRetryAfterPausesTheSinkAtMostMaxRetryAfter() {
        assertThat(DeliveryPolicy.defaults().pauseMillis(7_000)).isEqualTo(7_000);
        assertThat(DeliveryPolicy.defaults().pauseMillis(86_400_000)).isEqualTo(600_000);
        assertThat(DeliveryPolicy.defaults().pauseMillis(Long.MAX_VALUE)).isEqualTo(600_000);
    }
}
