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
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * FLEET.md "Feed silence", live on a real broker: the ping collector's topic stops while the RMM's
 * topic flows (found by the RMM's event time once the stopped topic is idle), then resumes. One
 * feed-silent page instead of an offline page per device; a device still down settle after the
 * feed returns pages then; a device of the living feed that goes down pages at once (the control).
 */
class KafkaFeedSilenceITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = PatchwatchMiniCluster.extension();
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    private static final long T0 = Instant.parse("2026-11-10T02:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;
    @TempDir
    Path dir;

    @Test
    void aTopicThatStopsPagesOnceAndHoldsItsDevicesUntilItResumes() throws Exception {
        String pings = KAFKA.newTopic("pings", 1);
        String rmm = KAFKA.newTopic("rmm", 1);
        String alerts = KAFKA.newTopic("feed-alerts", 1);
        String deadLetters = KAFKA.newTopic("feed-dead-letters", 1);
        JobClient job = LiveKafkaJob.startOnEventTimeOnly(dir, KAFKA.bootstrapServers(), List.of(pings, rmm), alerts, deadLetters);
        try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(KAFKA.bootstrapServers())) {
            // 1. Both feeds flow until 02:05; then the collector stops and the RMM's topic goes on to 02:20.
            for (int m = 0; m <= 5; m++) {
                for (String d : List.of("PING-1", "PING-2", "PING-3")) {
                    send(p, pings, T0 + m * MINUTE, d, "heartbeat", "");
                }
                send(p, rmm, T0 + m * MINUTE, "RMM-1", "heartbeat", "");
            }
            for (String d : List.of("PING-1", "PING-2", "PING-3", "RMM-1")) {
                send(p, rmm, T0, d, "patch_installed", ",\"kb\":\"KB1\",\"reboot_required\":false");
            }
            for (int m = 0; m <= 20; m++) {
                send(p, rmm, T0 + m * MINUTE + 1_000, "CLOCK-1", "heartbeat", "");
            }
            List<Alert> first = CommittedAlerts.await(KAFKA.bootstrapServers(), alerts, Duration.ofSeconds(60),
                    seen -> seen.stream().anyMatch(a -> a.getDevice().equals("RMM-1")));
            assertThat(first).extracting(a -> a.getRule() + " " + a.getDevice() + " " + EventTimes.format(a.getTs()))
                    .as("the collector's silence pages once; its devices do not; the RMM's silent device does")
                    .containsExactly("feed-silent feed:" + pings + " 2026-11-10T02:10:00Z",
                            "offline-after-patch RMM-1 2026-11-10T02:15:00Z");

            // 2. The collector resumes at 02:25 for PING-1 and PING-2; PING-3 stays down. Its records
            //    are read before the RMM's go on: read after them, they would come late (time moved on).
            for (int m = 25; m <= 45; m += 5) {
                for (String d : List.of("PING-1", "PING-2")) {
                    send(p, pings, T0 + m * MINUTE, d, "heartbeat", "");
                }
            }
            p.flush();
            awaitRead(pings, pings + "-group", 6 * 3 + 5 * 2);
            for (int m = 21; m <= 45; m++) {
                send(p, rmm, T0 + m * MINUTE + 1_000, "CLOCK-1", "heartbeat", "");
            }
            // This test writes each topic in bursts: while the collector's burst is read, the RMM's
            // topic may be idle and look silent for a moment (a page of its own, not this test's subject).
            List<Alert> all = CommittedAlerts.await(KAFKA.bootstrapServers(), alerts, Duration.ofSeconds(60),
                    seen -> seen.stream().anyMatch(a -> a.getDevice().equals("PING-3"))).stream()
                    .filter(a -> !a.getDevice().equals("feed:" + rmm)).toList();
            assertThat(all).extracting(a -> a.getStatus() + " " + a.getRule() + " " + a.getDevice() + " " + EventTimes.format(a.getTs()))
                    .containsExactly(
                            "firing feed-silent feed:" + pings + " 2026-11-10T02:10:00Z",
                            "firing offline-after-patch RMM-1 2026-11-10T02:15:00Z",
                            "resolved feed-silent feed:" + pings + " 2026-11-10T02:25:00Z",
                            "firing offline-after-patch PING-3 2026-11-10T02:15:00Z");
            Alert ping3 = all.get(3);
            assertThat(ping3.getContext().getHeldBy()).isEqualTo("feed-silent/" + pings);
            assertThat(EventTimes.format(ping3.getContext().getPagedAt())).as("settle (5m) after the feed returned")
                    .isEqualTo("2026-11-10T02:30:00Z");
            assertThat(ping3.getContext().getParent()).isEqualTo(all.get(0).getDedupKey());
        } finally {
            job.cancel().get();
        }
    }

    /** Waits until the job committed (with a checkpoint) having read {@code records} of the topic's one partition. */
    private static void awaitRead(String topic, String group, long records) throws Exception {
        java.util.Properties props = new java.util.Properties();
        props.put("bootstrap.servers", KAFKA.bootstrapServers());
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(props)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                var offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                var committed = offsets.get(new org.apache.kafka.common.TopicPartition(topic, 0));
                if (committed != null && committed.offset() >= records) {
                    return;
                }
                Thread.sleep(100); // between two looks at the committed offset, not instead of it
            }
        }
        throw new AssertionError(topic + ": the job did not read its " + records + " records within 60 s");
    }

    private static void send(KafkaProducer<byte[], byte[]> p, String topic, long ts, String device, String kind, String extra) {
        KafkaTestClients.send(p, topic, 0, device.getBytes(StandardCharsets.UTF_8), ("{\"ts\":\"" + EventTimes.format(ts)
                + "\",\"tenant\":\"acme\",\"device\":\"" + device + "\",\"kind\":\"" + kind + "\"" + extra + "}").getBytes(StandardCharsets.UTF_8));
    }
}
