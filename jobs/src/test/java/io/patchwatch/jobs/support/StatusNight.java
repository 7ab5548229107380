package io.patchwatch.jobs.support;

import io.patchwatch.jobs.jobconfig.JobConfig;
import io.patchwatch.jobs.kafka.KafkaPipeline;
import io.patchwatch.jobs.settings.JobSettings;
import io.patchwatch.testkit.PatchwatchMiniCluster;
import io.patchwatch.testkit.kafka.KafkaBrokerExtension;
import io.patchwatch.testkit.kafka.KafkaTestClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * A patch night with one device of each outcome, through the job on Kafka to its status topic:
 * OK-1 healthy, FAIL-1 failed, GONE-1 offline (paged), PEND-1 pending a reboot, SVC-1 with a
 * service down, RETIRED-1 heard of once at 00:50 and forgotten an hour later (device expiry 1 h).
 */
public final class StatusNight {
    private StatusNight() {}

    /** Every 5 minutes from 02:05 to 02:45, from every device but GONE-1 and RETIRED-1. */
    private static String heartbeats() {
        StringBuilder b = new StringBuilder();
        for (int minute = 5; minute <= 45; minute += 5) {
            for (String device : new String[] {"OK-1", "FAIL-1", "PEND-1", "SVC-1"}) {
                b.append(String.format("02:%02d %s heartbeat%n", minute, device));
            }
        }
        return b.toString();
    }

    public static final Scenario NIGHT = Scenario.of("""
            00:50 RETIRED-1 heartbeat
            02:00 OK-1 heartbeat
            02:00 FAIL-1 heartbeat
            02:00 GONE-1 heartbeat
            02:00 PEND-1 heartbeat
            02:00 SVC-1 heartbeat
            02:00 OK-1 patch_installed kb=KB1 reboot_required=true
            02:00 FAIL-1 patch_failed kb=KB2 error=0x80070002
            02:00 GONE-1 patch_installed kb=KB3
            02:00 PEND-1 patch_installed kb=KB4 reboot_required=true
            02:00 SVC-1 patch_installed kb=KB5
            02:01 GONE-1 reboot_initiated
            02:01 OK-1 reboot_initiated
            02:01 SVC-1 reboot_initiated
            02:03 OK-1 booted
            02:03 SVC-1 booted
            02:04 SVC-1 service_state service=MSSQLSERVER state=stopped
            """ + heartbeats());

    /** Writes the night to a new topic and runs the job over it to 02:45, its status to {@code statusTopic} (created by the job). */
    public static JobConfig runJob(KafkaBrokerExtension kafka, String statusTopic) throws Exception {
        String bootstrap = kafka.bootstrapServers();
        String input = kafka.newTopic("rmm", 1);
        try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(bootstrap)) {
            for (String line : NIGHT.jsonLines()) {
                KafkaTestClients.send(p, input, null, null, line.getBytes(StandardCharsets.UTF_8));
            }
        }
        JobConfig config = JobConfig.builder(bootstrap).startingOffsets("earliest").groupId("it-" + statusTopic)
                .input(input, "canonical-json").alertsTopic(kafka.newTopic("alerts", 1)).deadLetterTopic(kafka.newTopic("dead", 1))
                .rulesTopic(null).statusTopic(statusTopic).statusMinInterval(Duration.ofMinutes(10))
                .settings(JobSettings.builder().wallClockFloorLag(null).deviceExpiry(Duration.ofHours(1)).build())
                .checkpointInterval(Duration.ofSeconds(1))
                .build();
        StreamExecutionEnvironment env = PatchwatchMiniCluster.environment(KafkaPipeline.flinkConfiguration(config));
        KafkaPipeline.define(env, config, Map.of(), true, Scenario.time("02:45"));
        env.execute("patchwatch status night");
        return config;
    }
}
