package io.patchwatch.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.jobs.support.CommittedAlerts;
import io.patchwatch.jobs.support.LiveKafkaJob;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertStatus;
import io.patchwatch.schemas.DeadLetter;
import io.patchwatch.testkit.kafka.KafkaBrokerExtension;
import io.patchwatch.testkit.kafka.KafkaTestClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import io.patchwatch.testkit.PatchwatchMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live job on Kafka gets skewed clocks and poison in every partition while patch sessions are
 * open: each bad record is one dead letter, nothing fires early, the job never fails, and the one
 * device that really goes silent is alerted on at exactly its last signal + N.
 */
class KafkaHostileInputITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = PatchwatchMiniCluster.extension();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final int PARTITIONS = 2;
    private static final List<String> DEVICES = List.of("HB-01", "HB-02", "HB-03", "HB-04");

    @TempDir
    Path dir;

    @Test
    void skewedClocksAndPoisonInEveryPartitionCostOnlyTheirDeadLetters() throws Exception {
        String input = KAFKA.newTopic("hostile-in", PARTITIONS);
        String alerts = KAFKA.newTopic("hostile-alerts", 1);
        String deadLetters = KAFKA.newTopic("hostile-dlq", 1);
        JobClient job = LiveKafkaJob.start(dir, KAFKA.bootstrapServers(), input, alerts, deadLetters, "hostile", "12s");
        int poison = 0;
        long lastHb01;
        try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(KAFKA.bootstrapServers())) {
            // 1. Every device heartbeats and installs a patch: four open sessions, N = 12 s.
            long start = System.currentTimeMillis();
            for (String d : DEVICES) {
                send(p, input, partitionOf(d), canonical(start, d, "heartbeat", ""));
                send(p, input, partitionOf(d), canonical(start, d, "patch_installed", ",\"kb\":\"KB5044284\""));
            }
            // 2. Poison into every partition, between heartbeats.
            for (int partition = 0; partition < PARTITIONS; partition++) {
                long now = System.currentTimeMillis();
                send(p, input, partition, canonical(Long.parseLong("4070908800000"), "HB-01", "heartbeat", "")); // 2099
                send(p, input, partition, canonical(now + Duration.ofDays(6).toMillis(), "HB-02", "heartbeat", ""));
                send(p, input, partition, canonical(now, "SRV-\\ud800X", "heartbeat", ""));
                send(p, input, partition, canonical(now, "HB-03", "heartbeat", ",\"title\":\"" + "x".repeat(990_000) + "\""));
                send(p, input, partition, canonical(now, "acme/evil", "heartbeat", ""));
                send(p, input, partition, "{\"ts\":\"+999999999-01-01T00:00:00Z\",\"device\":\"HB-01\",\"kind\":\"heartbeat\"}");
                send(p, input, partition, new byte[] {(byte) 0xFF, (byte) 0xFE, '{'});
                poison += 7;
            }
            // 3. Everyone heartbeats past the poison; then HB-01 stops, and the others go on until
            //    HB-01's silence has paged (poison that moved time or broke a partition would have
            //    paged them by then too: they are the control).
            long hb01 = start;
            for (int round = 0; round < 3; round++) {
                long now = System.currentTimeMillis();
                for (String d : DEVICES) {
                    send(p, input, partitionOf(d), canonical(now, d, "heartbeat", ""));
                }
                hb01 = now;
                Thread.sleep(1_000); // a heartbeat a second, as the devices' agents would send them
            }
            lastHb01 = hb01;
            List<Alert> seen = List.of();
            long giveUp = System.currentTimeMillis() + 90_000;
            while (seen.stream().noneMatch(a -> a.getDevice().equals("HB-01")) && System.currentTimeMillis() < giveUp) {
                long now = System.currentTimeMillis();
                for (String d : DEVICES.subList(1, DEVICES.size())) {
                    send(p, input, partitionOf(d), canonical(now, d, "heartbeat", ""));
                }
                p.flush();
                Thread.sleep(1_000);
                seen = CommittedAlerts.read(KAFKA.bootstrapServers(), alerts);
            }

            // 4. Only HB-01's silence, at exactly its last heartbeat + N; the job still runs.
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
            assertThat(seen).singleElement().satisfies(a -> {
                assertThat(a.getRule()).isEqualTo("offline-after-patch");
                assertThat(a.getStatus()).isEqualTo(AlertStatus.firing);
                assertThat(a.getDevice()).isEqualTo("HB-01");
                assertThat(a.getTs()).isEqualTo(lastHb01 + 12_000);
            });
            List<DeadLetter> letters = CommittedAlerts.deadLetters(KAFKA.bootstrapServers(), deadLetters);
            assertThat(letters).hasSize(poison);
            assertThat(letters).extracting(DeadLetter::getReason)
                    .containsOnly("ts_in_future", "invalid_value", "too_large", "malformed");
            assertThat(letters.stream().filter(d -> d.getReason().equals("ts_in_future"))).hasSize(2 * PARTITIONS);
            assertThat(letters).allSatisfy(d -> assertThat(d.getPayload().remaining() + d.getDetail().length()).isLessThan(80 * 1024));
        } finally {
            job.cancel().get();
        }
    }

    private static int partitionOf(String device) {
        return DEVICES.indexOf(device) % PARTITIONS;
    }

    private static String canonical(long ts, String device, String kind, String extra) {
        return "{\"ts\":\"" + EventTimes.format(ts) + "\",\"tenant\":\"hostile\",\"device\":\"" + device + "\",\"kind\":\"" + kind
                + "\"" + extra + "}";
    }

    private static void send(KafkaProducer<byte[], byte[]> p, String topic, int partition, String json) {
        send(p, topic, partition, json.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(KafkaProducer<byte[], byte[]> p, String topic, int partition, byte[] value) {
        KafkaTestClients.send(p, topic, partition, null, value);
    }
}
