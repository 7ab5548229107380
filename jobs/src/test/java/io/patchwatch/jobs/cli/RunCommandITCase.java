package io.patchwatch.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.connectors.json.AlertJson;
import io.patchwatch.jobs.replay.Replay;
import io.patchwatch.jobs.support.CliProcess;
import io.patchwatch.jobs.support.CommittedAlerts;
import io.patchwatch.jobs.support.RestartNight;
import io.patchwatch.schemas.Alert;
import io.patchwatch.testkit.PatchwatchMiniCluster;
import io.patchwatch.testkit.flink.RetainedCheckpoints;
import io.patchwatch.testkit.kafka.KafkaBrokerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code patchwatch run} through its front door, in its own JVM with a job.yaml as an operator writes
 * it: it says on its console what it reads and where alerts go, alerts, shows its checkpoints; stopped
 * with SIGTERM and started again with {@code --from-checkpoint}, every alert of the night is
 * committed exactly once, as replay decides them.
 */
class RunCommandITCase {

    /** The reference replay runs here; the CLI runs its own embedded cluster. */
    @RegisterExtension
    static final MiniClusterExtension FLINK = PatchwatchMiniCluster.extension();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    Path dir;

    @Test
    void runAlertsStopsAndResumesFromItsCheckpointWithoutLosingOrRepeatingAnAlert() throws Exception {
        String input = KAFKA.newTopic("run-cli-in", 2);
        String alerts = KAFKA.newTopic("run-cli-alerts", 1);
        String deadLetters = KAFKA.newTopic("run-cli-dlq", 1);
        Path checkpoints = dir.resolve("checkpoints");
        Path job = dir.resolve("job.yaml");
        Files.writeString(job, """
                kafka:
                  bootstrap_servers: %s
                  starting_offsets: earliest
                  group_id: run-cli-it
                inputs:
                  - topic: %s
                outputs:
                  alerts_topic: %s
                  dead_letter_topic: %s
                time:
                  wall_clock_floor: "off"
                checkpoints:
                  interval: 500ms
                  directory: %s
                parallelism: 2
                """.formatted(KAFKA.bootstrapServers(), input, alerts, deadLetters, checkpoints.toUri()));
        List<Alert> expected = RestartNight.expected();

        RestartNight.produce(KAFKA.bootstrapServers(), input, RestartNight.FIRST_HALF);
        try (CliProcess first = CliProcess.start(dir, "first", "run", "--config", job.toString())) {
            first.awaitConsole(c -> c.contains("inputs      " + input), Duration.ofSeconds(60), "what it reads");
            assertThat(first.stdout()).contains("alerts      " + alerts + ", exactly once", "checkpoints every 500ms to",
                    "live rule versions from topic patchwatch-rules", "sinks       none");
            assertThat(CommittedAlerts.await(KAFKA.bootstrapServers(), alerts, Duration.ofSeconds(90), a -> a.size() >= 2))
                    .as("the first half's alerts, committed; its console:\n%s\n%s", first.stdout(), first.stderr())
                    .hasSizeGreaterThanOrEqualTo(2);
            first.awaitConsole(c -> c.contains("Completed checkpoint"), Duration.ofSeconds(30), "a completed checkpoint");
            assertThat(first.stderr()).as("the rules version it runs").contains("rules topic: the job's rules file published as rules version 1");
            RetainedCheckpoints.awaitMore(checkpoints, 1, Duration.ofSeconds(60)); // one more after the last commit
            first.stop();
        }
        Path checkpoint = RetainedCheckpoints.latest(checkpoints);

        RestartNight.produce(KAFKA.bootstrapServers(), input, RestartNight.SECOND_HALF);
        try (CliProcess second = CliProcess.start(dir, "second", "run", "--config", job.toString(),
                "--from-checkpoint", checkpoint.toString())) {
            second.awaitConsole(c -> c.contains("resuming from " + checkpoint), Duration.ofSeconds(60), "where it resumes");
            second.awaitConsole(c -> c.contains("rules topic: starting with rules version 1"), Duration.ofSeconds(60),
                    "the rules version it resumes with");
            assertThat(CommittedAlerts.await(KAFKA.bootstrapServers(), alerts, Duration.ofSeconds(90),
                    a -> a.size() >= expected.size())).as("the night's alerts, committed; its console:\n%s\n%s", second.stdout(), second.stderr())
                    .hasSizeGreaterThanOrEqualTo(expected.size());
            // A duplicate would be committed with one of the next two checkpoints.
            RetainedCheckpoints.awaitMore(checkpoints, 2, Duration.ofSeconds(60));
            List<String> seen = CommittedAlerts.read(KAFKA.bootstrapServers(), alerts).stream().sorted(Replay.ALERT_ORDER)
                    .map(AlertJson::toJson).toList();
            assertThat(seen).containsExactlyElementsOf(expected.stream().map(AlertJson::toJson).toList());
        }
    }
}
