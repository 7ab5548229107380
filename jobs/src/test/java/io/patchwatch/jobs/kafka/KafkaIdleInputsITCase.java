package io.patchwatch.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.jobs.support.CommittedAlerts;
import io.patchwatch.jobs.support.LiveKafkaJob;
import io.patchwatch.schemas.Alert;
import io.patchwatch.testkit.PatchwatchMiniCluster;
import io.patchwatch.testkit.kafka.KafkaBrokerExtension;
import io.patchwatch.testkit.kafka.KafkaTestClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live, with idleness and no wall-clock floor: when every input was idle and time then jumps, what
 * the device tracker decides for the time in between (a silence at 02:11, decided when time moves to
 * 02:30) still reaches the rules and pages. Each tracker instance owns other devices, so this needs
 * parallelism 2: before the tracker stopped passing on "idle", another instance's new watermark
 * could overtake the fact and CEP dropped it as late (2 of 3 runs).
 */
class KafkaIdleInputsITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = PatchwatchMiniCluster.extension();
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    private static final long T0 = Instant.parse("2026-11-10T02:00:00Z").toEpochMilli();
    @TempDir
    Path dir;

    @Test
    void aSilenceDecidedWhenTimeMovesAgainAfterEveryInputWasIdleStillPages() throws Exception {
        String input = KAFKA.newTopic("idle-events", 1);
        String alerts = KAFKA.newTopic("idle-alerts", 1);
        String deadLetters = KAFKA.newTopic("idle-dead-letters", 1);
        JobClient job = LiveKafkaJob.startOnEventTimeOnly(dir, KAFKA.bootstrapServers(), input, alerts, deadLetters);
        try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(KAFKA.bootstrapServers())) {
            send(p, input, T0, "SRV-I", "heartbeat", "");
            send(p, input, T0 + 60_000, "SRV-I", "patch_installed", ",\"kb\":\"KB1\",\"reboot_required\":false");
            send(p, input, T0 + 240_000, "OTHER", "heartbeat", "");
            // The scenario itself: the input stays quiet well past the idleness (2 s), so every
            // reader is idle; then one event moves time to 02:30 at once.
            Thread.sleep(6_000);
            send(p, input, T0 + 30 * 60_000, "OTHER", "heartbeat", "");

            List<Alert> seen = CommittedAlerts.await(KAFKA.bootstrapServers(), alerts, Duration.ofSeconds(60));
            assertThat(seen).as("SRV-I silent since 02:11, decided when time reached 02:30").isNotEmpty();
            assertThat(seen.get(0).getRule()).isEqualTo("offline-after-patch");
            assertThat(seen.get(0).getDevice()).isEqualTo("SRV-I");
            assertThat(seen.get(0).getTs()).isEqualTo(T0 + 11 * 60_000);
        } finally {
            job.cancel().get();
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> p, String topic, long ts, String device, String kind, String extra) {
        KafkaTestClients.send(p, topic, 0, device.getBytes(StandardCharsets.UTF_8), ("{\"ts\":\"" + EventTimes.format(ts)
                + "\",\"tenant\":\"acme\",\"device\":\"" + device + "\",\"kind\":\"" + kind + "\"" + extra + "}").getBytes(StandardCharsets.UTF_8));
    }
}
