package io.patchwatch.benchmarks;

import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.connectors.adapters.RawRecord;
import io.patchwatch.connectors.kafka.RawRecordDeserializer;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import io.patchwatch.jobs.LocalFlink;
import io.patchwatch.jobs.jobconfig.JobConfig;
import io.patchwatch.connectors.config.Durations;
import io.patchwatch.jobs.settings.JobSettings;
import io.patchwatch.jobs.demo.DemoReport;
import io.patchwatch.jobs.demo.FleetToKafka;
import io.patchwatch.jobs.demo.FleetPlan;
import io.patchwatch.jobs.kafka.KafkaPipeline;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertStatus;
import io.patchwatch.testkit.kafka.KafkaBroker;
import io.patchwatch.testkit.kafka.KafkaTestClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The job between real Kafka topics, on a real broker (a child JVM) and an embedded Flink cluster
 * (parallelism 2), on this machine:
 *
 * <ol>
 *   <li><b>Throughput</b>: the demo's patch night for {@code DEVICES} devices (heartbeat every minute,
 *       5 h) is written to a 2-partition topic first, then the job reads it to the end: events per
 *       second from Kafka through the job to the committed alerts topic. Its alerts are checked
 *       against the faults the simulator injected. Beside it, on the same broker, in the same run,
 *       the floor a user would compare with: a plain copy of the same records through Flink
 *       (Kafka source, exactly-once Kafka sink, the same parallelism and checkpoints, nothing
 *       parsed), and the ratio of the two.
 *   <li><b>Latency</b>: a live run on the wall clock (1,000 devices heartbeating every 2 s, 200 of them
 *       going silent after a patch, N = 20 s, checkpoints every second): the time from each alert's
 *       deadline to the moment a read_committed consumer receives it.
 * </ol>
 *
 * <pre>{@code bin/patchwatch bench kafka [DEVICES]}</pre>
 */
public final class KafkaPipelineBenchmark {
    private KafkaPipelineBenchmark() {}

    public static void main(String[] args) throws Exception {
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        try (KafkaBroker kafka = KafkaBroker.startTemporary()) {
            throughput(kafka, devices);
            if (args.length < 2 || !args[1].equals("--throughput-only")) {
                latency(kafka);
            }
        }
    }

