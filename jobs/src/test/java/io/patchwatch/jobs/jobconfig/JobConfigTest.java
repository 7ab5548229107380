package io.patchwatch.jobs.jobconfig;

import io.patchwatch.connectors.config.ConfigException;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import io.patchwatch.connectors.sinks.delivery.SinkSpec;
import java.util.List;
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
                .hasMessageContaining("job.yaml:8:3: outputs.dead_leter_topic: unknown key (known here: alerts_json_topic, alerts_topic,");
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

    @Test
    void everyMistakeOfTheFileAtOnceEachWithItsPlaceAlsoThoseFoundAfterReading() {
        List<String> problems = problems("""
                kafka:
                  bootstrap_servers: 127.0.0.1:9092
                  security_protocol: TLS
                  sasl: {mechanism: PLAIN, username: svc, password: hunter2}
                inputs:
                  - {topic: events, format: syslog}
                  - {format: winlogbeat}
                outputs:
                  alerts_topic: alerts
                time:
                  idleness: 30 seconds
                  wall_clock_floor: never
                  max_past: [7d]
                checkpoints: {interval: 0s}
                parallelism: two
                sinks:
                  - {name: pd, type: pagerduty, routing_key: R0UT1NG}
                  - {name: hook, type: webhook, url: 'https://h/x', template: '{}', index: main}
                """);
        assertThat(problems).containsExactly(
                "job.yaml:3:22: kafka.security_protocol: 'TLS' is not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL",
                "job.yaml:4:53: kafka.sasl.password: secrets are not read from the config file; use password_env (an environment variable) or password_file",
                "job.yaml:6:29: inputs[0].format: unknown format 'syslog' (known: " + String.join(", ", io.patchwatch.connectors.adapters.Adapters.NAMES) + ")",
                "job.yaml:7:5: inputs[1]: needs topic (The topic.)",
                "job.yaml:9:3: outputs: needs dead_letter_topic (Records that could not be read, each with its reason.)",
                "job.yaml:11:13: time.idleness: '30 seconds' is not a duration (a whole number followed by ms, s, m, h or d, e.g. 10m)",
                "job.yaml:12:21: time.wall_clock_floor: 'never' is not a duration (a whole number followed by ms, s, m, h or d, e.g. 10m)",
                "job.yaml:13:13: time.max_past: expected a single value (duration), not a list",
                "job.yaml:14:25: checkpoints.interval: must be positive",
                "job.yaml:15:14: parallelism: 'two' is not a whole number",
                "job.yaml:17:46: sinks[0].routing_key: secrets are not read from the config file; use routing_key_env (an environment variable) or routing_key_file",
                "job.yaml:18:69: sinks[1].index: not a setting of a webhook sink (it is one of splunk-hec)");
        assertThat(String.join("\n", problems)).doesNotContain("hunter2").doesNotContain("R0UT1NG");
    }

    @Test
    void aSaslSectionNeedsASaslProtocolSaidAtTheSection() {
        assertThat(problems(kafka("sasl: {mechanism: PLAIN, username: u, password_env: PW}")))
                .containsExactly("job.yaml:2:3: kafka: sasl needs security_protocol SASL_PLAINTEXT or SASL_SSL, not PLAINTEXT");
        assertThat(problems(kafka("security_protocol: SASL_SSL")))
                .containsExactly("job.yaml:2:3: kafka: security_protocol SASL_SSL needs a kafka.sasl section");
        assertThat(problems(kafka("security_protocol: SASL_SSL", "sasl: {mechanism: GSSAPI, username: u, password_env: PW}")))
                .singleElement().asString().contains("kafka.sasl.mechanism: 'GSSAPI' is not one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512");
    }

    @Test
    void aConfigBuiltInCodeChecksItselfAndTakesTheFileDefaults() {
        JobConfig built = JobConfig.builder("127.0.0.1:9092").input("events", "canonical-json").alertsTopic("alerts")
                .deadLetterTopic("dlq").build();
        JobConfig read = parse(MINIMAL);
        assertThat(built.settings()).isEqualTo(read.settings());
        assertThat(built.checkpointInterval()).isEqualTo(read.checkpointInterval());
        assertThat(built.rulesTopic()).isEqualTo(read.rulesTopic());
        assertThat(built.failedDeliveriesTopic()).isEqualTo(read.failedDeliveriesTopic());
        assertThat(built.inputs()).isEqualTo(read.inputs());
        assertThatThrownBy(() -> JobConfig.builder("127.0.0.1:9092").alertsTopic("alerts").deadLetterTopic("dlq").build())
                .hasMessage("inputs: at least one input topic is needed");
        assertThatThrownBy(() -> built.toBuilder().parallelism(0).build()).hasMessage("parallelism must be at least 1");
        assertThatThrownBy(() -> built.toBuilder().startingOffsets("newest").build())
                .hasMessageContaining("kafka.starting_offsets 'newest' is not one of");
        assertThat(built.toBuilder().parallelism(3).build().settings().ingestParallelism()).isEqualTo(3);
    }

    @Test
    void theCommentedSinksOfTheExampleFileAreValid() throws Exception {
        String example = Files.readString(Path.of("../flink-conf/job.example.yaml"));
        String block = example.substring(example.indexOf("# sinks:\n") + "# sinks:\n".length());
        String uncommented = block.lines().map(l -> l.replaceFirst("^# ", "")).collect(java.util.stream.Collectors.joining("\n"));
        assertThat(parse(MINIMAL + "sinks:\n" + uncommented + "\n").sinks()).extracting(SinkSpec::name)
                .containsExactly("pagerduty", "alertmanager", "siem", "slack");
    }

    @Test
    void theJobYamlOfTheKubernetesExampleIsValid() throws Exception {
        String manifest = Files.readString(Path.of("../flink-conf/kubernetes/flinkdeployment.yaml"));
        String block = manifest.substring(manifest.indexOf("  job.yaml: |\n") + "  job.yaml: |\n".length(), manifest.indexOf("\n---"));
        String yaml = block.lines().map(l -> l.length() >= 4 ? l.substring(4) : l).collect(java.util.stream.Collectors.joining("\n"));
        JobConfig config = JobConfig.parse(yaml.getBytes(StandardCharsets.UTF_8), "flinkdeployment.yaml", Path.of("."));
        assertThat(config.sinks()).extracting(SinkSpec::name).containsExactly("pagerduty", "siem");
        assertThat(manifest).contains("name: " + config.sinks().get(0).settings().secrets().get(0).env());
    }

    @Test
    void aLocalRunChecksThatEverySecretCanBeRead() {
        JobConfig config = parse(MINIMAL + "sinks:\n  - {name: pd, type: pagerduty, routing_key_env: PD_KEY}\n");
        config.requireSinkSecrets(Map.of("PD_KEY", "k"));
        assertThatThrownBy(() -> config.requireSinkSecrets(Map.of()))
                .hasMessage("sink pd: environment variable PD_KEY is not set");
    }

    private static List<String> problems(String yaml) {
        try {
            parse(yaml);
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("no problem found");
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
