package io.patchwatch.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patchwatch.jobs.cli.PatchwatchCliAccess;
import io.patchwatch.jobs.jobconfig.JobConfig;
import io.patchwatch.jobs.support.CommittedAlerts;
import io.patchwatch.jobs.support.Scenario;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertStatus;
import io.patchwatch.testkit.PatchwatchMiniCluster;
import io.patchwatch.testkit.http.RecordingHttpServer;
import io.patchwatch.testkit.http.RecordingHttpServer.Answer;
import io.patchwatch.testkit.kafka.KafkaBrokerExtension;
import io.patchwatch.testkit.kafka.KafkaTestClients;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka job with alert sinks from job.yaml: PagerDuty (routed: critical only) receives exactly
 * the committed critical alerts, each once per status; a ticketing webhook that refuses everything
 * (routed: patch-failed only) leaves its alerts in the failed-deliveries topic with the response,
 * and {@code patchwatch deliveries retry} sends them once it is fixed.
 */
class KafkaAlertSinksITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = PatchwatchMiniCluster.extension();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Scenario NIGHT = Scenario.of("""
            02:00 SRV-01 heartbeat
            02:00 SRV-02 heartbeat
            02:03 SRV-01 patch_installed kb=KB5044284 reboot_required=true
            02:03 SRV-02 patch_installed kb=KB5044284 reboot_required=false
            02:04 SRV-01 reboot_initiated reason=patch
            02:05 SRV-02 heartbeat
            02:10 SRV-02 patch_failed kb=KB5044099 error=0x80070643
            02:10 SRV-02 heartbeat
            02:15 SRV-02 heartbeat
            02:20 SRV-02 heartbeat
            02:25 SRV-02 heartbeat
            02:30 SRV-02 heartbeat
            02:40 SRV-01 booted
            02:41 SRV-01 heartbeat
            02:45 SRV-02 heartbeat
            """);

    @TempDir
    Path dir;

    @Test
    void sinksFromJobYamlReceiveTheirRoutedAlertsAndRefusalsLandInFailedDeliveries() throws Exception {
        String input = KAFKA.newTopic("events", 1);
        String alerts = KAFKA.newTopic("alerts", 1);
        String failedTopic = KAFKA.newTopic("failed-deliveries", 1);
        try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(KAFKA.bootstrapServers())) {
            for (String line : NIGHT.jsonLines()) {
                KafkaTestClients.send(p, input, null, null, line.getBytes(StandardCharsets.UTF_8));
            }
        }
        Path routingKey = dir.resolve("pd-routing-key");
        Files.writeString(routingKey, "R0UTING-K3Y-SECRET\n");

        try (RecordingHttpServer pd = RecordingHttpServer.start();
             RecordingHttpServer tickets = RecordingHttpServer.start()) {
            pd.answer(r -> Answer.status(202));
            tickets.answer(r -> Answer.status(422).withBody("{\"error\":\"assignment group required\"}"));
            String yaml = ("""
                    kafka: {bootstrap_servers: "%s", starting_offsets: earliest, group_id: sinks-it}
                    inputs: [{topic: %s}]
                    outputs: {alerts_topic: %s, dead_letter_topic: %s-dlq, failed_deliveries_topic: %s}
                    time: {wall_clock_floor: "off"}
                    checkpoints: {interval: 1s}
                    parallelism: 2
                    sinks:
                      - name: pagerduty
                        type: pagerduty
                        url: %s/v2/enqueue
                        routing_key_file: %s
                        route: {severities: [critical]}
                      - name: tickets
                        type: webhook
                        url: %s/api/tickets
                        template: '{"short_description": "{{message}}", "ci": "{{device}}", "correlation_id": "{{dedup_key}}"}'
                        route: {rules: [patch-failed]}
                    """).formatted(KAFKA.bootstrapServers(), input, alerts, alerts, failedTopic, pd.url(), routingKey,
                    tickets.url());
            Path jobYaml = Files.writeString(dir.resolve("job.yaml"), yaml);
            JobConfig config = JobConfig.load(jobYaml);
            StreamExecutionEnvironment env = PatchwatchMiniCluster.environment(KafkaPipeline.flinkConfiguration(config));
            KafkaPipeline.define(env, config, Map.of(), true, Scenario.time("02:45"));
            env.execute("patchwatch sinks it");

            List<Alert> committed = CommittedAlerts.read(KAFKA.bootstrapServers(), alerts);
            List<String> critical = committed.stream().filter(a -> a.getSeverity().equals("critical"))
                    .map(a -> a.getDedupKey() + " " + (a.getStatus() == AlertStatus.firing ? "trigger" : "resolve")).sorted().toList();
            assertThat(critical).as("the night has a critical incident, fired and resolved").hasSizeGreaterThanOrEqualTo(2);
            assertThat(committed).as("and alerts that are not critical").anyMatch(a -> !a.getSeverity().equals("critical"));
            List<String> paged = pd.accepted().stream().map(r -> body(r).get("dedup_key").asText() + " "
                    + body(r).get("event_action").asText()).sorted().toList();
            assertThat(paged).isEqualTo(critical);
            assertThat(pd.accepted()).allSatisfy(r -> assertThat(body(r).get("routing_key").asText()).isEqualTo("R0UTING-K3Y-SECRET"));

            List<Alert> patchFailed = committed.stream().filter(a -> a.getRule().equals("patch-failed")).toList();
            assertThat(patchFailed).isNotEmpty();
            assertThat(tickets.requests()).hasSize(patchFailed.size());
            List<ConsumerRecord<byte[], byte[]>> failed =
                    KafkaTestClients.readAll(KAFKA.bootstrapServers(), failedTopic, false);
            assertThat(failed).hasSize(patchFailed.size());
            Map<String, JsonNode> byKey = failed.stream().collect(Collectors.toMap(
                    r -> new String(r.key(), StandardCharsets.UTF_8), r -> json(r.value())));
            assertThat(byKey.keySet()).containsExactlyInAnyOrderElementsOf(patchFailed.stream().map(Alert::getDedupKey).toList());
            assertThat(byKey.values()).allSatisfy(f -> {
                assertThat(f.get("sink").asText()).isEqualTo("tickets");
                assertThat(f.get("reason").asText()).isEqualTo("rejected");
                assertThat(f.get("status").asInt()).isEqualTo(422);
                assertThat(f.get("response").asText()).contains("assignment group required");
                assertThat(f.get("alert").get("rule").asText()).isEqualTo("patch-failed");
            });
            assertThat(new String(failed.get(0).headers().lastHeader("patchwatch.reason").value(), StandardCharsets.UTF_8))
                    .isEqualTo("rejected");
            assertThat(failed).allSatisfy(r -> assertThat(new String(r.value(), StandardCharsets.UTF_8))
                    .doesNotContain("R0UTING-K3Y-SECRET"));

            // The ticketing tool is fixed: `patchwatch deliveries retry` sends its failed deliveries
            // again, once; a second run finds nothing new.
            tickets.answer(r -> Answer.status(201));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            String[] retry = {"deliveries", "retry", "--config", jobYaml.toString(), "--sink", "tickets", "--idle", "3s"};
            assertThat(PatchwatchCliAccess.run(retry, out)).isZero();
            assertThat(tickets.accepted()).hasSize(patchFailed.size());
            assertThat(tickets.accepted().stream().map(r -> body(r).get("correlation_id").asText()))
                    .containsExactlyInAnyOrderElementsOf(patchFailed.stream().map(Alert::getDedupKey).toList());
            assertThat(out.toString(StandardCharsets.UTF_8)).contains(patchFailed.size() + " failed deliveries of tickets sent again");
            ByteArrayOutputStream again = new ByteArrayOutputStream();
            assertThat(PatchwatchCliAccess.run(retry, again)).isZero();
            assertThat(again.toString(StandardCharsets.UTF_8)).contains("0 failed deliveries of tickets sent again");
            assertThat(tickets.accepted()).hasSize(patchFailed.size());
        }
    }

    private static JsonNode body(RecordingHttpServer.Request r) {
        return json(r.body().getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode json(byte[] b) {
        try {
            return JSON.readTree(b);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
