package io.patchwatch.jobs.jobconfig;

import io.patchwatch.jobs.config.ConfigException;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigTest {
    static final String MINIMAL = """
            kafka:
              bootstrap_servers: 127.0.0.1:9092
            inputs:
              - topic: events
            outputs:
              alerts_topic: alerts
              dead_letter_topic: dlq
            """;

    @Test
    void theExampleFileIsValidAndDefaultsAreSane() {
        JobConfig example = JobConfig.load(Path.of("../flink-conf/job.example.yaml"));
        JobConfig minimal = parse(MINIMAL);

        assertThat(example.inputs()).extracting(JobConfig.Input::format).containsExactly("canonical-json", "winlogbeat");
        assertThat(example.rules()).isEqualTo(Path.of("../flink-conf/rules.yaml").toAbsolutePath().normalize());
        assertThat(minimal.settings().live()).isTrue();
        assertThat(minimal.settings().wallClockFloorLag()).isEqualTo(Duration.ofMinutes(1));
        assertThat(minimal.checkpointInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(minimal.startingOffsets()).isEqualTo("committed");
        assertThat(minimal.inputs().get(0).format()).isEqualTo("canonical-json");
        assertThat(example.rulesTopic()).isEqualTo("patchwatch-rules");
        assertThat(minimal.rulesTopic()).as("live rule changes are on by default").isEqualTo("patchwatch-rules");
        assertThat(parse(MINIMAL + "rules_topic: \"off\"\n").rulesTopic()).isNull();
    }

    @Test
    void anUnknownKeyNamesItsLine() {
        assertThatThrownBy(() -> parse(MINIMAL.replace("  dead_letter_topic: dlq", "  dead_letter_topic: dlq\n  dead_leter_topic: x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("job.yaml:8:")
                .hasMessageContaining("unknown key 'dead_leter_topic'");
        assertThatThrownBy(() -> parse(MINIMAL.replace("- topic: events", "- {topic: events, format: syslog}")))
                .hasMessageContaining("inputs[0].format: unknown format 'syslog'");
    }

    @Test
    void secretsAreNeverInline() {
        assertThatThrownBy(() -> parse(kafka("security_protocol: SASL_SSL", "sasl: {mechanism: SCRAM-SHA-512, username: pw, password: hunter2}")))
                .hasMessageContaining("secrets are not read from the config file")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void secretsComeFromTheEnvironmentOrAFile(@TempDir Path dir) throws Exception {
        JobConfig fromEnv = parse(kafka("security_protocol: SASL_SSL", "sasl: {mechanism: SCRAM-SHA-512, username: pw, password_env: KAFKA_PW}"));
        Path file = dir.resolve("pw");
        Files.writeString(file, "from \"file\"\n", StandardCharsets.UTF_8);
        JobConfig fromFile = parse(kafka("security_protocol: SASL_PLAINTEXT", "sasl: {mechanism: PLAIN, username: pw, password_file: " + file + "}"));

        fromEnv.kafka().checkSecrets(Map.of("KAFKA_PW", "s3cret"));
        fromFile.kafka().checkSecrets(Map.of());
        Properties env = fromEnv.kafka().clientProperties();
        Properties filed = fromFile.kafka().clientProperties();

        // References only: the Kafka client resolves them where it runs, the job graph holds none.
        assertThat(env.getProperty("sasl.jaas.config")).contains("ScramLoginModule", "password=\"${patchwatch:jaas-env:KAFKA_PW}\"");
        assertThat(filed.getProperty("sasl.jaas.config")).contains("PlainLoginModule", "password=\"${patchwatch:jaas-file:" + file + "}\"");
        assertThat(env).containsEntry("config.providers", "patchwatch");
        assertThat(env.toString() + filed).doesNotContain("s3cret").doesNotContain("from");
        // Where the client resolves it, a password with quotes stays one JAAS value.
        org.apache.kafka.common.config.ConfigData data = new io.patchwatch.connectors.kafka.SecretConfigProvider()
                .get("jaas-file", java.util.Set.of(file.toString()));
        assertThat(data.data().get(file.toString())).isEqualTo("from \\\"file\\\"");
        assertThat(fromEnv.kafka().toString()).doesNotContain("s3cret").contains("SCRAM-SHA-512");
        assertThatThrownBy(() -> fromEnv.kafka().checkSecrets(Map.of()))
                .hasMessageContaining("variable KAFKA_PW is not set");
    }

    /** The minimal config with more lines in its kafka section. */
    private static String kafka(String... lines) {
        return MINIMAL.replace("  bootstrap_servers: 127.0.0.1:9092\n",
                "  bootstrap_servers: 127.0.0.1:9092\n  " + String.join("\n  ", lines) + "\n");
    }

    private static JobConfig parse(String yaml) {
        return JobConfig.parse(yaml.getBytes(StandardCharsets.UTF_8), "job.yaml", Path.of("/etc/patchwatch"));
    }
}
