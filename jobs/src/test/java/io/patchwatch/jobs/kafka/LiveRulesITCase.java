package io.patchwatch.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.connectors.adapters.AdapterSettings;
import io.patchwatch.connectors.adapters.Adapters;
import io.patchwatch.connectors.adapters.RawRecord;
import io.patchwatch.connectors.json.AlertJson;
import io.patchwatch.jobs.settings.JobSettings;
import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.jobs.replay.Replay;
import io.patchwatch.jobs.live.RuleVersion;
import io.patchwatch.jobs.live.RuleVersions;
import io.patchwatch.jobs.live.RulesRecord;
import io.patchwatch.connectors.kafka.KafkaConnection;
import io.patchwatch.jobs.support.CommittedAlerts;
import io.patchwatch.jobs.support.LiveKafkaJob;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertStatus;
import io.patchwatch.testkit.PatchwatchMiniCluster;
import io.patchwatch.testkit.kafka.KafkaBrokerExtension;
import io.patchwatch.testkit.kafka.KafkaTestClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * RULES.md "Changing rules while the job runs", live on a real broker: versions published with
 * {@code rules publish} while deadlines are pending (tighter, looser, disabled), a structural change
 * refused, a bad record ignored, the job running throughout, and a replay of the same events with
 * the recorded versions ({@code rules history}, {@code replay --rule-versions}) giving the same alerts.
 */
class LiveRulesITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = PatchwatchMiniCluster.extension();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    Path dir;

    private int probes;

    @Test
    void publishedVersionsMovePendingDeadlinesAndADisabledRuleResolvesItsIncidents() throws Exception {
        String input = KAFKA.newTopic("rules-live-in", 1);
        String alerts = KAFKA.newTopic("rules-live-alerts", 1);
        String deadLetters = KAFKA.newTopic("rules-live-dlq", 1);
        // This tenant: N = 20 s, B = 40 s (version 1, the job's file, published by the job at start).
        JobClient job = LiveKafkaJob.start(dir, KAFKA.bootstrapServers(), input, alerts, deadLetters, "lr",
                "20s\n    boot_within: 40s");
        String file = Files.readString(dir.resolve("rules.yaml"));
        RulesTopic topic = new RulesTopic(KafkaConnection.plaintext(KAFKA.bootstrapServers()).clientProperties(),
                "patchwatch-rules", input + "-group");
        try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(KAFKA.bootstrapServers())) {
            awaitVersion(topic, 1);
            // A restarts (its reboot-hang deadline: t0 + 40 s); C installs and goes quiet. A sends no
            // heartbeat: were it monitored, its own offline would hold its reboot-hang (FLEET.md).
            long t0 = System.currentTimeMillis();
            send(p, input, event(t0 - 1_500, "LR-A", "\"kind\":\"patch_installed\",\"kb\":\"KB5044284\""));
            send(p, input, event(t0 - 1_000, "LR-A", "\"kind\":\"reboot_initiated\""));
            send(p, input, event(t0 - 2_000, "LR-C", "\"kind\":\"heartbeat\""));
            send(p, input, event(t0 - 1_000, "LR-C", "\"kind\":\"patch_installed\",\"kb\":\"KB5044284\""));

            // 1. Tighter: B = 10 s from now on; A's pending deadline (set once the watermark passed
            //    its restart) moves to t0 - 1 s + 10 s.
            awaitEventTime(p, input, alerts, t0 - 900);
            long v2From = System.currentTimeMillis();
            // Published as an operator does, through the command line.
            assertThat(publish("v2", file.replace("boot_within: 40s", "boot_within: 10s"), input, "--effective-from",
                    EventTimes.format(v2From))).isZero();
            assertThat(topic.versions()).last().extracting(RuleVersion::version).isEqualTo(2);
            Alert hangA = awaitAlert(alerts, a -> a.getDevice().equals("LR-A") && a.getRule().equals("reboot-hang"), 60);
            assertThat(hangA.getTs()).as("max(anchor + new window, effective_from)").isEqualTo(Math.max(t0 - 1_000 + 10_000, v2From));
            assertThat(hangA.getContext().getRuleVersion()).isEqualTo(2);
            assertThat(hangA.getDedupKey()).as("the version is not part of the key").isEqualTo("lr/LR-A/reboot-hang/" + (t0 - 1_500) + "/1");

            // 2. A record that is not a rules version (written by something else) is ignored; the job runs on.
            KafkaTestClients.send(p, "patchwatch-rules", 0, (input + "-group").getBytes(StandardCharsets.UTF_8),
                    "{\"version\": 99, \"rules\": \"not: [rules\"}".getBytes(StandardCharsets.UTF_8));
            // A structural change is refused by publish, naming it (exit 2, the version in force stays).
            java.io.ByteArrayOutputStream refusal = new java.io.ByteArrayOutputStream();
            assertThat(publish("v-structural", file.replace("  reboot-hang:\n    severity: critical\n    subject: device",
                    "  reboot-hang:\n    severity: critical\n    subject: device\n    one_shot: true"), input, refusal)).isEqualTo(2);
            assertThat(refusal.toString(StandardCharsets.UTF_8)).contains("reboot-hang").contains("rules apply");
            assertThat(topic.versions()).last().extracting(RuleVersion::version).isEqualTo(2);

            // 3. Looser: B restarts under B = 10 s; B = 30 s is published at once; B boots 15 s later: no page.
            long t1 = System.currentTimeMillis();
            send(p, input, event(t1 - 1_500, "LR-B", "\"kind\":\"patch_installed\",\"kb\":\"KB5044284\""));
            send(p, input, event(t1 - 1_000, "LR-B", "\"kind\":\"reboot_initiated\""));
            awaitEventTime(p, input, alerts, t1 - 900); // its deadline at t1 + 9 s is pending when the looser version lands
            assertThat(publish("v3", file.replace("boot_within: 40s", "boot_within: 30s"), input)).isZero();
            // B boots after the deadline of B = 10 s: under it, B would have paged.
            long bootB = t1 + 11_000;
            awaitWallClock(bootB);
            send(p, input, event(bootB, "LR-B", "\"kind\":\"booted\""));

            // 4. C has been offline since t0 - 1 s + 20 s; disabling the rule resolves its incident.
            Alert offlineC = awaitAlert(alerts, a -> a.getDevice().equals("LR-C") && a.getRule().equals("offline-after-patch"), 60);
            assertThat(offlineC.getStatus()).isEqualTo(AlertStatus.firing);
            long v4From = System.currentTimeMillis();
            assertThat(publish("v4", file.replace("boot_within: 40s", "boot_within: 30s").replace("  offline-after-patch:\n",
                    "  offline-after-patch:\n    enabled: false\n"), input, "--effective-from", EventTimes.format(v4From))).isZero();
            Alert resolvedC = awaitAlert(alerts, a -> a.getDevice().equals("LR-C") && a.getStatus() == AlertStatus.resolved, 60);
            assertThat(resolvedC.getReason()).isEqualTo("rule_disabled");
            assertThat(resolvedC.getDedupKey()).isEqualTo(offlineC.getDedupKey());
            assertThat(resolvedC.getTs()).isGreaterThanOrEqualTo(v4From);

            // 4b. A maintenance window published live as version 5 (`maintenance add --publish`,
            //     FLEET.md): LR-W's failed install inside it is held; the probes, outside its match, page.
            Path v5 = dir.resolve("rules-v5.yaml");
            Files.writeString(v5, file.replace("boot_within: 40s", "boot_within: 30s").replace("  offline-after-patch:\n",
                    "  offline-after-patch:\n    enabled: false\n"));
            long w0 = System.currentTimeMillis();
            assertThat(cli("maintenance", "add", v5.toString(), "--name", "lr-w-night", "--device", "LR-W",
                    "--start", EventTimes.format(w0 - 60_000), "--end", EventTimes.format(w0 + 3_600_000), "--rules", "patch-failed",
                    "--publish", "--bootstrap", KAFKA.bootstrapServers(), "--job", input + "-group")).isZero();
            awaitVersion(topic, 5);
            for (int tries = 0; tries < 20; tries++) {
                String probe = "LR-PROBE-" + (++probes);
                send(p, input, event(System.currentTimeMillis(), probe, "\"kind\":\"patch_failed\",\"kb\":\"KB9\",\"error\":\"0x1\""));
                if (awaitAlert(alerts, a -> a.getDevice().equals(probe), 60).getContext().getRuleVersion() == 5) {
                    break; // the job decides with version 5
                }
            }
            long wTs = System.currentTimeMillis();
            send(p, input, event(wTs, "LR-W", "\"kind\":\"patch_failed\",\"kb\":\"KB9\",\"error\":\"0x1\""));
            awaitEventTime(p, input, alerts, wTs + 100);
            assertThat(CommittedAlerts.read(KAFKA.bootstrapServers(), alerts)).as("held by the window published live")
                    .noneMatch(a -> a.getDevice().equals("LR-W"));

            // The last event: the replay's clock stops there; the live job's watermark passes it.
            long stop = System.currentTimeMillis();
            send(p, input, event(stop, "LR-Z", "\"kind\":\"heartbeat\""));
            awaitEventTime(p, input, alerts, stop + 100);

            List<Alert> all = CommittedAlerts.read(KAFKA.bootstrapServers(), alerts);
            assertThat(all).as("B's looser window: it booted in time").noneMatch(a -> a.getDevice().equals("LR-B") && a.getRule().equals("reboot-hang"));
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);

            // The versions as the topic keeps them, for the replay below.
            Path record = dir.resolve("versions.json");
            assertThat(cli("rules", "history", "--bootstrap", KAFKA.bootstrapServers(), "--job", input + "-group",
                    "--out", record.toString())).isZero();

            // 6. The rules topic deleted: the version in force stays, the job runs on.
            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                    KafkaConnection.plaintext(KAFKA.bootstrapServers()).clientProperties())) {
                admin.deleteTopics(List.of("patchwatch-rules")).all().get();
            }
            // Two decisions after it, the second once the first was committed (a checkpoint later).
            for (String device : List.of("LR-D", "LR-E")) {
                send(p, input, event(System.currentTimeMillis(), device, "\"kind\":\"patch_failed\",\"kb\":\"KB9\",\"error\":\"0x1\""));
                Alert afterDelete = awaitAlert(alerts, a -> a.getDevice().equals(device), 60);
                assertThat(afterDelete.getContext().getRuleVersion()).isEqualTo(5);
            }
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
            job.cancel().get(); // its slots go to the replay

            // 5. Replay of the same events with the recorded versions takes the same decisions.
            List<RuleVersion> recorded = RulesRecord.decode(Files.readString(record));
            assertThat(recorded).extracting(RuleVersion::version).containsExactly(1, 2, 3, 4, 5);
            // What `replay --rule-versions` does (in this JVM's Flink cluster rather than a local one).
            RuleVersions versions = RuleVersions.of(recorded.get(recorded.size() - 1).rules(), recorded);
            List<RawRecord> events = KafkaTestClients.readAll(KAFKA.bootstrapServers(), input, false).stream()
                    .map(r -> new RawRecord("events", r.value())).toList();
            List<String> replayed = Replay.run(PatchwatchMiniCluster.environment(), events, false,
                            Adapters.create("canonical-json", AdapterSettings.defaults()), JobSettings.replay(Long.MAX_VALUE),
                            versions, Inventory.empty(), null)
                    .alerts().stream().filter(a -> a.getTs() <= stop).map(AlertJson::toJson).sorted().toList();
            List<String> live = all.stream().filter(a -> a.getTs() <= stop).map(AlertJson::toJson).sorted().toList();
            assertThat(live).as("live alerts up to the last event").hasSizeGreaterThanOrEqualTo(5)
                    .anyMatch(a -> a.contains("\"reason\":\"rule_disabled\""));
            assertThat(replayed).isEqualTo(live);
        } finally {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get();
            }
        }
    }

    /** {@code patchwatch rules publish FILE --bootstrap ... --job ...} of {@code yaml}, written to {@code name}.yaml. */
    private int publish(String name, String yaml, String input, String... more) throws Exception {
        return publish(name, yaml, input, new java.io.ByteArrayOutputStream(), more);
    }

    private int publish(String name, String yaml, String input, java.io.ByteArrayOutputStream err, String... more) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, yaml);
        List<String> args = new java.util.ArrayList<>(List.of("rules", "publish", file.toString(), "--bootstrap",
                KAFKA.bootstrapServers(), "--job", input + "-group"));
        args.addAll(List.of(more));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int code = io.patchwatch.jobs.cli.PatchwatchCliAccess.run(args.toArray(String[]::new), out, err);
        System.err.println("patchwatch " + String.join(" ", args) + " -> " + code + ": " + out.toString(StandardCharsets.UTF_8)
                + err.toString(StandardCharsets.UTF_8));
        return code;
    }

    private static int cli(String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int code = io.patchwatch.jobs.cli.PatchwatchCliAccess.run(args, out);
        if (code != 0) {
            System.err.println("patchwatch " + String.join(" ", args) + " -> " + code + ": " + out.toString(StandardCharsets.UTF_8));
        }
        return code;
    }

    /**
     * Waits until the job's event time passed {@code ts}: a probe device's patch failure stamped
     * {@code ts} pages once the watermark passed it, and the tracker applies events in time order,
     * so everything stamped before it has been applied too. The probes' alerts are part of the
     * alerts compared with the replay.
     */
    private void awaitEventTime(KafkaProducer<byte[], byte[]> p, String input, String alerts, long ts) throws InterruptedException {
        String probe = "LR-PROBE-" + (++probes);
        awaitWallClock(ts);
        send(p, input, event(ts, probe, "\"kind\":\"patch_failed\",\"kb\":\"KB9\",\"error\":\"0x1\""));
        awaitAlert(alerts, a -> a.getDevice().equals(probe), 60);
    }

    /** Events of this live test are stamped no later than the wall clock, as a device's would be. */
    private static void awaitWallClock(long ts) throws InterruptedException {
        long ahead = ts - System.currentTimeMillis();
        if (ahead > 0) {
            Thread.sleep(ahead);
        }
    }

    private static void awaitVersion(RulesTopic topic, int version) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (topic.versions().isEmpty() || topic.versions().get(topic.versions().size() - 1).version() < version) {
            assertThat(System.nanoTime()).as("version " + version + " on the rules topic").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static Alert awaitAlert(String topic, Predicate<Alert> which, int seconds) {
        return CommittedAlerts.awaitOne(KAFKA.bootstrapServers(), topic, which, Duration.ofSeconds(seconds));
    }

    private static String event(long ts, String device, String rest) {
        return "{\"ts\":\"" + EventTimes.format(ts) + "\",\"tenant\":\"lr\",\"device\":\"" + device + "\"," + rest + "}";
    }

    private static void send(KafkaProducer<byte[], byte[]> p, String topic, String json) {
        KafkaTestClients.send(p, topic, 0, null, json.getBytes(StandardCharsets.UTF_8));
    }
}
