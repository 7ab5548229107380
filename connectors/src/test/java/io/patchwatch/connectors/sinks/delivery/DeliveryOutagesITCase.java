package io.patchwatch.connectors.sinks.delivery;

import io.patchwatch.connectors.sinks.http.HttpEndpoint;
import io.patchwatch.connectors.sinks.webhook.WebhookSink;
import io.patchwatch.connectors.sinks.splunk.SplunkHecSink;
import io.patchwatch.connectors.sinks.opsgenie.OpsgenieSink;
import io.patchwatch.connectors.sinks.servicenow.ServiceNowSink;
import io.patchwatch.connectors.sinks.pagerduty.PagerDutySink;
import io.patchwatch.connectors.config.SecretRef;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.patchwatch.schemas.Alert;
import io.patchwatch.testkit.PatchwatchMiniCluster;
import io.patchwatch.testkit.http.RecordingHttpServer;
import io.patchwatch.testkit.http.RecordingHttpServer.Answer;
import io.patchwatch.testkit.http.RecordingHttpServer.Request;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Receivers that fail the way real ones do, all during one patch night of alerts: PagerDuty answers
 * 503 for 30 s, ServiceNow refuses connections for 8 s, Opsgenie takes 10 s to answer, Splunk HEC
 * rate-limits with 429 and Retry-After. Afterwards each receiver took each alert exactly once per
 * status, firing before resolve, and the receivers that recovered early were not held back by
 * PagerDuty. A 400 and an alert that outlives max_age go to failed deliveries with the response.
 */
class DeliveryOutagesITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = PatchwatchMiniCluster.extension();

    private static final int INCIDENTS = 20;

    @TempDir
    Path dir;

    @Test
    void eachAlertIsDeliveredExactlyOncePerStatusThroughOutages() throws Exception {
        List<Alert> alerts = TestAlerts.incidents("acme", INCIDENTS);
        Path key = dir.resolve("key");
        Files.writeString(key, "K3Y-0123456789");
        SecretRef secret = SecretRef.ofFile(key.toString());
        ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
        try (RecordingHttpServer pd = RecordingHttpServer.start();
             RecordingHttpServer sn = RecordingHttpServer.start();
             RecordingHttpServer og = RecordingHttpServer.start();
             RecordingHttpServer hec = RecordingHttpServer.start()) {
            long start = System.currentTimeMillis();
            long pdBackAt = start + 30_000;
            pd.answer(r -> System.currentTimeMillis() < pdBackAt
                    ? Answer.status(503).withBody("{\"status\":\"unavailable\"}") : Answer.status(202));
            sn.stop();
            later.schedule(() -> {
                try {
                    sn.restart();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, 8, TimeUnit.SECONDS);
            long ogFastAt = start + 12_000;
            og.answer(r -> System.currentTimeMillis() < ogFastAt
                    ? Answer.status(202).after(Duration.ofSeconds(10)) : Answer.status(202));
            long hecOpenAt = start + 6_000;
            hec.answer(r -> System.currentTimeMillis() < hecOpenAt
                    ? Answer.status(429).withHeader("Retry-After", "3").withBody("{\"text\":\"Server is busy\",\"code\":9}")
                    : Answer.status(200).withBody("{\"text\":\"Success\",\"code\":0}"));

            List<SinkSpec> sinks = List.of(
                    DeliveryJobs.spec("pagerduty", "pagerduty", new PagerDutySink.Settings(HttpEndpoint.of(pd.url() + "/v2/enqueue"), secret),
                            DeliveryJobs.FAST_RETRIES),
                    DeliveryJobs.spec("servicenow", "servicenow", new ServiceNowSink.Settings(HttpEndpoint.of(sn.url()), "patchwatch-em", secret),
                            DeliveryJobs.FAST_RETRIES),
                    DeliveryJobs.spec("opsgenie", "opsgenie", new OpsgenieSink.Settings(HttpEndpoint.of(og.url()), secret), DeliveryJobs.FAST_RETRIES),
                    DeliveryJobs.spec("splunk", "splunk-hec", new SplunkHecSink.Settings(HttpEndpoint.of(hec.url()), secret, null),
                            DeliveryJobs.FAST_RETRIES));
            List<FailedDelivery> failed = DeliveryJobs.run(PatchwatchMiniCluster.environment(), alerts, sinks);
            assertThat(failed).isEmpty();

            assertExactlyOncePerStatus(pd.accepted(), r -> SinkPayloadsITCase.body(r).get("dedup_key").asText()
                    + " " + SinkPayloadsITCase.body(r).get("event_action").asText());
            assertExactlyOncePerStatus(sn.accepted(), r -> {
                JsonNode rec = SinkPayloadsITCase.body(r).get("records").get(0);
                return rec.get("message_key").asText() + " " + (rec.get("severity").asText().equals("0") ? "clear" : "fire");
            });
            assertExactlyOncePerStatus(og.accepted(), r -> r.path().endsWith("/close")
                    ? java.net.URLDecoder.decode(r.path().substring(11, r.path().length() - 6), java.nio.charset.StandardCharsets.UTF_8) + " close"
                    : SinkPayloadsITCase.body(r).get("alias").asText() + " create");
            assertExactlyOncePerStatus(hec.accepted(), r -> {
                JsonNode e = SinkPayloadsITCase.body(r).get("event");
                return e.get("dedup_key").asText() + " " + e.get("status").asText();
            });

            // PagerDuty's outage was retried, not dropped.
            assertThat(pd.requests().stream().filter(r -> r.answeredStatus() == 503).count()).isGreaterThan(INCIDENTS);
            assertThat(pd.accepted()).allSatisfy(r -> assertThat(r.receivedAt()).isGreaterThanOrEqualTo(pdBackAt));
            // Opsgenie's 10 s answers were waited for, not retried (they would have been duplicates).
            assertThat(og.requests()).hasSize(2 * INCIDENTS);
            // Each 429 (Retry-After: 3) paused its sink instance for 3 s: in the 6 s of rate limiting
            // at most two waves of requests per instance (2 instances, 4 in flight each) were refused.
            // Backoff alone (200 ms doubling) would have sent each of the 40 alerts about seven times.
            long refused = hec.requests().stream().filter(r -> r.answeredStatus() == 429).count();
            assertThat(refused).isBetween(1L, 3L * 2 * DeliveryJobs.FAST_RETRIES.maxInFlight());
            // PagerDuty's outage held back only PagerDuty's alerts.
            for (RecordingHttpServer other : List.of(sn, og, hec)) {
                assertThat(other.accepted().stream().mapToLong(Request::receivedAt).max().orElseThrow()).isLessThan(pdBackAt);
            }
        } finally {
            later.shutdownNow();
        }
    }

    @Test
    void rejectedAndExpiredAlertsGoToFailedDeliveriesWithTheResponse() throws Exception {
        Alert good = TestAlerts.offline("acme", "SRV-OK-01", 1);
        Alert bad = TestAlerts.offline("acme", "SRV-BAD-01", 1);
        Path token = dir.resolve("token");
        Files.writeString(token, "s3cret-t0ken");
        try (RecordingHttpServer hook = RecordingHttpServer.start();
             RecordingHttpServer down = RecordingHttpServer.start();
             RecordingHttpServer echo = RecordingHttpServer.start()) {
            // A receiver that quotes the request's credentials in its refusal.
            echo.answer(r -> Answer.status(401).withBody("{\"error\":\"bad credentials: " + r.header("Authorization") + "\"}"));
            hook.answer(r -> r.body().contains("SRV-BAD-01")
                    ? Answer.status(400).withBody("{\"error\":\"invalid_payload\",\"field\":\"device\"}") : Answer.status(200));
            down.answer(r -> Answer.status(502).withBody("Bad Gateway"));
            DeliveryPolicy shortLived = new DeliveryPolicy(4, Duration.ofSeconds(5), Duration.ofMillis(200),
                    Duration.ofMillis(500), Duration.ofSeconds(3), 1000, Duration.ZERO);
            List<SinkSpec> sinks = List.of(
                    DeliveryJobs.spec("tickets", "webhook", new WebhookSink.Settings(HttpEndpoint.of(hook.url() + "/hook"), null, null,
                            "{\"device\": \"{{device}}\", \"key\": \"{{dedup_key}}\"}"), DeliveryJobs.FAST_RETRIES),
                    DeliveryJobs.spec("gone", "webhook", new WebhookSink.Settings(HttpEndpoint.of(down.url() + "/hook"), null, null,
                            "{\"device\": \"{{device}}\"}"), shortLived),
                    DeliveryJobs.spec("echo", "splunk-hec", new SplunkHecSink.Settings(HttpEndpoint.of(echo.url()),
                            SecretRef.ofFile(token.toString()), null), DeliveryJobs.FAST_RETRIES));

            List<FailedDelivery> failed = DeliveryJobs.run(PatchwatchMiniCluster.environment(), List.of(good, bad), sinks);

            // The 400 was sent once, not retried; the good alert went through.
            assertThat(hook.requests().stream().filter(r -> r.body().contains("SRV-BAD-01")).count()).isEqualTo(1);
            assertThat(hook.accepted()).hasSize(1);
            Map<String, List<FailedDelivery>> bySink = failed.stream().collect(Collectors.groupingBy(f -> f.sink));
            assertThat(bySink.get("tickets")).singleElement().satisfies(f -> {
                assertThat(f.reason).isEqualTo("rejected");
                assertThat(f.status).isEqualTo(400);
                assertThat(f.response).contains("invalid_payload");
                assertThat(f.attempts).isEqualTo(1);
                assertThat(f.dedupKey).isEqualTo(bad.getDedupKey());
                assertThat(f.toJson()).contains("\"device\":\"SRV-BAD-01\"").contains("\"reason\":\"rejected\"");
            });
            assertThat(bySink.get("gone")).hasSize(2).allSatisfy(f -> {
                assertThat(f.reason).isEqualTo("max_age");
                assertThat(f.status).isEqualTo(502);
                assertThat(f.response).contains("Bad Gateway");
                assertThat(f.attempts).isGreaterThan(2);
                assertThat(f.failedAt - f.queuedAt).isLessThanOrEqualTo(3_000 + 1_000);
            });
            // The secret the receiver echoed is not in the failed delivery.
            assertThat(bySink.get("echo")).hasSize(2).allSatisfy(f -> {
                assertThat(f.status).isEqualTo(401);
                assertThat(f.response).contains("bad credentials: Splunk <redacted>").doesNotContain("s3cret-t0ken");
                assertThat(f.toJson()).doesNotContain("s3cret-t0ken");
            });
        }
    }

    private static void assertExactlyOncePerStatus(List<Request> accepted, Function<Request, String> keyAndStatus) {
        Map<String, Long> counts = accepted.stream().collect(Collectors.groupingBy(keyAndStatus, Collectors.counting()));
        assertThat(counts).hasSize(2 * INCIDENTS).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
        // Per incident, the firing alert was taken before its resolve.
        Map<String, List<String>> order = accepted.stream().map(keyAndStatus)
                .collect(Collectors.groupingBy(s -> s.substring(0, s.lastIndexOf(' ')), Collectors.mapping(
                        s -> s.substring(s.lastIndexOf(' ') + 1), Collectors.toList())));
        assertThat(order).hasSize(INCIDENTS).allSatisfy((k, statuses) ->
                assertThat(statuses.get(0)).as(k).isIn("trigger", "fire", "create", "firing"));
    }
}
