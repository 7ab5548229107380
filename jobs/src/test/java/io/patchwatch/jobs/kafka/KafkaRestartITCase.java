package io.patchwatch.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.connectors.json.AlertJson;
import io.patchwatch.jobs.settings.JobSettings;
import io.patchwatch.jobs.jobconfig.JobConfig;
import io.patchwatch.jobs.replay.Replay;
import io.patchwatch.jobs.support.RestartNight;
import io.patchwatch.jobs.support.CommittedAlerts;
import io.patchwatch.schemas.Alert;
import io.patchwatch.testkit.PatchwatchMiniCluster;
import io.patchwatch.testkit.flink.RetainedCheckpoints;
import io.patchwatch.testkit.kafka.KafkaBrokerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
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

    @Test
    void aRestartFromARetainedCheckpointLosesAndDuplicatesNothing() throws Exception {
        String input = KAFKA.newTopic("restart-in", 2);
        String alerts = KAFKA.newTopic("restart-alerts", 1);
        String deadLetters = KAFKA.newTopic("restart-dlq", 1);
        Path checkpoints = dir.resolve("checkpoints");
        // The reference first: the jobs below take the mini cluster's slots while they run.
        List<Alert> expected = RestartNight.expected();
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
        RestartNight.produce(KAFKA.bootstrapServers(), input, RestartNight.FIRST_HALF);
        JobClient first = start(config, null);
        awaitCommittedAlerts(alerts, 2);
        RetainedCheckpoints.awaitMore(checkpoints, 1, Duration.ofSeconds(60)); // one more after the last commit
        first.cancel().get();
        Path checkpoint = RetainedCheckpoints.latest(checkpoints);

        // 2. Second half while the job is down, then restart from the checkpoint.
        RestartNight.produce(KAFKA.bootstrapServers(), input, RestartNight.SECOND_HALF);
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
}