    private static void throughput(KafkaBroker kafka, int devices) throws Exception {
        FleetPlan plan = FleetPlan.create(devices, 12, 42);
        kafka.createTopic("night", 2);
        kafka.createTopic("night-pings", 1); // the ping collector's feed (FleetPlan)
        kafka.createTopic("night-alerts", 1);
        kafka.createTopic("night-dlq", 1);
        kafka.createTopic("night-events", 1);
        long t0 = System.nanoTime();
        long produced = FleetToKafka.produce(plan, kafka.bootstrapServers(),
                Map.of(FleetPlan.RMM_FEED, "night", plan.collector().feed(), "night-pings"));
        double produceSeconds = (System.nanoTime() - t0) / 1e9;
        // Checkpoints on disk, as a cluster keeps them: the tracker's state of 10,000 devices is
        // beyond what a checkpoint held in the JobManager's memory may be (5 MB).
        JobConfig config = config(kafka, "night,night-pings", "night-alerts", "night-dlq")
                .eventsTopic(System.getProperty("bench.events") == null ? null : "night-events")
                .settings(JobSettings.builder().wallClockFloorLag(null)
                        .idleness(Durations.parse(System.getProperty("bench.idleness", "30s"))).build())
                .checkpointInterval(Duration.ofSeconds(10))
                .checkpointDirectory(Files.createTempDirectory("patchwatch-bench-checkpoints-").toUri().toString())
                .build();
        kafka.createTopic("night-copy", 1);
        double copySeconds = copy(config, List.of("night", "night-pings"), "night-copy");

        StreamExecutionEnvironment env = environment(config);
        KafkaPipeline.define(env, config, Map.of(), true, plan.end() - 1);
        long t1 = System.nanoTime();
        env.execute("patchwatch kafka throughput");
        double seconds = (System.nanoTime() - t1) / 1e9;

        List<Alert> alerts = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaTestClients.readAll(kafka.bootstrapServers(), "night-alerts", true)) {
            alerts.add(Alert.getDecoder().decode(r.value()));
        }
        int uncommitted = KafkaTestClients.readAll(kafka.bootstrapServers(), "night-alerts", false).size();
        int deadLetters = KafkaTestClients.readAll(kafka.bootstrapServers(), "night-dlq", false).size();
        int normalized = KafkaTestClients.readAll(kafka.bootstrapServers(), "night-events", false).size();
        System.out.printf("  (read_uncommitted sees %d records; dead letters %d; normalized events %d)%n", uncommitted, deadLetters, normalized);
        DemoReport report = DemoReport.of(plan, alerts);
        System.out.printf("throughput: %,d devices, %,d events (written to Kafka in %.1f s)%n", devices, produced, produceSeconds);
        System.out.printf("  Kafka -> job -> Kafka (exactly once, parallelism 2): %.1f s, %,.0f events/s%n", seconds, produced / seconds);
        System.out.printf("  Kafka -> copy -> Kafka (the floor: the same records, exactly once, parallelism 2): %.1f s, %,.0f records/s%n",
                copySeconds, produced / copySeconds);
        System.out.printf("  job / copy: %.2f (target >= 0.5)%n", copySeconds / seconds);
        System.out.printf("  alerts %d; injected faults caught: %s; unexplained alerts: %d%n", alerts.size(),
                report.allCaught() ? "all" : report.missed().size() + " missed", report.unexplained().size());
        report.missed().stream().limit(Integer.getInteger("bench.missed", 10)).forEach(m -> System.out.println("    missed: " + m));
    }

    private static void latency(KafkaBroker kafka) throws Exception {
        kafka.createTopic("live", 2);
        kafka.createTopic("live-alerts", 1);
        kafka.createTopic("live-dlq", 1);
        Path dir = Files.createTempDirectory("patchwatch-bench-");
        String rules = new String(KafkaPipelineBenchmark.class.getResourceAsStream("/io/patchwatch/jobs/config/rules.yaml").readAllBytes(),
                StandardCharsets.UTF_8) + "  - match: {tenant: bench}\n    silence_after: 20s\n"
                // What is measured is deadline -> page: pages go at once (no group_wait), and the 200
                // devices that go quiet together are not taken for one site's outage (FLEET.md), which
                // would page once for all of them.
                + "noise:\n  group_wait: 0s\n  site_outage: {min_devices: 1000000}\n";
        Files.writeString(dir.resolve("rules.yaml"), rules);
        JobConfig config = config(kafka, "live", "live-alerts", "live-dlq").rules(dir.resolve("rules.yaml"))
                .settings(JobSettings.builder().outOfOrderness(Duration.ofSeconds(1)).idleness(Duration.ofSeconds(2))
                        .wallClockFloorLag(Duration.ofSeconds(2)).build())
                .checkpointInterval(Duration.ofSeconds(1))
                .build();
        StreamExecutionEnvironment env = environment(config);
        KafkaPipeline.define(env, config, Map.of(), false, Long.MAX_VALUE);
        JobClient job = env.executeAsync("patchwatch kafka latency");

        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        Thread consumer = new Thread(() -> consume(kafka, latencies, stop));
        consumer.start();
        int fleet = 1000;
        int silent = 200;
        long start = System.currentTimeMillis();
        try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(kafka.bootstrapServers())) {
            // 60 s: everyone heartbeats every 2 s; at 15 s, 200 devices install a patch and go quiet.
            while (System.currentTimeMillis() - start < 60_000) {
                long now = System.currentTimeMillis();
                boolean patchTime = now - start >= 15_000;
                for (int d = 0; d < fleet; d++) {
                    String device = "BENCH-" + d;
                    if (d < silent && patchTime) {
                        continue;
                    }
                    if (d < silent && now - start >= 13_000) {
                        send(p, device, now, "\"kind\":\"patch_installed\",\"kb\":\"KB5044284\"");
                    } else {
                        send(p, device, now, "\"kind\":\"heartbeat\"");
                    }
                }
                p.flush();
                Thread.sleep(Math.max(0, 2000 - (System.currentTimeMillis() - now)));
            }
        }
        Thread.sleep(5000);
        stop.set(true);
        consumer.join();
        job.cancel().get();
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf("latency: %d offline-after-patch alerts, deadline -> received by a read_committed consumer:%n", sorted.size());
        if (!sorted.isEmpty()) {
            System.out.printf("  p50 %d ms, p99 %d ms, max %d ms (out-of-orderness 1 s, checkpoints every 1 s)%n",
                    sorted.get(sorted.size() / 2), sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * 0.99))),
                    sorted.get(sorted.size() - 1));
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> p, String device, long ts, String rest) {
        String json = "{\"ts\":\"" + EventTimes.format(ts) + "\",\"tenant\":\"bench\",\"device\":\"" + device + "\"," + rest + "}";
        p.send(new ProducerRecord<>("live", device.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)));
    }

    private static void consume(KafkaBroker kafka, List<Long> latencies, AtomicBoolean stop) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "latency");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of("live-alerts"));
            while (!stop.get()) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(50))) {
                    long received = System.currentTimeMillis();
                    try {
                        Alert a = Alert.getDecoder().decode(r.value());
                        if (a.getStatus() == AlertStatus.firing && a.getRule().equals("offline-after-patch")) {
                            latencies.add(received - a.getTs());
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
    }

    /** The same records through Flink, read and written back unparsed, exactly once: seconds until the end. */
    private static double copy(JobConfig config, List<String> topics, String target) throws Exception {
        StreamExecutionEnvironment env = environment(config);
        Properties producer = new Properties();
        producer.putAll(config.kafka().clientProperties());
        producer.put("transaction.timeout.ms", "900000"); // as the job's sinks
        env.fromSource(KafkaSource.<RawRecord>builder()
                                .setProperties(config.kafka().clientProperties())
                                .setTopics(topics)
                                .setGroupId("bench-copy")
                                .setStartingOffsets(OffsetsInitializer.earliest())
                                .setBounded(OffsetsInitializer.latest())
                                .setDeserializer(new RawRecordDeserializer())
                                .build(), WatermarkStrategy.noWatermarks(), "Kafka " + topics)
                .sinkTo(KafkaSink.<RawRecord>builder()
                        .setKafkaProducerConfig(producer)
                        .setRecordSerializer(KafkaRecordSerializationSchema.<RawRecord>builder()
                                .setTopic(target)
                                .setValueSerializationSchema(new PayloadOnly())
                                .build())
                        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                        .setTransactionalIdPrefix("bench-copy")
                        .build());
        long t0 = System.nanoTime();
        env.execute("plain Kafka copy");
        return (System.nanoTime() - t0) / 1e9;
    }

    /** A record's bytes as they came. */
    private static final class PayloadOnly implements SerializationSchema<RawRecord> {
        @Override
        public byte[] serialize(RawRecord r) {
            return r.payload;
        }
    }

    /** The benchmark's job: its inputs (comma-separated topics) to its topics, the rest set by the caller. */
    private static JobConfig.Builder config(KafkaBroker kafka, String in, String alerts, String dlq) {
        JobConfig.Builder b = JobConfig.builder(kafka.bootstrapServers()).startingOffsets("earliest").groupId("bench-" + in.split(",")[0])
                .alertsTopic(alerts).deadLetterTopic(dlq).parallelism(Integer.parseInt(System.getProperty("bench.parallelism", "2")));
        for (String topic : in.split(",")) {
            b.input(topic, "canonical-json");
        }
        return b;
    }

    private static StreamExecutionEnvironment environment(JobConfig config) {
        return LocalFlink.environment(config.parallelism(), KafkaPipeline.flinkConfiguration(config));
    }
}
