package io.patchwatch.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.connectors.kafka.KafkaConnection;
import io.patchwatch.jobs.cli.PatchwatchCliAccess;
import io.patchwatch.jobs.live.RuleVersion;
import io.patchwatch.jobs.support.CommittedAlerts;
import io.patchwatch.jobs.support.LiveKafkaJob;
import io.patchwatch.schemas.Alert;
import io.patchwatch.testkit.PatchwatchMiniCluster;
import io.patchwatch.testkit.kafka.KafkaBrokerExtension;
import io.patchwatch.testkit.kafka.KafkaTestClients;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules topic after a bad record and a real compaction (issue 28): a record that is no rules
 * version, written last under the job's name as {@code kafka-console-producer} would, then the log
 * cleaner run. The history survives it: {@code rules publish} of the next version applies to the
 * running job, a job started afresh without a savepoint decides with the last good version, and
 * {@code rules history} returns it and names the refused record.
 */
class RulesCompactionITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = PatchwatchMiniCluster.extension();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    /** A topic the log cleaner compacts within seconds (the test broker's cleaner looks every second). */
    private static final Map<String, String> COMPACTED_AT_ONCE = Map.of("cleanup.policy", "compact", "segment.ms", "100",
            "min.cleanable.dirty.ratio", "0.01", "delete.retention.ms", "100", "min.compaction.lag.ms", "0");
    private static final String FILLER = "compaction-filler";

    @TempDir
    Path dir;

    @Test
    void aBadRecordAndACompactionLoseNoVersion() throws Exception {
        String input = KAFKA.newTopic("rules-compact-in", 1);
        String alerts = KAFKA.newTopic("rules-compact-alerts", 1);
        String deadLetters = KAFKA.newTopic("rules-compact-dlq", 1);
        String rulesTopic = KAFKA.newTopic("rules-compacted", 1, COMPACTED_AT_ONCE);
        String job = input + "-group";
        // Tenant rc: B = 40 s in the job's file (version 1, published by the job at start).
        JobClient live = LiveKafkaJob.start(dir, KAFKA.bootstrapServers(), input, alerts, deadLetters, "rc",
                "20s\n    boot_within: 40s", rulesTopic);
        String file = Files.readString(dir.resolve("rules.yaml"));
        RulesTopic topic = new RulesTopic(KafkaConnection.plaintext(KAFKA.bootstrapServers()).clientProperties(), rulesTopic, job);
        try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(KAFKA.bootstrapServers())) {
            awaitVersion(topic, 1);
            // 1. Version 2 published live; then a record that is no rules version, last, under the job's name.
            assertThat(publish("v2", file.replace("boot_within: 40s", "boot_within: 30s"), rulesTopic, job)).isZero();
            KafkaTestClients.send(p, rulesTopic, 0, job.getBytes(StandardCharsets.UTF_8),
                    "{\"version\": 99, \"rules\": \"not: [rules\"}".getBytes(StandardCharsets.UTF_8));

            // 2. The log cleaner runs: records of a filler key, a segment each, until all but the newest are gone.
            compact(p, rulesTopic);

            // 3. rules history returns version 2 and names the refused record.
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = PatchwatchCliAccess.run(new String[] {"rules", "history", "--bootstrap", KAFKA.bootstrapServers(),
                    "--topic", rulesTopic, "--job", job}, out, err);
            assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"version\":2").contains("boot_within: 30s");
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("refused record at offset").contains("(key " + job + ")");

            // 4. The next version applies to the running job: B = 5 s, RC-A's restart pages 5 s after it.
            assertThat(publish("v3", file.replace("boot_within: 40s", "boot_within: 5s"), rulesTopic, job)).isZero();
            assertThat(topic.versions()).last().extracting(RuleVersion::version).isEqualTo(3);
            Alert hangA = restartHangs(p, input, alerts, "RC-A");
            assertThat(hangA.getContext().getRuleVersion()).isEqualTo(3);
        }
        live.cancel().get();

        // 5. A job started afresh, without a savepoint, decides with the last good version (not its file's 40 s).
        String freshAlerts = KAFKA.newTopic("rules-compact-fresh-alerts", 1);
        JobClient fresh = LiveKafkaJob.start(dir, KAFKA.bootstrapServers(), input, freshAlerts, deadLetters, "rc",
                "20s\n    boot_within: 40s", rulesTopic);
        try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(KAFKA.bootstrapServers())) {
            Alert hangB = restartHangs(p, input, freshAlerts, "RC-B");
            assertThat(hangB.getContext().getRuleVersion()).isEqualTo(3);
            assertThat(topic.versions()).as("the file was not published again").last().extracting(RuleVersion::version).isEqualTo(3);
        } finally {
            fresh.cancel().get();
        }
    }

    /** {@code device} installs and restarts now and never boots: its reboot-hang, which must come within 5 s and some. */
    private static Alert restartHangs(KafkaProducer<byte[], byte[]> p, String input, String alerts, String device) throws Exception {
        long t = System.currentTimeMillis();
        send(p, input, event(t - 1_000, device, "\"kind\":\"patch_installed\",\"kb\":\"KB5044284\""));
        send(p, input, event(t - 500, device, "\"kind\":\"reboot_initiated\""));
        Alert hang = awaitAlert(alerts, a -> a.getDevice().equals(device) && a.getRule().equals("reboot-hang"), 25);
        assertThat(hang.getTs()).as("B = 5 s after the restart").isEqualTo(t - 500 + 5_000);
        return hang;
    }

    private static Alert awaitAlert(String topic, Predicate<Alert> which, int seconds) {
        return CommittedAlerts.awaitOne(KAFKA.bootstrapServers(), topic, which, Duration.ofSeconds(seconds));
    }

    private static String event(long ts, String device, String rest) {
        return "{\"ts\":\"" + EventTimes.format(ts) + "\",\"tenant\":\"rc\",\"device\":\"" + device + "\"," + rest + "}";
    }

    private static void send(KafkaProducer<byte[], byte[]> p, String topic, String json) {
        KafkaTestClients.send(p, topic, 0, null, json.getBytes(StandardCharsets.UTF_8));
    }

    private void compact(KafkaProducer<byte[], byte[]> p, String rulesTopic) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        int written = 0;
        while (true) {
            KafkaTestClients.send(p, rulesTopic, 0, FILLER.getBytes(StandardCharsets.UTF_8), Integer.toString(written++).getBytes(StandardCharsets.UTF_8));
            Thread.sleep(300); // past segment.ms: the next record rolls a new segment, the closed ones can be cleaned
            long fillers = KafkaTestClients.readAll(KAFKA.bootstrapServers(), rulesTopic, false).stream()
                    .filter(r -> r.key() != null && FILLER.equals(new String(r.key(), StandardCharsets.UTF_8))).count();
            if (written >= 5 && fillers <= 2) {
                return;
            }
            assertThat(System.nanoTime()).as("the log cleaner compacted " + rulesTopic + " (" + fillers + " of " + written
                    + " filler records left)").isLessThan(deadline);
        }
    }

    private int publish(String name, String yaml, String rulesTopic, String job) throws Exception {
        Path f = dir.resolve(name + ".yaml");
        Files.writeString(f, yaml);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = PatchwatchCliAccess.run(new String[] {"rules", "publish", f.toString(), "--bootstrap", KAFKA.bootstrapServers(),
                "--topic", rulesTopic, "--job", job}, out, err);
        System.err.println("rules publish " + name + " -> " + code + ": " + out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
        return code;
    }

    private static void awaitVersion(RulesTopic topic, int version) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (topic.versions().isEmpty() || topic.versions().get(topic.versions().size() - 1).version() < version) {
            assertThat(System.nanoTime()).as("version " + version + " on the rules topic").isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
