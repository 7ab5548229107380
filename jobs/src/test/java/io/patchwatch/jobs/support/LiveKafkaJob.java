package io.patchwatch.jobs.support;

import io.patchwatch.jobs.jobconfig.JobConfig;
import io.patchwatch.jobs.jobconfig.JobOptions;
import io.patchwatch.jobs.kafka.KafkaPipeline;
import io.patchwatch.testkit.PatchwatchMiniCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import io.patchwatch.jobs.settings.JobSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The Kafka job live, as the tests start it (checkpoints every second, parallelism 2): on the wall
 * clock with a short N for one tenant so that tests wait seconds ({@link #start}), or on event time
 * alone ({@link #startOnEventTimeOnly}).
 */
public final class LiveKafkaJob {
    private LiveKafkaJob() {}

    /**
     * On the wall clock: out-of-orderness 1 s, idleness 2 s, wall-clock floor 3 s, N = {@code
     * silenceAfter} for {@code tenant}, group_wait 0 s.
     */
    public static JobClient start(Path dir, String bootstrap, String input, String alerts, String deadLetters,
                                  String tenant, String silenceAfter) throws Exception {
        return start(dir, bootstrap, input, alerts, deadLetters, tenant, silenceAfter, JobOptions.RULES_TOPIC.defaultValue());
    }

    /** As above, on the rules topic {@code rulesTopic}. */
    public static JobClient start(Path dir, String bootstrap, String input, String alerts, String deadLetters,
                                  String tenant, String silenceAfter, String rulesTopic) throws Exception {
        String rules = new String(LiveKafkaJob.class.getResourceAsStream("/io/patchwatch/jobs/config/rules.yaml").readAllBytes(),
                StandardCharsets.UTF_8) + "  - match: {tenant: " + tenant + "}\n    silence_after: " + silenceAfter + "\n"
                // Pages at once, so that a probe's alert says how far event time is (FLEET.md's group_wait: 0s).
                + "noise:\n  group_wait: 0s\n";
        Files.writeString(dir.resolve("rules.yaml"), rules);
        return startWith(bootstrap, List.of(input), alerts, deadLetters, dir.resolve("rules.yaml"), JobSettings.builder()
                .outOfOrderness(Duration.ofSeconds(1)).idleness(Duration.ofSeconds(2)).wallClockFloorLag(Duration.ofSeconds(3))
                .build(), rulesTopic);
    }

    /**
     * The Kafka job with the built-in rules on event time alone (no wall-clock floor), idleness 2 s,
     * out-of-orderness 5 s, events up to 60 days old: time moves only with the events sent.
     */
    public static JobClient startOnEventTimeOnly(Path dir, String bootstrap, String input, String alerts, String deadLetters)
            throws Exception {
        return startOnEventTimeOnly(dir, bootstrap, List.of(input), alerts, deadLetters);
    }

    /** As above, reading several input topics (each one a feed). */
    public static JobClient startOnEventTimeOnly(Path dir, String bootstrap, List<String> inputs, String alerts,
                                                 String deadLetters) throws Exception {
        return startWith(bootstrap, inputs, alerts, deadLetters, null, JobSettings.builder()
                .outOfOrderness(Duration.ofSeconds(5)).idleness(Duration.ofSeconds(2)).wallClockFloorLag(null)
                .maxPast(Duration.ofDays(60)).build(), JobOptions.RULES_TOPIC.defaultValue());
    }

    private static JobClient startWith(String bootstrap, List<String> inputs, String alerts, String deadLetters, Path rules,
                                       JobSettings time, String rulesTopic) throws Exception {
        JobConfig.Builder builder = JobConfig.builder(bootstrap).startingOffsets("earliest").groupId(inputs.get(0) + "-group")
                .alertsTopic(alerts).deadLetterTopic(deadLetters).rules(rules).settings(time).rulesTopic(rulesTopic)
                .checkpointInterval(Duration.ofSeconds(1)).parallelism(2);
        inputs.forEach(topic -> builder.input(topic, "canonical-json"));
        JobConfig config = builder.build();
        StreamExecutionEnvironment env = PatchwatchMiniCluster.environment(KafkaPipeline.flinkConfiguration(config));
        KafkaPipeline.define(env, config, Map.of(), false, Long.MAX_VALUE);
        return env.executeAsync("patchwatch live " + inputs.get(0));
    }
}
