package io.patchwatch.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.jobs.support.CommittedAlerts;
import io.patchwatch.jobs.support.LiveKafkaJob;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertStatus;
import io.patchwatch.testkit.PatchwatchMiniCluster;
import io.patchwatch.testkit.kafka.KafkaBrokerExtension;
import io.patchwatch.testkit.kafka.KafkaTestClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The job live, on the wall clock: a device goes silent while nothing at all arrives any more. */
class KafkaLiveITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = PatchwatchMiniCluster.extension();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    Path dir;

    @Test
    void aSilentDeviceIsAlertedOnThoughAPartitionNeverReceivesAnythingAndAllFeedsGoQuiet() throws Exception {
        String input = KAFKA.newTopic("live-in", 2);
        String alerts = KAFKA.newTopic("live-alerts", 1);
        String deadLetters = KAFKA.newTopic("live-dlq", 1);
        // N of 10 s for this tenant, so the test waits seconds, not minutes.
        JobClient job = LiveKafkaJob.start(dir, KAFKA.bootstrapServers(), input, alerts, deadLetters, "live", "10s");
        try {
            // Everything goes to partition 0; partition 1 never receives a record.
            long now = System.currentTimeMillis();
            try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(KAFKA.bootstrapServers())) {
                send(p, input, "{\"ts\":\"" + EventTimes.format(now - 4_000) + "\",\"tenant\":\"live\",\"device\":\"LIVE-01\",\"kind\":\"heartbeat\"}");
                send(p, input, "{\"ts\":\"" + EventTimes.format(now - 3_000) + "\",\"tenant\":\"live\",\"device\":\"LIVE-01\","
                        + "\"kind\":\"patch_installed\",\"kb\":\"KB5044284\"}");
            }
            // Silent at now - 3 s + 10 s; then nothing arrives at all: only the wall clock moves time.
            List<Alert> seen = CommittedAlerts.await(KAFKA.bootstrapServers(), alerts, Duration.ofSeconds(90));
            assertThat(seen).singleElement().satisfies(a -> {
                assertThat(a.getRule()).isEqualTo("offline-after-patch");
                assertThat(a.getStatus()).isEqualTo(AlertStatus.firing);
                assertThat(a.getDevice()).isEqualTo("LIVE-01");
                assertThat(a.getTs()).isEqualTo(now - 3_000 + 10_000);
            });
        } finally {
            job.cancel().get();
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> p, String topic, String json) {
        KafkaTestClients.send(p, topic, 0, "LIVE-01".getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
    }
}
