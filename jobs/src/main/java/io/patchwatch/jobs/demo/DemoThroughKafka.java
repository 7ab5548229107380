package io.patchwatch.jobs.demo;

import io.patchwatch.jobs.LocalFlink;
import io.patchwatch.jobs.jobconfig.JobConfig;
import io.patchwatch.jobs.settings.JobSettings;
import io.patchwatch.jobs.kafka.KafkaPipeline;
import io.patchwatch.schemas.Alert;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code patchwatch demo --kafka}: the simulated night written to a topic of a real broker, the job
 * reading it to its end and writing alerts exactly once to another, and the alerts shown as a
 * read_committed consumer receives them (at each checkpoint). Topics are new for every run.
 */
public final class DemoThroughKafka {
    private DemoThroughKafka() {}

    /** @param rulesFile a rules file, or null for the built-in rules */
    public static List<Alert> run(FleetPlan plan, String bootstrap, int parallelism, String rulesFile, Consumer<Alert> onAlert,
                                  PrintStream out)
            throws Exception {
        String run = Long.toString(System.currentTimeMillis());
        String events = "patchwatch-demo-events-" + run;
        String pings = "patchwatch-demo-pings-" + run;
        String alerts = "patchwatch-demo-alerts-" + run;
        String deadLetters = "patchwatch-demo-dead-letters-" + run;
        FleetToKafka.createTopics(bootstrap, List.of(new NewTopic(events, 2, (short) 1), new NewTopic(pings, 1, (short) 1),
                new NewTopic(alerts, 1, (short) 1), new NewTopic(deadLetters, 1, (short) 1)));
        long written = FleetToKafka.produce(plan, bootstrap, Map.of(FleetPlan.RMM_FEED, events, plan.collector().feed(), pings));
        out.printf("wrote %,d events to %s and %s (the ping collector's); alerts go to %s%n%n", written, events, pings, alerts);

        JobConfig config = JobConfig.builder(bootstrap).startingOffsets("earliest").groupId("patchwatch-demo-" + run)
                .input(events, "canonical-json").input(pings, "canonical-json").alertsTopic(alerts).deadLetterTopic(deadLetters)
                .settings(JobSettings.builder().wallClockFloorLag(null).build())
                .checkpointInterval(Duration.ofSeconds(2)).parallelism(parallelism)
                .rules(rulesFile == null ? null : Path.of(rulesFile).toAbsolutePath())
                .build();
        StreamExecutionEnvironment env = LocalFlink.environment(parallelism, KafkaPipeline.flinkConfiguration(config));
        KafkaPipeline.define(env, config, Map.of(), true, plan.end() - 1);
        JobClient job = env.executeAsync("patchwatch demo (kafka)");
        // The result future, not the job status: a local job's cluster is gone once the job ends.
        var done = job.getJobExecutionResult();

        List<Alert> received = new ArrayList<>();
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", "patchwatch-demo-reader-" + run);
        p.put("isolation.level", "read_committed");
        p.put("auto.offset.reset", "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(alerts));
            long quietSince = Long.MAX_VALUE;
            while (true) {
                boolean any = false;
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                    Alert a = Alert.getDecoder().decode(r.value());
                    received.add(a);
                    onAlert.accept(a);
                    any = true;
                }
                if (done.isDone()) {
                    quietSince = any ? System.currentTimeMillis() : Math.min(quietSince, System.currentTimeMillis());
                    if (System.currentTimeMillis() - quietSince > 3000) {
                        break;
                    }
                }
            }
        }
        done.get();
        return received;
    }
}
