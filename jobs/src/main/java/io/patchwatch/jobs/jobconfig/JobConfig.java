package io.patchwatch.jobs.jobconfig;

import io.patchwatch.jobs.config.ConfigException;
import io.patchwatch.jobs.config.Durations;
import io.patchwatch.jobs.inventory.Inventory;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.patchwatch.connectors.adapters.Adapters;
import io.patchwatch.connectors.kafka.KafkaConnection;
import io.patchwatch.connectors.sinks.delivery.SinkSpec;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.jobs.settings.JobSettings;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * job.yaml, read once into an immutable record: where the feeds come from, where alerts go, and how
 * the job treats time, and which alert sinks receive what. Unknown keys are an error naming the file, line, column and key; secrets are
 * only ever the name of an environment variable or a file.
 *
 * <pre>{@code
 * JobConfig config = JobConfig.load(Path.of("job.yaml"));
 * }</pre>
 */
public record JobConfig(
        KafkaConnection kafka,
        String groupId,
        String startingOffsets,
        List<Input> inputs,
        String alertsTopic,
        String alertsJsonTopic,
        String deadLetterTopic,
        String eventsTopic,
        Path rules,
        Path inventory,
        JobSettings settings,
        Duration checkpointInterval,
        String checkpointDirectory,
        int parallelism,
        List<SinkSpec> sinks,
        String failedDeliveriesTopic,
        String rulesTopic)
        implements Serializable {

    private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    private static final Set<String> OFFSETS = Set.of("earliest", "latest", "committed");

    /** One input topic and its format. */
    public record Input(String topic, String format, String tenant, String site) implements Serializable {}

    public static JobConfig load(Path file) {
        byte[] yaml;
        try {
            yaml = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read job config: " + e.getMessage(), e);
        }
        return parse(yaml, file.toString(), file.toAbsolutePath().getParent());
    }

    public static JobConfig parse(byte[] yaml, String fileName, Path baseDir) {
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);
        JobConfigFile f;
        try {
            f = mapper.readValue(yaml, JobConfigFile.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(where(fileName, e.getLocation()) + "unknown key '" + e.getPropertyName()
                    + "' (known here: " + e.getKnownPropertyIds() + ")", e);
        } catch (JsonMappingException e) {
            throw new ConfigException(where(fileName, e.getLocation()) + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ConfigException(fileName + ": not valid YAML: " + e.getMessage(), e);
        }
        if (f == null) {
            throw new ConfigException(fileName + ": empty job config");
        }
        // 1. Kafka connection; secrets by reference only.
        JobConfigFile.Kafka k = f.kafka;
        if (!PROTOCOLS.contains(k.securityProtocol)) {
            throw new ConfigException(fileName + ": kafka.security_protocol '" + k.securityProtocol + "' is not one of " + PROTOCOLS);
        }
        if (!OFFSETS.contains(k.startingOffsets)) {
            throw new ConfigException(fileName + ": kafka.starting_offsets '" + k.startingOffsets + "' is not one of " + OFFSETS);
        }
        JobConfigFile.Sasl sasl = k.sasl;
        if (sasl != null && sasl.inlinePassword != null) {
            throw new ConfigException(fileName + ": kafka.sasl.password: secrets are not read from the config file; "
                    + "use password_env (an environment variable) or password_file");
        }
        if (sasl != null && (sasl.passwordEnv == null) == (sasl.passwordFile == null)) {
            throw new ConfigException(fileName + ": kafka.sasl needs exactly one of password_env and password_file");
        }
        JobConfigFile.Ssl ssl = k.ssl;
        if (ssl != null && ssl.inlinePassword != null) {
            throw new ConfigException(fileName + ": kafka.ssl.truststore_password: secrets are not read from the config "
                    + "file; use truststore_password_env or truststore_password_file");
        }
        KafkaConnection connection = new KafkaConnection(k.bootstrapServers, k.securityProtocol,
                sasl == null ? null : sasl.mechanism, sasl == null ? null : sasl.username,
                sasl == null ? null : sasl.passwordEnv, sasl == null ? null : sasl.passwordFile,
                ssl == null ? null : ssl.truststore, ssl == null ? null : ssl.truststorePasswordEnv,
                ssl == null ? null : ssl.truststorePasswordFile);

        // 2. Inputs and outputs.
        if (f.inputs.isEmpty()) {
            throw new ConfigException(fileName + ": inputs: at least one input topic is needed");
        }
        List<Input> inputs = new ArrayList<>();
        for (int i = 0; i < f.inputs.size(); i++) {
            JobConfigFile.Input in = f.inputs.get(i);
            if (!Adapters.NAMES.contains(in.format)) {
                throw new ConfigException(fileName + ": inputs[" + i + "].format: unknown format '" + in.format
                        + "' (known: " + String.join(", ", Adapters.NAMES) + ")");
            }
            inputs.add(new Input(in.topic, in.format, in.tenant, in.site));
        }

        // 3. Time.
        JobConfigFile.Time t = f.time;
        Duration floor = "off".equals(t.wallClockFloor) ? null : duration(t.wallClockFloor, fileName + ": time.wall_clock_floor");
        JobSettings settings = new JobSettings(
                duration(t.outOfOrderness, fileName + ": time.out_of_orderness"),
                duration(t.idleness, fileName + ": time.idleness"),
                floor,
                Long.MAX_VALUE,
                duration(t.maxFuture, fileName + ": time.max_future"),
                duration(t.maxPast, fileName + ": time.max_past"),
                JobSettings.DEFAULT_MAX_RECORD_BYTES,
                f.parallelism == null ? 1 : f.parallelism,
                "off".equals(t.deviceExpiry) ? null : duration(t.deviceExpiry, fileName + ": time.device_expiry"));
        int parallelism = f.parallelism == null ? 1 : f.parallelism;
        if (parallelism < 1) {
            throw new ConfigException(fileName + ": parallelism must be at least 1");
        }
        return new JobConfig(connection, k.groupId, k.startingOffsets, List.copyOf(inputs),
                f.outputs.alertsTopic, f.outputs.alertsJsonTopic, f.outputs.deadLetterTopic, f.outputs.eventsTopic,
                f.rules == null ? null : baseDir.resolve(f.rules).normalize(),
                f.inventory == null ? null : baseDir.resolve(f.inventory).normalize(),
                settings, duration(f.checkpoints.interval, fileName + ": checkpoints.interval"), f.checkpoints.directory,
                parallelism, SinkConfigs.parse(f.sinks, fileName), f.outputs.failedDeliveriesTopic,
                "off".equals(f.rulesTopic) ? null : f.rulesTopic);
    }

    /**
     * Every sink's secrets can be read here (a local run, where the TaskManager is this process):
     * a missing variable or file stops the start with its name instead of failing deliveries later.
     */
    public void requireSinkSecrets(java.util.Map<String, String> environment) {
        for (SinkSpec s : sinks) {
            try {
                if (s.secret() != null) {
                    s.secret().resolve(environment);
                }
                if (s.urlSecret() != null) {
                    s.urlSecret().resolve(environment);
                }
            } catch (IllegalStateException e) {
                throw new ConfigException("sink " + s.name() + ": " + e.getMessage());
            }
        }
    }

    /** The rules, checked against the sinks' routes (a route naming no rule would never match). */
    public RuleSet loadRules() {
        RuleSet set = rules == null ? RuleSet.defaults() : RuleSet.load(rules);
        java.util.Set<String> ids = new java.util.LinkedHashSet<>();
        set.rules().forEach(r -> ids.add(r.id()));
        for (SinkSpec s : sinks) {
            for (String rule : s.route().rules()) {
                if (!ids.contains(rule)) {
                    throw new ConfigException("sink " + s.name() + ": route.rules: unknown rule '" + rule + "' (known: "
                            + String.join(", ", ids) + ")");
                }
            }
        }
        return set;
    }

    public Inventory loadInventory() {
        return inventory == null ? Inventory.empty() : Inventory.load(inventory);
    }

    private static Duration duration(String text, String where) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ": " + e.getMessage());
        }
    }

    private static String where(String fileName, JsonLocation loc) {
        return loc == null ? fileName + ": " : fileName + ":" + loc.getLineNr() + ":" + loc.getColumnNr() + ": ";
    }
}
