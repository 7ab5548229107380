package io.patchwatch.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patchwatch.connectors.adapters.AdapterSettings;
import io.patchwatch.connectors.adapters.Adapters;
import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.connectors.adapters.RawRecord;
import io.patchwatch.connectors.json.AlertJson;
import io.patchwatch.jobs.settings.JobSettings;
import io.patchwatch.jobs.LocalFlink;
import io.patchwatch.jobs.cli.PatchwatchCliAccess;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.jobs.demo.FleetEvents;
import io.patchwatch.jobs.demo.FleetPlan;
import io.patchwatch.jobs.replay.Replay;
import io.patchwatch.jobs.support.CommittedAlerts;
import io.patchwatch.schemas.Alert;
import io.patchwatch.testkit.flink.FlinkCluster;
import io.patchwatch.testkit.kafka.KafkaBrokerExtension;
import io.patchwatch.testkit.kafka.KafkaTestClients;
import io.patchwatch.testkit.http.RecordingHttpServer;
import io.patchwatch.jobs.support.GrafanaDashboard;
import io.patchwatch.testkit.prometheus.PrometheusServer;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job jar on a real Flink standalone cluster (JobManager and TaskManager JVMs started from
 * flink-conf/config.yaml: RocksDB, incremental checkpoints), a real Kafka broker and a real
 * Prometheus scraping the patchwatch reporter: submitted and stopped with the CLI, a TaskManager
 * killed with SIGKILL in the middle of a patch night, a stop with a savepoint while a patch session
 * is open.
 */
