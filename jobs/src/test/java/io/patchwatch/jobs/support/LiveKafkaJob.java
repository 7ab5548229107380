package io.patchwatch.jobs.support;

import io.patchwatch.jobs.jobconfig.JobConfig;
import io.patchwatch.jobs.kafka.KafkaPipeline;
import io.patchwatch.testkit.PatchwatchMiniCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        String rules = new String(LiveKafkaJob.class.getResourceAsStream("/io/patchwatch/jobs/config/rules.yaml").readAllBytes(),
                StandardCharsets.UTF_8) + "  - match: {tenant: " + tenant + "}\n    silence_after: " + silenceAfter + "\n"
                // Pages at once, so that a probe's alert says how far event time is (FLEET.md's group_wait: 0s).
                + "noise:\n  group_wait: 0s\n";
        Files.writeString(dir.resolve("rules.yaml"), rules);
        return startWith(dir, bootstrap, input, alerts, deadLetters, "rules: rules.yaml", """
                  out_of_orderness: 1s
                  idleness: 2s
                  wall_clock_floor: 3s""");
    }

    /**
     * The Kafka job with the built-in rules on event time alone (no wall-clock floor), idleness 2 s,
     * out-of-orderness 5 s, events up to 60 days old: time moves only with the events sent.
     */
    public static JobClient startOnEventTimeOnly(Path dir, String bootstrap, String input, String alerts, String deadLetters)
            throws Exception {
        return startOnEventTimeOnly(dir, bootstrap, java.util.List.of(input), alerts, deadLetters);
    }

    /** As above, reading several input topics (each one a feed). */
    public static JobClient startOnEventTimeOnly(Path dir, String bootstrap, java.util.List<String> inputs, String alerts,
                                                 String deadLetters) throws Exception {
        return startWith(dir, bootstrap, inputs, alerts, deadLetters, "", """
                  out_of_orderness: 5s
                  idleness: 2s
                  wall_clock_floor: "off"
                  max_past: 60d""");
    }

    private static JobClient startWith(Path dir, String bootstrap, String input, String alerts, String deadLetters,
                                       String rulesLine, String time) throws Exception {
        return startWith(dir, bootstrap, java.util.List.of(input), alerts, deadLetters, rulesLine, time);
    }

    private static JobClient startWith(Path dir, String bootstrap, java.util.List<String> inputs, String alerts, String deadLetters,
                                       String rulesLine, String time) throws Exception {
        String input = inputs.get(0);
        Files.writeString(dir.resolve("job.yaml"), """
                kafka:
                  bootstrap_servers: %s
                  starting_offsets: earliest
                  group_id: %s
                inputs:
                %s
                outputs:
                  alerts_topic: %s
                  dead_letter_topic: %s
                %s
                time:
                %s
                checkpoints:
                  interval: 1s
                parallelism: 2
                """.formatted(bootstrap, input + "-group", String.join("\n", inputs.stream()
                        .map(t -> "  - {topic: " + t + ", format: canonical-json}").toList()), alerts, deadLetters, rulesLine,
                        time.indent(2).stripTrailing()));
        JobConfig config = JobConfig.load(dir.resolve("job.yaml"));
        StreamExecutionEnvironment env = PatchwatchMiniCluster.environment(KafkaPipeline.flinkConfiguration(config));
        KafkaPipeline.define(env, config, Map.of(), false, Long.MAX_VALUE);
        return env.executeAsync("patchwatch live " + input);
    }
}
