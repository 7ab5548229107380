package io.patchwatch.benchmarks;

import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.connectors.kafka.KafkaConnection;
import io.patchwatch.jobs.LocalFlink;
import io.patchwatch.jobs.jobconfig.JobConfig;
import io.patchwatch.jobs.settings.JobSettings;
import io.patchwatch.jobs.kafka.KafkaPipeline;
import io.patchwatch.jobs.kafka.RulesTopic;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.schemas.Alert;
import io.patchwatch.testkit.kafka.KafkaBroker;
import io.patchwatch.testkit.kafka.KafkaTestClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How long a rules change takes to act, live: the job runs on a real broker (a child JVM) and an
 * embedded Flink cluster (parallelism 2), fed with a steady stream of events (heartbeats of 1,000
 * devices every 10 s, and a failed install every 100 ms, each of which pages at once); the rules are
 * published {@code ROUNDS} times, each a new message for {@code patch-failed}. For each version:
 * the time from the {@code publish} call (and from the moment its record is on the topic) to the
 * first alert carrying that {@code rule_version}, as a read_uncommitted consumer of the alerts topic
 * sees it (the decision, before the checkpoint commits it).
 *
 * <pre>{@code bin/patchwatch bench rules [ROUNDS]}</pre>
 */
public final class RulesLatencyBenchmark {
    /**
     * The built-in rules paging at once (FLEET.md's {@code group_wait: 0s}): what is measured is when
     * a version decides, not noise control's wait before a page.
     */
    private static String rules() {
        return RuleSet.defaults().sourceText() + "\nnoise:\n  group_wait: 0s\n";
    }

    private static String rulesFile() throws java.io.IOException {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("bench-rules", ".yaml");
        f.toFile().deleteOnExit();
        java.nio.file.Files.writeString(f, rules());
        return f.toAbsolutePath().toString();
    }

