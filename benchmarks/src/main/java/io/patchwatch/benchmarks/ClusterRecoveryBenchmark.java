package io.patchwatch.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.jobs.cluster.FlinkRestClient;
import io.patchwatch.jobs.cluster.JobBundle;
import io.patchwatch.testkit.flink.FlinkCluster;
import io.patchwatch.testkit.kafka.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Recovery time of the job on a standalone Flink cluster (flink-conf/config.yaml: RocksDB,
 * incremental checkpoints; job.yaml: checkpoints every 10 s) after {@code kill -9} of its
 * TaskManager, with {@code DEVICES} devices in its state.
 *
 * <p>A producer streams the fleet in event time (every device heartbeats once per event-minute,
 * 30 % are patched in the first minutes, 3 % of all devices never come back after their patch,
 * going silent in batches, so offline alerts keep coming), throttled below what the job
 * sustains. Once the alerts flow, the TaskManager is killed and a new one started at once.
 * Measured: kill → every task of the job RUNNING again after the restore, and kill → the first
 * alert a read_committed consumer sees after the kill.
 *
 * <pre>{@code bin/patchwatch bench recovery [DEVICES] [EVENTS_PER_SECOND]}</pre>
 */
public final class ClusterRecoveryBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MINUTE = 60_000L;
    private static final int MINUTES = 24;
    private static final int KILL_AT_MINUTE = 15;

    private ClusterRecoveryBenchmark() {}

    public static void main(String[] args) throws Exception {
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 30_000;
        String jar = System.getenv("PATCHWATCH_JOB_JAR");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("PATCHWATCH_JOB_JAR must name the job jar (bin/patchwatch sets it)");
        }
        Path dir = Files.createTempDirectory("patchwatch-recovery-");
        try (KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"), 0);
             FlinkCluster flink = FlinkCluster.start(dir.resolve("flink"), Path.of(System.getenv("PATCHWATCH_FLINK_CONF")),
                     Map.of("metrics.reporter.prom.port", "0"))) {
            kafka.createTopic("events", 2);
            kafka.createTopic("alerts", 1);
            kafka.createTopic("dead-letters", 1);
            Path jobYaml = dir.resolve("job.yaml");
            Files.writeString(jobYaml, """
                    kafka: {bootstrap_servers: %s, starting_offsets: earliest, group_id: recovery}
                    inputs: [{topic: events, format: canonical-json}]
                    outputs: {alerts_topic: alerts, dead_letter_topic: dead-letters}
                    time: {out_of_orderness: 5s, idleness: 5s, wall_clock_floor: "off", max_past: 30d}
                    checkpoints: {interval: 10s}
                    parallelism: 2
                    """.formatted(kafka.bootstrapServers()));
            FlinkRestClient rest = new FlinkRestClient(flink.restUrl());
            String jobId = rest.run(rest.uploadJar(Path.of(jar)), JobBundle.read(jobYaml).toProgramArgs(), null, null, false);
            while (!rest.allTasksRunning(jobId)) {
                Thread.sleep(200);
            }
            System.out.printf("patchwatch recovery benchmark: %,d devices, %,d events/s offered, job %s%n", devices, rate, jobId);

            long day = System.currentTimeMillis() - Duration.ofDays(1).toMillis();
            long start = day - day % MINUTE;
            AtomicInteger minute = new AtomicInteger();
            AtomicLong produced = new AtomicLong();
            Thread producer = new Thread(() -> produce(kafka.bootstrapServers(), devices, rate, minute, produced, start));
            producer.setDaemon(true);
            producer.start();

            AlertWatcher alerts = new AlertWatcher(kafka.bootstrapServers());
            while (minute.get() < KILL_AT_MINUTE) {
                alerts.poll();
                Thread.sleep(100);
            }
            System.out.printf("before the kill: %,d events produced, %,d alerts committed, last checkpoint %s%n",
                    produced.get(), alerts.count(), lastCheckpoint(flink, jobId));

            // The kill, a new TaskManager at once, then time to RUNNING and to the first alert.
            long kill = System.nanoTime();
            flink.killTaskManager();
            flink.startTaskManager();
            long alertsAtKill = alerts.count();
            double running = -1;
            double firstAlert = -1;
            while ((running < 0 || firstAlert < 0) && seconds(kill) < 300) {
                if (running < 0 && rest.restoredCount(jobId) >= 1 && rest.allTasksRunning(jobId)) {
                    running = seconds(kill);
                }
                alerts.poll();
                if (firstAlert < 0 && alerts.count() > alertsAtKill) {
                    firstAlert = seconds(kill);
                }
                Thread.sleep(50);
            }
            System.out.printf("kill -9 -> job RUNNING again (restored, every task running): %.1f s%n", running);
            System.out.printf("kill -9 -> first alert committed after the kill:          %.1f s%n", firstAlert);

            // The rest of the night, then until no alert has come for 30 s: every never-back
            // device alerted exactly once across the kill.
            producer.join(600_000);
            long quietSince = System.nanoTime();
            long seen = alerts.count();
            while (seconds(quietSince) < 30) {
                alerts.poll();
                if (alerts.count() != seen) {
                    seen = alerts.count();
                    quietSince = System.nanoTime();
                }
                Thread.sleep(100);
            }
            long expected = java.util.stream.IntStream.range(0, devices).filter(d -> d % 100 < 3).count();
            System.out.printf("after: %,d events produced, %,d alerts committed (ground truth %,d: %s); last checkpoint %s%n",
                    produced.get(), alerts.count(), expected, alerts.count() == expected ? "equal" : "DIFFERENT",
                    lastCheckpoint(flink, jobId));
        } finally {
            deleteRecursively(dir);
        }
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    /** Event-minute by event-minute, throttled to {@code rate} events per wall second. */
    private static void produce(String bootstrap, int devices, int rate, AtomicInteger minute, AtomicLong produced, long base) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("linger.ms", "20");
        p.put("batch.size", "262144");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            long start = System.nanoTime();
            long n = 0;
            for (int m = 0; m < MINUTES; m++) {
                for (int d = 0; d < devices; d++) {
                    long ts = base + m * MINUTE + (d % 60) * 1000L;
                    boolean patched = d % 10 < 3;
                    boolean neverBack = d % 100 < 3;
                    int installMinute = 1 + d % 8;
                    String device = "srv-" + d;
                    if (patched && m == installMinute) {
                        send(producer, device, event(device, ts, "patch_installed", ",\"kb\":\"KB5044284\",\"reboot_required\":false"));
                        n++;
                    }
                    if (!(neverBack && m > installMinute)) {
                        send(producer, device, event(device, ts + 500, "heartbeat", ""));
                        n++;
                    }
                    if (n % 1000 == 0) {
                        long due = start + n * 1_000_000_000L / rate;
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                    }
                }
                produced.set(n);
                minute.set(m + 1);
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String device, byte[] value) {
        producer.send(new ProducerRecord<>("events", device.getBytes(StandardCharsets.UTF_8), value));
    }

    private static byte[] event(String device, long ts, String kind, String extra) {
        return ("{\"ts\":\"" + EventTimes.format(ts) + "\",\"tenant\":\"bench\",\"device\":\"" + device
                + "\",\"kind\":\"" + kind + "\"" + extra + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static String lastCheckpoint(FlinkCluster flink, String jobId) {
        try {
            JsonNode latest = JSON.readTree(flink.get("/jobs/" + jobId + "/checkpoints")).path("latest");
            JsonNode c = latest.path("completed").isMissingNode() || latest.path("completed").isNull()
                    ? latest.path("restored") : latest.path("completed");
            return String.format("#%d, %,d bytes checkpointed (%,d state), %d ms", c.path("id").asLong(),
                    c.path("checkpointed_size").asLong(), c.path("state_size").asLong(), c.path("end_to_end_duration").asLong());
        } catch (Exception e) {
            return "(unknown: " + e.getMessage() + ")";
        }
    }

    /** A read_committed consumer of the alerts topic, counting what it sees. */
    private static final class AlertWatcher {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private long count;

        AlertWatcher(String bootstrap) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumer.assign(List.of(new TopicPartition("alerts", 0)));
            consumer.seekToBeginning(List.of(new TopicPartition("alerts", 0)));
        }

        void poll() {
            count += consumer.poll(Duration.ofMillis(20)).count();
        }

        long count() {
            return count;
        }
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (Exception e) {
            // a temporary directory
        }
    }
}
