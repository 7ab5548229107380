package io.patchwatch.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.connectors.adapters.AdapterSettings;
import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.connectors.adapters.Adapters;
import io.patchwatch.connectors.adapters.RawRecord;
import io.patchwatch.connectors.json.AlertJson;
import io.patchwatch.jobs.settings.JobSettings;
import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.jobs.jobconfig.JobConfig;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.jobs.replay.Replay;
import io.patchwatch.jobs.support.Scenario;
import io.patchwatch.jobs.support.CommittedAlerts;
import io.patchwatch.schemas.Alert;
import io.patchwatch.testkit.PatchwatchMiniCluster;
import io.patchwatch.testkit.flink.RetainedCheckpoints;
import io.patchwatch.testkit.kafka.KafkaBrokerExtension;
import io.patchwatch.testkit.kafka.KafkaTestClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job stopped in the middle of a night and restarted from its last retained checkpoint: a
 * read_committed consumer of the alerts topic sees every alert exactly once, as in replay, and an
 * incident held across the restart (SRV-C's reboot-hang, held by its own offline) is paged once,
 * after it.
 */
class KafkaRestartITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = PatchwatchMiniCluster.extension();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    Path dir;

    /** Two devices, alerts before and after the restart (which comes between 02:30 and 02:31). */
    private static final String FIRST_HALF = """
            02:00 SRV-A heartbeat
            02:00 SRV-B heartbeat
            02:01 SRV-A patch_installed kb=KB1
            02:01 SRV-B patch_failed kb=KB2 error=0x1
            02:00 SRV-C heartbeat
            02:01 SRV-C patch_installed kb=KB3
            02:02 SRV-C reboot_initiated
            02:02 SRV-B heartbeat
            02:10 SRV-B heartbeat
            02:18 SRV-B heartbeat
            02:26 SRV-B heartbeat
            02:30 SRV-A heartbeat
            """;
    /**
     * Each device's partition: both partitions have events in each half, and the clock's last
     * heartbeats move both to 04:00, so time never waits for a partition to be declared idle.
     */
    private static final Map<String, Integer> PARTITIONS = Map.of("SRV-A", 0, "CLOCK-0", 0, "SRV-B", 1, "CLOCK-1", 1, "SRV-C", 0);
    private static final String SECOND_HALF = """
            02:31 SRV-B heartbeat
            02:39 SRV-B heartbeat
            02:41 SRV-A heartbeat
            02:45 SRV-C heartbeat
            03:00 SRV-C booted
            02:47 SRV-B heartbeat
            02:55 SRV-A heartbeat
            02:55 SRV-B patch_installed kb=KB2
            03:05 SRV-A heartbeat
            03:05 SRV-B heartbeat
            04:00 CLOCK-0 heartbeat
            04:00 CLOCK-1 heartbeat
            """;

    @Test
    void aRestartFromARetainedCheckpointLosesAndDuplicatesNothing() throws Exception {
        String input = KAFKA.newTopic("restart-in", 2);
        String alerts = KAFKA.newTopic("restart-alerts", 1);
        String deadLetters = KAFKA.newTopic("restart-dlq", 1);
        Path checkpoints = dir.resolve("checkpoints");
        // The reference first: the jobs below take the mini cluster's slots while they run.
        List<Alert> expected = replay(FIRST_HALF + SECOND_HALF);
        assertThat(expected).as("alerts on both sides of the restart").hasSizeGreaterThan(4);
        assertThat(expected).as("SRV-C's reboot-hang, held by its offline from 02:22, pages settle after the offline resolved")
                .filteredOn(a -> a.getDevice().equals("SRV-C") && a.getRule().equals("reboot-hang")).first()
                .satisfies(a -> assertThat(EventTimes.format(a.getContext().getPagedAt())).isEqualTo("2026-11-10T02:50:00Z"));
        JobConfig config = JobConfig.builder(KAFKA.bootstrapServers()).startingOffsets("earliest").groupId("restart-it")
                .input(input, "canonical-json").alertsTopic(alerts).deadLetterTopic(deadLetters)
                .settings(JobSettings.builder().wallClockFloorLag(null).build())
                .checkpointInterval(Duration.ofMillis(500)).checkpointDirectory(checkpoints.toUri().toString()).parallelism(2)
                .build();

        // 1. First half; wait until its alerts are committed (patch-failed at 02:01, offline at
        //    02:11; the resolve at 02:30 waits for the watermark to pass 02:30, which only the
        //    second half brings), then cancel, keeping the checkpoint.
        produce(input, FIRST_HALF);
        JobClient first = start(config, null);
        awaitCommittedAlerts(alerts, 2);
        RetainedCheckpoints.awaitMore(checkpoints, 1, Duration.ofSeconds(60)); // one more after the last commit
        first.cancel().get();
        Path checkpoint = RetainedCheckpoints.latest(checkpoints);

        // 2. Second half while the job is down, then restart from the checkpoint.
        produce(input, SECOND_HALF);
        JobClient second = start(config, checkpoint);
        try {
            awaitCommittedAlerts(alerts, expected.size());
            // A duplicate would be committed with one of the next two checkpoints.
            RetainedCheckpoints.awaitMore(checkpoints, 2, Duration.ofSeconds(60));
            List<String> seen = committed(alerts).stream().sorted(Replay.ALERT_ORDER).map(AlertJson::toJson).toList();
            assertThat(seen).containsExactlyElementsOf(expected.stream().map(AlertJson::toJson).toList());
        } finally {
            second.cancel().get();
        }
    }

    private static JobClient start(JobConfig config, Path restoreFrom) throws Exception {
        Configuration conf = KafkaPipeline.flinkConfiguration(config);
        if (restoreFrom != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom.toUri().toString());
        }
        StreamExecutionEnvironment env = PatchwatchMiniCluster.environment(conf);
        KafkaPipeline.define(env, config, Map.of(), false, Long.MAX_VALUE);
        return env.executeAsync("patchwatch restart it");
    }

    private static void produce(String topic, String compact) {
        try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(KAFKA.bootstrapServers())) {
            for (String line : Scenario.of(compact).jsonLines()) {
                String device = line.replaceAll(".*\"device\":\"([^\"]+)\".*", "$1");
                KafkaTestClients.send(p, topic, PARTITIONS.get(device), device.getBytes(StandardCharsets.UTF_8),
                        line.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static void awaitCommittedAlerts(String topic, int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 90_000;
        while (committed(topic).size() < count && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
        }
        assertThat(committed(topic)).as("committed alerts").hasSizeGreaterThanOrEqualTo(count);
    }

    private static List<Alert> committed(String topic) {
        return CommittedAlerts.read(KAFKA.bootstrapServers(), topic);
    }

    /** The reference: replay of everything, its clock stopped where the live job's watermark is. */
    private static List<Alert> replay(String compact) throws Exception {
        List<RawRecord> records = new ArrayList<>();
        for (String l : Scenario.of(compact).jsonLines()) {
            records.add(new RawRecord("replay", l.getBytes(StandardCharsets.UTF_8)));
        }
        return io.patchwatch.jobs.support.FirstRulesVersion.of(Replay.run(PatchwatchMiniCluster.environment(), records, false,
                Adapters.create("canonical-json", AdapterSettings.defaults()), JobSettings.replay(Long.MAX_VALUE),
                RuleSet.defaults(), Inventory.empty(), null).alerts());
    }
}