class ClusterEndToEndITCase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String METRIC = "flink_taskmanager_job_task_operator_patchwatch_";

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    static Path dir;

    private static FlinkCluster flink;
    private static PrometheusServer prometheus;

    @BeforeAll
    static void startClusterAndPrometheus() throws Exception {
        int metricsBase = freePort();
        String range = metricsBase + "-" + (metricsBase + 8);
        flink = FlinkCluster.start(dir.resolve("flink"), Path.of(System.getProperty(FlinkCluster.CONF_PROPERTY)),
                Map.of("metrics.reporter.prom.port", range));
        prometheus = PrometheusServer.start(dir.resolve("prometheus"),
                IntStream.rangeClosed(metricsBase, metricsBase + 8).mapToObj(p -> "127.0.0.1:" + p).toList());
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (flink != null) {
            flink.close();
        }
    }

    @Test
    void aKilledTaskManagerLosesAndDuplicatesNoAlertAndMetricsReachPrometheus() throws Exception {
        String input = KAFKA.newTopic("cluster-in", 2);
        String alerts = KAFKA.newTopic("cluster-alerts", 1);
        String deadLetters = KAFKA.newTopic("cluster-dlq", 1);
        FleetPlan plan = FleetPlan.create(300, 4, 7);
        List<RawRecord> night = new ArrayList<>();
        new FleetEvents(plan).forEachRemaining(night::add);
        // After the night, one heartbeat per partition two days later: every deadline of the night
        // passes, in the live job as in replay (whose clock stops at the last event).
        long closing = plan.end() + Duration.ofDays(2).toMillis();
        List<byte[]> closingEvents = List.of(heartbeat("zz-clock-0", closing), heartbeat("zz-clock-1", closing));
        List<byte[]> poison = List.of("not json".getBytes(StandardCharsets.UTF_8),
                "{\"ts\":\"2026-11-10T01:00:00Z\",\"tenant\":\"acme\",\"kind\":\"heartbeat\"}".getBytes(StandardCharsets.UTF_8));

        List<RawRecord> all = new ArrayList<>(night);
        closingEvents.forEach(e -> all.add(new RawRecord("closing", e)));
        List<String> expected = replay(all, plan).stream().map(AlertJson::toJson).toList();
        assertThat(expected).as("the night raises alerts").hasSizeGreaterThan(20);

        // A ticketing webhook as alert sink, its token in a file read by the TaskManager.
        RecordingHttpServer tickets = RecordingHttpServer.start();
        tickets.answer(r -> RecordingHttpServer.Answer.status(201));
        Path token = Files.writeString(dir.resolve("tickets-token"), "t0ken-for-the-tickets\n");
        String sinks = """
                sinks:
                  - name: tickets
                    type: webhook
                    url: %s/api/incidents
                    token_file: %s
                    template: '{"key": "{{dedup_key}}", "status": "{{status}}", "device": "{{device}}"}'
                """.formatted(tickets.url(), token);
        Path jobYaml = jobConfig("recovery", input, alerts, deadLetters, plan, sinks);
        String jobId = submit(jobYaml, null);
        awaitRunning(jobId);

        // 1. The first half of the night; wait for a checkpoint after it.
        int half = night.size() / 2;
        produce(input, night.subList(0, half).stream().map(r -> r.payload).toList(), null);
        await("alerts of the first half committed", Duration.ofSeconds(120), () -> committed(alerts).size() >= 3);
        long checkpointsBefore = completedCheckpoints(jobId);
        await("a checkpoint after the first half", Duration.ofSeconds(60), () -> completedCheckpoints(jobId) > checkpointsBefore);

        // 2. kill -9 of the TaskManager, a new one, the job back to RUNNING from its checkpoint.
        flink.killTaskManager();
        flink.startTaskManager();
        await("the job restored from its checkpoint with every task running", Duration.ofSeconds(120),
                () -> restored(jobId) >= 1 && running(jobId));

        // 3. The rest of the night with some poison, and the closing heartbeats. (Poison after the
        //    kill: counters live in the TaskManager and start again at 0 in a new one.)
        produce(input, night.subList(half, night.size()).stream().map(r -> r.payload).toList(), null);
        produce(input, poison, 0);
        produce(input, List.of(closingEvents.get(0)), 0);
        produce(input, List.of(closingEvents.get(1)), 1);
        await("every alert committed", Duration.ofSeconds(180), () -> committed(alerts).size() >= expected.size());
        awaitCheckpoints(jobId, 2); // a duplicate would be committed with one of them
        List<String> seen = committed(alerts).stream().sorted(Replay.ALERT_ORDER).map(AlertJson::toJson).toList();
        assertThat(seen).as("read_committed alerts after the kill equal replay").containsExactlyElementsOf(expected);

        // The sink got every committed alert, with its status, across the kill: pending deliveries
        // were in the checkpoint. (What was delivered after the last checkpoint before the kill is
        // delivered again after it; tickets de-duplicate by key, so only the set is asserted.)
        Set<String> committedKeys = committed(alerts).stream().map(a -> a.getDedupKey() + " " + a.getStatus())
                .collect(Collectors.toSet());
        await("every alert delivered to the webhook", Duration.ofSeconds(60), () -> tickets.accepted().stream()
                .map(r -> r.body().replaceAll(".*\"key\": \"([^\"]+)\", \"status\": \"(\\w+)\".*", "$1 $2"))
                .collect(Collectors.toSet()).equals(committedKeys));
        assertThat(tickets.accepted()).allSatisfy(r ->
                assertThat(r.header("Authorization")).isEqualTo("Bearer t0ken-for-the-tickets"));
        tickets.close();

        // 4. Metrics in Prometheus: every device tracked (a gauge restored from the checkpoint),
        //    events per kind, dead letters per reason, alerts per rule, the detection lag.
        long devices = plan.devices().size() + 2;
        await("devices_tracked in Prometheus = " + devices, Duration.ofSeconds(60),
                () -> sum("sum(" + METRIC + "devices_tracked)") == devices);
        assertThat(sum("sum(" + METRIC + "events_in_total{kind=\"heartbeat\"})")).isPositive();
        assertThat(sum("sum(" + METRIC + "events_in_total{kind=\"patch_installed\"})")).isPositive();
        assertThat(sum("sum(" + METRIC + "dead_letters_total{reason=\"malformed\"})")).isEqualTo(1);
        assertThat(sum("sum(" + METRIC + "dead_letters_total{reason=\"missing_field\"})")).isEqualTo(1);
        assertThat(sum("sum(" + METRIC + "alerts_total{status=\"firing\"})")).isPositive();
        assertThat(sum("count(" + METRIC + "open_sessions)")).as("one open_sessions series per subtask").isEqualTo(2);
        assertThat(sum("sum(" + METRIC + "silent_devices)")).isBetween(0.0, (double) devices);
        assertThat(sum("sum(" + METRIC + "detection_lag_ms_count)")).isPositive();
        assertThat(sum("sum(" + METRIC + "deliveries_total{sink=\"tickets\",outcome=\"delivered\"})")).isPositive();

        // 5. The fleet gauges: every device in one state (rebuilt after the kill from the restored
        //    statuses), none labelled per device; every query of the Grafana dashboard answers,
        //    labelled as its panel shows it.
        //    The two closing heartbeats' devices are not in it: a status takes a fact once the
        //    watermark passed it, and the watermark stays behind them (event time only, one each
        //    on two partitions).
        long statusDevices = plan.devices().size();
        await(() -> "devices per state in Prometheus = " + statusDevices + " (now " + sum("sum(" + METRIC + "devices)") + ")",
                Duration.ofSeconds(60), () -> sum("sum(" + METRIC + "devices)") == statusDevices);
        JsonNode gauges = JSON.readTree(prometheus.query(METRIC + "devices")).path("data").path("result");
        assertThat(gauges).isNotEmpty().allSatisfy(series -> assertThat(series.path("metric").has("device")).isFalse());
        // Bounded: at most a series per (tenant, site, ring), state and subtask (2), whatever the number of devices.
        double places = sum("count(count by (tenant, site, ring) (" + METRIC + "devices))");
        assertThat((double) gauges.size()).as("series per place, state and subtask").isLessThanOrEqualTo(places * 7 * 2);
        assertThat(places).as("(tenant, site, ring) of the fleet plan: 4 tenants, 3 sites").isLessThan(devices / 4.0);
        GrafanaDashboard dashboard = GrafanaDashboard.load(Path.of("../flink-conf/grafana/patchwatch-fleet.json"));
        assertThat(dashboard.model().path("uid").asText()).isEqualTo("patchwatch-fleet");
        for (GrafanaDashboard.Query q : dashboard.queries()) {
            JsonNode result = JSON.readTree(prometheus.query(q.promql())).path("data").path("result");
            assertThat(result).as(q.where() + ": " + q.promql() + " answers").isNotEmpty();
            for (JsonNode series : result) {
                for (String label : q.labels()) {
                    assertThat(series.path("metric").has(label)).as(q.where() + ": a series without " + label + ": " + series).isTrue();
                }
            }
        }
        cancel(jobId);
    }

    @Test
    void aSessionOpenAtTheSavepointStillAlertsOnceAfterTheResubmit() throws Exception {
        // Two partitions, each with events: time never waits for an empty source reader to be declared idle.
        String input = KAFKA.newTopic("savepoint-in", 2);
        String alerts = KAFKA.newTopic("savepoint-alerts", 1);
        String deadLetters = KAFKA.newTopic("savepoint-dlq", 1);
        Path jobYaml = jobConfig("savepoint", input, alerts, deadLetters, null);
        long t0 = FleetPlan.NIGHT.toEpochMilli() + Duration.ofHours(2).toMillis();
        String jobId = submit(jobYaml, null);
        awaitRunning(jobId);

        // SRV-SP is patched at 02:01 and heartbeats until 02:03; the stop comes before its deadline (02:13).
        produce(input, List.of(heartbeat("SRV-SP", t0),
                event("SRV-SP", t0 + 60_000, "patch_installed", ",\"kb\":\"KB5044284\",\"reboot_required\":false"),
                heartbeat("SRV-SP", t0 + 180_000),
                heartbeat("SRV-OTHER", t0 + 240_000)), 0);
        produce(input, List.of(heartbeat("SRV-CLOCK", t0 + 240_000)), 1);
        await("the events read", Duration.ofSeconds(60), () -> sum("sum(" + METRIC + "devices_tracked)") == 3);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = PatchwatchCliAccess.run(new String[] {"stop", "--cluster", flink.restUrl(), "--job", jobId,
                "--savepoint", dir.resolve("savepoints").toString()}, out);
        assertThat(code).as("patchwatch stop: " + out).isZero();
        String savepoint = lastLine(out);
        assertThat(savepoint).contains("savepoint-");
        assertThat(committed(alerts)).as("no alert before the deadline").isEmpty();

        // While it is down, time moves past the deadline (other devices' heartbeats at 02:30).
        produce(input, List.of(heartbeat("SRV-OTHER", t0 + 29 * 60_000)), 0);
        produce(input, List.of(heartbeat("SRV-CLOCK", t0 + 29 * 60_000)), 1);
        String resumed = submit(jobYaml, savepoint);
        awaitRunning(resumed);

        await("the offline alert after the resubmit", Duration.ofSeconds(120), () -> !committed(alerts).isEmpty());
        awaitCheckpoints(resumed, 2); // a second alert would be committed with one of them
        List<Alert> fired = committed(alerts);
        assertThat(fired).hasSize(1);
        assertThat(fired.get(0).getDevice()).isEqualTo("SRV-SP");
        assertThat(fired.get(0).getRule()).isEqualTo("offline-after-patch");
        assertThat(fired.get(0).getKbs()).containsExactly("KB5044284");
        cancel(resumed);
    }

    @Test
    void aStructuralChangeAppliedWithRulesApplyKeepsTheUnchangedRulesInFlightState() throws Exception {
        String input = KAFKA.newTopic("apply-in", 2);
        String alerts = KAFKA.newTopic("apply-alerts", 1);
        String deadLetters = KAFKA.newTopic("apply-dlq", 1);
        Path jobYaml = jobConfig("apply", input, alerts, deadLetters, null);
        long t0 = FleetPlan.NIGHT.toEpochMilli() + Duration.ofHours(2).toMillis();
        String jobId = submit(jobYaml, null);
        awaitRunning(jobId);

        // SRV-AP restarts at 02:02: its reboot-hang is pending (a deadline at 02:22 and a CEP partial match).
        // It sends no heartbeat: were it monitored, its own offline would hold its reboot-hang (FLEET.md).
        produce(input, List.of(
                event("SRV-AP", t0 + 60_000, "patch_installed", ",\"kb\":\"KB5044284\",\"reboot_required\":true"),
                event("SRV-AP", t0 + 120_000, "reboot_initiated", ""),
                heartbeat("SRV-OTHER2", t0 + 240_000)), 0);
        produce(input, List.of(heartbeat("SRV-CLOCK2", t0 + 240_000)), 1);
        await("the events read", Duration.ofSeconds(60), () -> sum("sum(" + METRIC + "devices_tracked)") == 3);

        // A new rule (a structural change, refused by publish) goes in with rules apply.
        Path rules = jobYaml.getParent().resolve("rules.yaml");
        String current = Files.readString(rules);
        Path next = Files.writeString(jobYaml.getParent().resolve("rules-next.yaml"),
                current.replace("\noverrides:", "\n" + io.patchwatch.jobs.support.ExampleRules.EXAMPLES + "\noverrides:"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = PatchwatchCliAccess.run(new String[] {"rules", "apply", next.toString(), "--cluster", flink.restUrl(),
                "--job", jobId, "--config", jobYaml.toString(), "--savepoint", dir.resolve("savepoints-apply").toString(),
                "--jar", System.getProperty("patchwatch.job.jar")}, out);
        assertThat(code).as("patchwatch rules apply: " + out).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("boot-loop-after-patch: savepoint: added")
                .contains("stopped with savepoint").contains("published");
        String resumed = lastLine(out);
        assertThat(resumed).isNotEqualTo(jobId);
        awaitRunning(resumed);

        // Time moves past 02:22: the restart that never booted pages, from the state kept across the apply.
        produce(input, List.of(heartbeat("SRV-OTHER2", t0 + 30 * 60_000)), 0);
        produce(input, List.of(heartbeat("SRV-CLOCK2", t0 + 30 * 60_000)), 1);
        await("the reboot-hang after the apply", Duration.ofSeconds(120),
                () -> committed(alerts).stream().anyMatch(a -> a.getRule().equals("reboot-hang")));
        Alert hang = committed(alerts).stream().filter(a -> a.getRule().equals("reboot-hang")).findFirst().orElseThrow();
        assertThat(hang.getDevice()).isEqualTo("SRV-AP");
        assertThat(hang.getTs()).isEqualTo(t0 + 120_000 + 20 * 60_000);
        assertThat(hang.getContext().getRuleVersion()).as("the version rules apply published").isEqualTo(2);
        // The version in force, per job, in Prometheus.
        await("rules_version 2 in Prometheus", Duration.ofSeconds(60),
                () -> sum("max(" + METRIC + "rules_version{job_name=\"patchwatch apply\"})") == 2);
        cancel(resumed);
    }

    // --- helpers ---

    /**
     * Idleness stays well above the pause of a TaskManager restart: a partition whose reader starts
     * a few seconds after the other's would otherwise be declared idle, time would move on without
     * it, and its events would be late (applied at the watermark), unlike in replay.
     */
    private static Path jobConfig(String name, String input, String alerts, String deadLetters, FleetPlan plan) throws Exception {
        return jobConfig(name, input, alerts, deadLetters, plan, "");
    }

    private static Path jobConfig(String name, String input, String alerts, String deadLetters, FleetPlan plan,
                                  String sinks) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name));
        Files.copy(Path.of(System.getProperty(FlinkCluster.CONF_PROPERTY), "rules.yaml"), d.resolve("rules.yaml"));
        String inventory = "";
        if (plan != null) {
            Files.writeString(d.resolve("inventory.csv"), "device,tenant,site,group,criticality\n" + plan.devices().stream()
                    .map(x -> String.join(",", x.name(), x.tenant(), x.site(), x.group() == null ? "" : x.group(),
                            x.group() == null ? "normal" : "high"))
                    .collect(Collectors.joining("\n")) + "\n");
            inventory = "inventory: inventory.csv";
        }
        Path yaml = d.resolve("job.yaml");
        Files.writeString(yaml, """
                kafka:
                  bootstrap_servers: %s
                  starting_offsets: earliest
                  group_id: %s
                inputs:
                  - {topic: %s, format: canonical-json}
                outputs:
                  alerts_topic: %s
                  dead_letter_topic: %s
                rules: rules.yaml
                %s
                time:
                  out_of_orderness: 5s
                  idleness: 30s
                  wall_clock_floor: "off"
                  max_past: 60d
                checkpoints:
                  interval: 1s
                parallelism: 2
                %s
                """.formatted(KAFKA.bootstrapServers(), name, input, alerts, deadLetters, inventory, sinks));
        return yaml;
    }

    private static String submit(Path jobYaml, String savepoint) {
        List<String> args = new ArrayList<>(List.of("submit", "--cluster", flink.restUrl(), "--config", jobYaml.toString(),
                "--jar", System.getProperty("patchwatch.job.jar")));
        if (savepoint != null) {
            args.addAll(List.of("--from-savepoint", savepoint));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = PatchwatchCliAccess.run(args.toArray(String[]::new), out);
        assertThat(code).as("patchwatch submit: " + out).isZero();
        return lastLine(out);
    }

    private static String lastLine(ByteArrayOutputStream out) {
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        return lines.get(lines.size() - 1).strip();
    }

    private static String state(String jobId) {
        try {
            return new FlinkRestClient(flink.restUrl()).jobState(jobId);
        } catch (Exception e) {
            return "UNKNOWN (" + e.getMessage() + ")";
        }
    }

    private static void awaitRunning(String jobId) throws Exception {
        await("job " + jobId + " with every task running", Duration.ofSeconds(120), () -> running(jobId));
    }

    private static boolean running(String jobId) {
        try {
            return new FlinkRestClient(flink.restUrl()).allTasksRunning(jobId);
        } catch (Exception e) {
            return false;
        }
    }

    private static long restored(String jobId) {
        try {
            return new FlinkRestClient(flink.restUrl()).restoredCount(jobId);
        } catch (Exception e) {
            return -1;
        }
    }

    private static void cancel(String jobId) throws Exception {
        java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(flink.restUrl() + "/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
        await("job " + jobId + " cancelled", Duration.ofSeconds(60), () -> "CANCELED".equals(state(jobId)));
    }

    private static long completedCheckpoints(String jobId) {
        try {
            return JSON.readTree(flink.get("/jobs/" + jobId + "/checkpoints")).path("counts").path("completed").asLong();
        } catch (Exception e) {
            return -1;
        }
    }

    /**
     * Waits until {@code more} checkpoints completed after now. The job's output is transactional:
     * whatever it decided before the first of them is committed, and so readable, after the last.
     */
    private static void awaitCheckpoints(String jobId, int more) throws Exception {
        long now = completedCheckpoints(jobId);
        await(more + " more checkpoints of " + jobId, Duration.ofSeconds(60), () -> completedCheckpoints(jobId) >= now + more);
    }

    private static double sum(String promql) {
        try {
            JsonNode result = JSON.readTree(prometheus.query(promql)).path("data").path("result");
            return result.isEmpty() ? Double.NaN : Double.parseDouble(result.get(0).path("value").get(1).asText());
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws Exception {
        await(() -> what, timeout, condition);
    }

    /** @param what said when it times out (with what it saw last) */
    private static void await(java.util.function.Supplier<String> what, Duration timeout, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what.get() + "\n--- JobManager log ---\n"
                        + tail(flink.jobManagerLog()));
            }
            Thread.sleep(500);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            List<String> notable = lines.stream()
                    .filter(l -> l.contains("WARN") || l.contains("ERROR") || l.contains("switched from")).toList();
            return String.join("\n", notable.subList(Math.max(0, notable.size() - 40), notable.size()));
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static void produce(String topic, List<byte[]> payloads, Integer partition) {
        try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(KAFKA.bootstrapServers())) {
            for (byte[] payload : payloads) {
                String s = new String(payload, StandardCharsets.UTF_8);
                String device = s.replaceAll(".*\"device\":\"([^\"]+)\".*", "$1");
                p.send(new ProducerRecord<>(topic, partition, device.getBytes(StandardCharsets.UTF_8), payload));
            }
            p.flush();
        }
    }

    private static List<Alert> committed(String topic) {
        return CommittedAlerts.read(KAFKA.bootstrapServers(), topic);
    }

    private static byte[] heartbeat(String device, long ts) {
        return event(device, ts, "heartbeat", "");
    }

    private static byte[] event(String device, long ts, String kind, String extra) {
        return ("{\"ts\":\"" + EventTimes.format(ts) + "\",\"tenant\":\"acme\",\"site\":\"hq\",\"device\":\"" + device
                + "\",\"kind\":\"" + kind + "\",\"source\":\"test\"" + extra + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** {@code patchwatch replay} of the same records with the same rules and inventory. */
    private static List<Alert> replay(List<RawRecord> records, FleetPlan plan) throws Exception {
        // The live job reads the night from one topic: one feed, as this replay of it (the plan's
        // ping collector is a feed of its own only where it has its own input).
        List<RawRecord> oneFeed = new java.util.ArrayList<>();
        for (RawRecord r : records) {
            oneFeed.add(new RawRecord("night:" + (oneFeed.size() + 1), r.payload));
        }
        return io.patchwatch.jobs.support.FirstRulesVersion.of(Replay.run(LocalFlink.environment(2), oneFeed, false,
                Adapters.create("canonical-json", AdapterSettings.defaults()), JobSettings.replay(Long.MAX_VALUE),
                RuleSet.defaults(), plan.inventory(), null).alerts());
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