    private RulesLatencyBenchmark() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        try (KafkaBroker kafka = KafkaBroker.startTemporary()) {
            kafka.createTopic("rl-in", 2);
            kafka.createTopic("rl-alerts", 1);
            kafka.createTopic("rl-dlq", 1);
            JobConfig config = JobConfig.builder(kafka.bootstrapServers()).startingOffsets("latest").groupId("bench-rules")
                    .input("rl-in", "canonical-json").alertsTopic("rl-alerts").deadLetterTopic("rl-dlq")
                    .settings(JobSettings.builder().outOfOrderness(Duration.ofMillis(200)).idleness(Duration.ofSeconds(2))
                            .wallClockFloorLag(Duration.ofSeconds(2)).build())
                    .checkpointInterval(Duration.ofSeconds(2)).parallelism(2).rules(java.nio.file.Path.of(rulesFile()).toAbsolutePath())
                    .build();
            StreamExecutionEnvironment env = LocalFlink.environment(config.parallelism(), KafkaPipeline.flinkConfiguration(config));
            KafkaPipeline.define(env, config, Map.of(), false, Long.MAX_VALUE);
            JobClient job = env.executeAsync("patchwatch bench rules");
            AtomicBoolean running = new AtomicBoolean(true);
            Map<Integer, Long> firstSeen = new ConcurrentHashMap<>();
            Map<String, Long> sentAt = new ConcurrentHashMap<>();
            List<Long> eventToAlert = Collections.synchronizedList(new ArrayList<>());
            Thread feeder = new Thread(() -> feed(kafka.bootstrapServers(), running, sentAt), "feeder");
            Thread watcher = new Thread(() -> watch(kafka.bootstrapServers(), running, firstSeen, sentAt, eventToAlert), "watcher");
            feeder.start();
            watcher.start();
            try {
                RulesTopic topic = new RulesTopic(KafkaConnection.plaintext(kafka.bootstrapServers()).clientProperties(),
                        "patchwatch-rules", "bench-rules");
                String base = rules();
                awaitVersion(firstSeen, 1, Duration.ofSeconds(120));
                // Warm-up: the first transactions and fetches of a new job are slow; measure after it.
                Thread.sleep(20_000);
                eventToAlert.clear();
                List<Long> fromCall = new ArrayList<>();
                List<Long> fromRecord = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    String yaml = base.replace("message: \"{update} failed to install", "message: \"[round " + round + "] {update} failed to install");
                    long call = System.currentTimeMillis();
                    RulesTopic.Published p = topic.publish(yaml, "round " + round, System.currentTimeMillis(), false);
                    long written = System.currentTimeMillis();
                    int version = p.version().version();
                    long seen = awaitVersion(firstSeen, version, Duration.ofSeconds(30));
                    fromCall.add(seen - call);
                    fromRecord.add(seen - written);
                    Thread.sleep(500);
                }
                System.out.printf("publish -> first decision under the new version, %d versions (ms): from the call %s; from the record written %s%n",
                        rounds, quantiles(fromCall), quantiles(fromRecord));
                System.out.println("  from the record written, each: " + fromRecord);
                // The baseline: any decision waits for the watermark to pass its event.
                System.out.printf("baseline, event sent -> its alert, %d alerts (ms): %s%n", eventToAlert.size(), quantiles(eventToAlert));
            } finally {
                running.set(false);
                feeder.join();
                watcher.join();
                job.cancel().get();
            }
        }
    }

    private static long awaitVersion(Map<Integer, Long> firstSeen, int version, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!firstSeen.containsKey(version)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no alert under rules version " + version + " within " + timeout);
            }
            Thread.sleep(5);
        }
        return firstSeen.get(version);
    }

    private static String quantiles(List<Long> ms) {
        List<Long> s;
        synchronized (ms) {
            s = new ArrayList<>(ms);
        }
        Collections.sort(s);
        return "p50 " + s.get(s.size() / 2) + ", p99 " + s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * 0.99) - 1))
                + ", max " + s.get(s.size() - 1);
    }

    /** Heartbeats of 1,000 devices every 10 s, and a failed install every 100 ms (each pages at once). */
    private static void feed(String bootstrap, AtomicBoolean running, Map<String, Long> sentAt) {
        try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(bootstrap)) {
            long seq = 0;
            long nextBeats = 0;
            while (running.get()) {
                long now = System.currentTimeMillis();
                if (now >= nextBeats) {
                    for (int d = 0; d < 1000; d++) {
                        send(p, d % 2, "{\"ts\":\"" + EventTimes.format(now) + "\",\"tenant\":\"bench\",\"device\":\"HB-" + d + "\",\"kind\":\"heartbeat\"}");
                    }
                    nextBeats = now + 10_000;
                }
                // Both partitions carry events, so neither holds the watermark back (idleness).
                String kb = "KB" + (1_000_000 + seq);
                sentAt.put(kb, now);
                send(p, (int) (seq % 2), "{\"ts\":\"" + EventTimes.format(now) + "\",\"tenant\":\"bench\",\"device\":\"PF-" + (seq % 50)
                        + "\",\"kind\":\"patch_failed\",\"kb\":\"" + kb + "\",\"error\":\"0x1\"}");
                seq++;
                p.flush();
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asynchronous (flushed after each step): a synchronous send per heartbeat would stall the feed. */
    private static void send(KafkaProducer<byte[], byte[]> p, int partition, String json) {
        p.send(new org.apache.kafka.clients.producer.ProducerRecord<>("rl-in", partition, null, json.getBytes(StandardCharsets.UTF_8)));
    }

    /** The first moment an alert of each rules version is on the alerts topic (read_uncommitted). */
    private static void watch(String bootstrap, AtomicBoolean running, Map<Integer, Long> firstSeen,
                              Map<String, Long> sentAt, List<Long> eventToAlert) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> alerts = List.of(new TopicPartition("rl-alerts", 0));
            c.assign(alerts);
            c.seekToBeginning(alerts);
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(20))) {
                    long now = System.currentTimeMillis();
                    try {
                        Alert a = Alert.getDecoder().decode(r.value());
                        Integer v = a.getContext().getRuleVersion();
                        if (v != null) {
                            firstSeen.putIfAbsent(v, now);
                        }
                        Long sent = a.getKbs().isEmpty() ? null : sentAt.remove(a.getKbs().get(0));
                        if (sent != null) {
                            eventToAlert.add(now - sent);
                        }
                    } catch (Exception e) {
                        // not an alert: ignored
                    }
                }
            }
        }
    }
}
