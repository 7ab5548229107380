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
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patchwatch.schemas.Alert;
import io.patchwatch.testkit.PatchwatchMiniCluster;
import io.patchwatch.testkit.http.RecordingHttpServer;
import io.patchwatch.testkit.http.RecordingHttpServer.Request;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts through the delivery operator (on a Flink mini cluster) to HTTP receivers playing
 * PagerDuty, ServiceNow, Opsgenie, Splunk HEC and a Slack-style webhook: each request is read back
 * field by field against the receiver's documented shape, secrets where the API wants them.
 */
class SinkPayloadsITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = PatchwatchMiniCluster.extension();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LONG_MESSAGE = "MSSQLSERVER is not running on SQL-02 after the post-patch reboot "
            + "(KB5044284); \"SQL Server (MSSQLSERVER)\" stopped with error 1067 \\ the process terminated unexpectedly\n"
            + "second line of the message";

    @TempDir
    Path dir;

    private final Alert offline = TestAlerts.offline("acme", "SRV-SQL-01", 1);
    private final Alert back = TestAlerts.resolved(offline, 300_000);
    private final Alert service = TestAlerts.serviceDown("globex", "SQL-02", LONG_MESSAGE);

    private SecretRef secret(String name, String value) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, value + "\n");
        return SecretRef.ofFile(f.toString());
    }

    @Test
    void everyReceiverGetsItsDocumentedShape() throws Exception {
        try (RecordingHttpServer pd = RecordingHttpServer.start();
             RecordingHttpServer sn = RecordingHttpServer.start();
             RecordingHttpServer og = RecordingHttpServer.start();
             RecordingHttpServer hec = RecordingHttpServer.start();
             RecordingHttpServer hook = RecordingHttpServer.start()) {
            pd.answer(r -> RecordingHttpServer.Answer.status(202).withBody("{\"status\":\"success\"}"));
            og.answer(r -> RecordingHttpServer.Answer.status(202).withBody("{\"result\":\"Request will be processed\"}"));
            hec.answer(r -> RecordingHttpServer.Answer.status(200).withBody("{\"text\":\"Success\",\"code\":0}"));
            List<SinkSpec> sinks = List.of(
                    DeliveryJobs.spec("pagerduty", "pagerduty", new PagerDutySink.Settings(HttpEndpoint.of(pd.url() + "/v2/enqueue"),
                            secret("pd", "R0UTINGKEY0123456789abcdef012345")), DeliveryJobs.FAST_RETRIES),
                    DeliveryJobs.spec("servicenow", "servicenow", new ServiceNowSink.Settings(HttpEndpoint.of(sn.url()), "patchwatch-em",
                            secret("sn", "s3cr3t:pw")), DeliveryJobs.FAST_RETRIES),
                    DeliveryJobs.spec("opsgenie", "opsgenie", new OpsgenieSink.Settings(HttpEndpoint.of(og.url()),
                            secret("og", "eb243592-faa2-4ba2-a551q-1afdf565c889")), DeliveryJobs.FAST_RETRIES),
                    DeliveryJobs.spec("splunk", "splunk-hec", new SplunkHecSink.Settings(HttpEndpoint.of(hec.url()),
                            secret("hec", "B5A79AAD-D822-46CC-80D1-819F80D7BFB0"), "itops"), DeliveryJobs.FAST_RETRIES),
                    DeliveryJobs.spec("slack", "webhook", new WebhookSink.Settings(HttpEndpoint.of(hook.url() + "/services/T000/B000/XXXX"), null,
                            secret("hook", "w3bh00k-token"), "{\"text\": \"[{{status}}] {{message}}\", \"device\": \"{{device}}\", "
                                    + "\"kbs\": {{kbs_json}}, \"alert\": {{alert_json}}}"), DeliveryJobs.FAST_RETRIES));

            List<FailedDelivery> failed = DeliveryJobs.run(PatchwatchMiniCluster.environment(),
                    List.of(offline, service, back), sinks);
            assertThat(failed).isEmpty();

            checkPagerDuty(pd.accepted());
            checkServiceNow(sn.accepted());
            checkOpsgenie(og.accepted());
            checkHec(hec.accepted());
            checkWebhook(hook.accepted());
        }
    }

    private void checkPagerDuty(List<Request> requests) throws Exception {
        assertThat(requests).hasSize(3).allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.path()).isEqualTo("/v2/enqueue");
            assertThat(r.header("Content-Type")).isEqualTo("application/json");
        });
        JsonNode trigger = body(only(requests, offline.getDedupKey(), "trigger"));
        assertThat(trigger.get("routing_key").asText()).isEqualTo("R0UTINGKEY0123456789abcdef012345");
        assertThat(trigger.get("dedup_key").asText()).isEqualTo(offline.getDedupKey());
        JsonNode p = trigger.get("payload");
        assertThat(p.get("summary").asText()).isEqualTo(offline.getMessage());
        assertThat(p.get("source").asText()).isEqualTo("SRV-SQL-01");
        assertThat(p.get("severity").asText()).isEqualTo("critical");
        assertThat(p.get("timestamp").asText()).isEqualTo("2025-11-10T02:27:00Z");
        assertThat(p.get("component").asText()).isEqualTo("windows-update");
        assertThat(p.get("group").asText()).isEqualTo("acme/hq");
        assertThat(p.get("class").asText()).isEqualTo("offline-after-patch");
        JsonNode details = p.get("custom_details");
        assertThat(details.get("kbs").asText()).isEqualTo("KB5044284, KB5044033");
        assertThat(details.get("installed_at").asText()).isEqualTo("2025-11-10T02:01:00Z");
        assertThat(details.get("last_seen").asText()).isEqualTo("2025-11-10T02:17:00Z");
        assertThat(details.get("rule").asText()).isEqualTo("offline-after-patch");

        JsonNode resolve = body(only(requests, offline.getDedupKey(), "resolve"));
        assertThat(resolve.get("routing_key").asText()).isEqualTo("R0UTINGKEY0123456789abcdef012345");
        JsonNode service = body(only(requests, this.service.getDedupKey(), "trigger"));
        assertThat(service.get("payload").get("severity").asText()).isEqualTo("error");
        assertThat(service.get("payload").get("component").asText()).isEqualTo("MSSQLSERVER");
        assertThat(service.get("payload").get("summary").asText()).isEqualTo(LONG_MESSAGE);
        assertThat(service.get("payload").get("group").asText()).isEqualTo("globex");
        assertFiringFirst(requests, offline.getDedupKey(), r -> body(r).get("event_action").asText().equals("trigger"));
    }

    private void checkServiceNow(List<Request> requests) throws Exception {
        assertThat(requests).hasSize(3).allSatisfy(r -> {
            assertThat(r.path()).isEqualTo("/api/global/em/jsonv2");
            assertThat(r.header("Authorization")).isEqualTo("Basic "
                    + Base64.getEncoder().encodeToString("patchwatch-em:s3cr3t:pw".getBytes(StandardCharsets.UTF_8)));
        });
        JsonNode fired = record(requests, offline.getDedupKey(), "1");
        assertThat(fired.get("source").asText()).isEqualTo("patchwatch");
        assertThat(fired.get("node").asText()).isEqualTo("SRV-SQL-01");
        assertThat(fired.get("resource").asText()).isEqualTo("KB5044284,KB5044033");
        assertThat(fired.get("type").asText()).isEqualTo("offline-after-patch");
        assertThat(fired.get("metric_name").asText()).isEqualTo("offline-after-patch");
        assertThat(fired.get("description").asText()).isEqualTo(offline.getMessage());
        assertThat(fired.get("time_of_event").asText()).isEqualTo("2025-11-10 02:27:00");
        assertThat(fired.get("additional_info").isTextual()).isTrue();
        JsonNode info = JSON.readTree(fired.get("additional_info").asText());
        assertThat(info.get("kbs").asText()).isEqualTo("KB5044284, KB5044033");
        assertThat(info.get("tenant").asText()).isEqualTo("acme");

        JsonNode cleared = record(requests, offline.getDedupKey(), "0");
        assertThat(cleared.get("time_of_event").asText()).isEqualTo("2025-11-10 02:32:00");
        JsonNode service = record(requests, this.service.getDedupKey(), "2");
        assertThat(service.get("resource").asText()).isEqualTo("MSSQLSERVER");
        assertThat(service.get("description").asText()).isEqualTo(LONG_MESSAGE);
        assertFiringFirst(requests, offline.getDedupKey(), r -> !recordOf(r).get("severity").asText().equals("0"));
    }

    private void checkOpsgenie(List<Request> requests) throws Exception {
        assertThat(requests).hasSize(3).allSatisfy(r ->
                assertThat(r.header("Authorization")).isEqualTo("GenieKey eb243592-faa2-4ba2-a551q-1afdf565c889"));
        List<Request> creates = requests.stream().filter(r -> r.path().equals("/v2/alerts")).toList();
        assertThat(creates).hasSize(2);
        JsonNode offlineCreate = creates.stream().map(SinkPayloadsITCase::body)
                .filter(b -> b.get("alias").asText().equals(offline.getDedupKey())).findFirst().orElseThrow();
        assertThat(offlineCreate.get("message").asText()).isEqualTo(offline.getMessage());
        assertThat(offlineCreate.get("entity").asText()).isEqualTo("SRV-SQL-01");
        assertThat(offlineCreate.get("priority").asText()).isEqualTo("P1");
        assertThat(offlineCreate.get("source").asText()).isEqualTo("patchwatch");
        assertThat(offlineCreate.get("tags")).extracting(JsonNode::asText)
                .containsExactly("patchwatch", "offline-after-patch", "tenant:acme");
        assertThat(offlineCreate.get("details").get("kbs").asText()).isEqualTo("KB5044284, KB5044033");

        JsonNode longCreate = creates.stream().map(SinkPayloadsITCase::body)
                .filter(b -> b.get("alias").asText().equals(service.getDedupKey())).findFirst().orElseThrow();
        String message = longCreate.get("message").asText();
        assertThat(message.length()).isLessThanOrEqualTo(130);
        assertThat(message).endsWith("...").startsWith(LONG_MESSAGE.substring(0, 120));
        assertThat(longCreate.get("description").asText()).isEqualTo(LONG_MESSAGE);
        assertThat(longCreate.get("priority").asText()).isEqualTo("P2");

        Request close = requests.stream().filter(r -> r.path().endsWith("/close")).findFirst().orElseThrow();
        String alias = URLDecoder.decode(close.path().substring("/v2/alerts/".length(), close.path().length() - "/close".length()),
                StandardCharsets.UTF_8);
        assertThat(alias).isEqualTo(offline.getDedupKey());
        assertThat(close.query()).isEqualTo("identifierType=alias");
        assertThat(body(close).get("source").asText()).isEqualTo("patchwatch");
        assertFiringFirst(requests, offline.getDedupKey(), r -> r.path().equals("/v2/alerts"));
    }

    private void checkHec(List<Request> requests) throws Exception {
        assertThat(requests).hasSize(3).allSatisfy(r -> {
            assertThat(r.path()).isEqualTo("/services/collector/event");
            assertThat(r.header("Authorization")).isEqualTo("Splunk B5A79AAD-D822-46CC-80D1-819F80D7BFB0");
        });
        JsonNode e = requests.stream().map(SinkPayloadsITCase::body)
                .filter(b -> b.get("event").get("dedup_key").asText().equals(offline.getDedupKey())
                        && b.get("event").get("status").asText().equals("firing")).findFirst().orElseThrow();
        assertThat(e.get("time").decimalValue()).isEqualByComparingTo("1762741620.000");
        assertThat(e.get("host").asText()).isEqualTo("SRV-SQL-01");
        assertThat(e.get("source").asText()).isEqualTo("patchwatch");
        assertThat(e.get("sourcetype").asText()).isEqualTo("patchwatch:alert");
        assertThat(e.get("index").asText()).isEqualTo("itops");
        assertThat(e.get("event").get("rule").asText()).isEqualTo("offline-after-patch");
        assertThat(e.get("event").get("kbs")).extracting(JsonNode::asText).containsExactly("KB5044284", "KB5044033");
        assertThat(e.get("event").get("context").get("silent_for_s").asLong()).isEqualTo(600);
        assertThat(e.get("fields").get("tenant").asText()).isEqualTo("acme");
        assertThat(e.get("fields").get("status").asText()).isEqualTo("firing");
    }

    private void checkWebhook(List<Request> requests) throws Exception {
        assertThat(requests).hasSize(3).allSatisfy(r -> {
            assertThat(r.path()).isEqualTo("/services/T000/B000/XXXX");
            assertThat(r.header("Authorization")).isEqualTo("Bearer w3bh00k-token");
        });
        JsonNode longOne = requests.stream().map(SinkPayloadsITCase::body)
                .filter(b -> b.get("device").asText().equals("SQL-02")).findFirst().orElseThrow();
        // Quotes, a backslash and a line break in the message stay inside the JSON string.
        assertThat(longOne.get("text").asText()).isEqualTo("[firing] " + LONG_MESSAGE);
        assertThat(longOne.get("kbs")).extracting(JsonNode::asText).containsExactly("KB5044284");
        assertThat(longOne.get("alert").get("service").asText()).isEqualTo("MSSQLSERVER");
        assertThat(requests.stream().map(r -> body(r).get("text").asText()))
                .contains("[resolved] SRV-SQL-01 is back");
    }

    private static Request only(List<Request> requests, String dedupKey, String action) {
        List<Request> found = requests.stream().filter(r -> body(r).get("dedup_key").asText().equals(dedupKey)
                && body(r).get("event_action").asText().equals(action)).toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    private static JsonNode record(List<Request> requests, String messageKey, String severity) {
        List<JsonNode> found = requests.stream().map(SinkPayloadsITCase::recordOf)
                .filter(r -> r.get("message_key").asText().equals(messageKey) && r.get("severity").asText().equals(severity))
                .toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    private static JsonNode recordOf(Request r) {
        JsonNode records = body(r).get("records");
        assertThat(records.size()).isEqualTo(1);
        return records.get(0);
    }

    /** The firing alert of an incident reached the receiver before its resolve. */
    private static void assertFiringFirst(List<Request> requests, String dedupKey,
                                          java.util.function.Predicate<Request> isFiring) {
        List<Request> ofKey = requests.stream().filter(r -> r.body().contains(dedupKey)
                || (r.path().contains("/close") && URLDecoder.decode(r.path(), StandardCharsets.UTF_8).contains(dedupKey))).toList();
        assertThat(ofKey).hasSize(2);
        assertThat(isFiring.test(ofKey.get(0))).as("firing first").isTrue();
        assertThat(isFiring.test(ofKey.get(1))).as("then the resolve").isFalse();
    }

    static JsonNode body(Request r) {
        try {
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }
}
