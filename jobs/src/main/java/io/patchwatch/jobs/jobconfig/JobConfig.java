package io.patchwatch.jobs.jobconfig;

import io.patchwatch.connectors.adapters.Adapters;
import io.patchwatch.connectors.config.ConfigException;
import io.patchwatch.connectors.config.ConfigProblems;
import io.patchwatch.connectors.config.LocatedYaml;
import io.patchwatch.connectors.config.SecretRef;
import io.patchwatch.connectors.config.YamlSection;
import io.patchwatch.connectors.kafka.KafkaConnection;
import io.patchwatch.connectors.sinks.SinkSpecs;
import io.patchwatch.connectors.sinks.delivery.SinkSpec;
import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.jobs.settings.JobSettings;
import io.patchwatch.jobs.settings.TimeOptions;
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
 * the job treats time, and which alert sinks receive what. Every key is a typed {@link JobOptions}
 * constant; every mistake names the file, line, column and key; secrets are only ever the name of
 * an environment variable or a file.
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
        String rulesTopic,
        String statusTopic,
        Duration statusMinInterval)
        implements Serializable {

    /** One input topic and its format. */
    public record Input(String topic, String format, String tenant, String site) implements Serializable {
        public static Input of(String topic, String format) {
            return new Input(topic, format, JobOptions.Input.TENANT.defaultValue(), null);
        }
    }

    public static JobConfig load(Path file) {
        byte[] yaml;
        try {
            yaml = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read job config: " + e.getMessage(), e);
        }
        return parse(yaml, file.toString(), file.toAbsolutePath().getParent());
    }

    /**
     * job.yaml read by its {@link JobOptions} and the sinks' factories: every mistake of the file at
     * once (unknown keys, wrong types, bad durations, inline secrets, a sink's own keys), each with
     * file:line:col, in one {@link ConfigException}.
     */
    public static JobConfig parse(byte[] yaml, String fileName, Path baseDir) {
        ConfigProblems problems = new ConfigProblems(fileName);
        YamlSection root = LocatedYaml.read(yaml, problems, "kafka, inputs and outputs");
        List<String> top = new ArrayList<>(YamlSection.keysOf(JobOptions.TOP));
        top.addAll(List.of("kafka", "inputs", "outputs", "status", "time", "checkpoints", "sinks"));
        root.refuseUnknown(top);
        for (String required : List.of("kafka", "inputs", "outputs")) {
            if (!root.present(required)) {
                root.problem(null, "needs a '" + required + "' section");
            }
        }

        // 1. Kafka connection; secrets by reference only.
        YamlSection k = root.section("kafka");
        List<String> kafkaKeys = new ArrayList<>(YamlSection.keysOf(JobOptions.Kafka.ALL));
        kafkaKeys.addAll(List.of("sasl", "ssl"));
        k.refuseUnknown(kafkaKeys);
        int beforeKafka = problems.size();
        KafkaConnection.Builder connection = KafkaConnection.builder(k.get(JobOptions.Kafka.BOOTSTRAP_SERVERS))
                .securityProtocol(k.get(JobOptions.Kafka.SECURITY_PROTOCOL));
        if (k.present("sasl")) {
            YamlSection sasl = k.section("sasl");
            sasl.refuseUnknown(YamlSection.keysOf(JobOptions.Sasl.ALL));
            connection.sasl(sasl.get(JobOptions.Sasl.MECHANISM), sasl.get(JobOptions.Sasl.USERNAME), sasl.get(JobOptions.Sasl.PASSWORD));
        }
        if (k.present("ssl")) {
            YamlSection ssl = k.section("ssl");
            ssl.refuseUnknown(YamlSection.keysOf(JobOptions.Ssl.ALL));
            connection.truststore(ssl.get(JobOptions.Ssl.TRUSTSTORE), ssl.get(JobOptions.Ssl.TRUSTSTORE_PASSWORD));
        }
        // The connection's own checks (a SASL section needs a SASL protocol...), placed at the section.
        KafkaConnection kafka = null;
        if (problems.size() == beforeKafka) { // else a wrong value read as its default would be blamed again
            try {
                kafka = connection.build();
            } catch (IllegalArgumentException e) {
                k.problem(null, e.getMessage().replaceFirst("^kafka\\.", ""));
            }
        }

        // 2. Inputs and outputs.
        List<Input> inputs = new ArrayList<>();
        for (YamlSection in : root.sections("inputs")) {
            in.refuseUnknown(YamlSection.keysOf(JobOptions.Input.ALL));
            inputs.add(new Input(in.get(JobOptions.Input.TOPIC), in.get(JobOptions.Input.FORMAT), in.get(JobOptions.Input.TENANT),
                    in.get(JobOptions.Input.SITE)));
        }
        if (root.present("inputs") && inputs.isEmpty()) {
            root.problem("inputs", "at least one input topic is needed");
        }
        YamlSection out = root.section("outputs");
        out.refuseUnknown(YamlSection.keysOf(JobOptions.Outputs.ALL));

        YamlSection status = root.section("status");
        status.refuseUnknown(YamlSection.keysOf(JobOptions.Status.ALL));
        String statusTopic = status.get(JobOptions.Status.TOPIC);

        // 3. Time.
        YamlSection t = root.section("time");
        t.refuseUnknown(YamlSection.keysOf(TimeOptions.ALL));
        int parallelism = root.get(JobOptions.PARALLELISM);
        JobSettings.Builder settings = JobSettings.builder()
                .outOfOrderness(t.get(TimeOptions.OUT_OF_ORDERNESS))
                .idleness(t.get(TimeOptions.IDLENESS))
                .wallClockFloorLag(t.get(TimeOptions.WALL_CLOCK_FLOOR))
                .maxFuture(t.get(TimeOptions.MAX_FUTURE))
                .maxPast(t.get(TimeOptions.MAX_PAST))
                .ingestParallelism(parallelism)
                .deviceExpiry(t.get(TimeOptions.DEVICE_EXPIRY));

        // 4. Checkpoints, sinks.
        YamlSection c = root.section("checkpoints");
        c.refuseUnknown(YamlSection.keysOf(JobOptions.Checkpoints.ALL));
        List<SinkSpec> sinks = SinkSpecs.read(root.sections("sinks"));
        String rules = root.get(JobOptions.RULES);
        String inventory = root.get(JobOptions.INVENTORY);
        String rulesTopic = root.get(JobOptions.RULES_TOPIC);
        Builder config = new Builder(null)
                .groupId(k.get(JobOptions.Kafka.GROUP_ID))
                .startingOffsets(k.get(JobOptions.Kafka.STARTING_OFFSETS))
                .alertsTopic(out.get(JobOptions.Outputs.ALERTS_TOPIC))
                .alertsJsonTopic(out.get(JobOptions.Outputs.ALERTS_JSON_TOPIC))
                .deadLetterTopic(out.get(JobOptions.Outputs.DEAD_LETTER_TOPIC))
                .eventsTopic(out.get(JobOptions.Outputs.EVENTS_TOPIC))
                .failedDeliveriesTopic(out.get(JobOptions.Outputs.FAILED_DELIVERIES_TOPIC))
                .rules(rules == null ? null : baseDir.resolve(rules).normalize())
                .inventory(inventory == null ? null : baseDir.resolve(inventory).normalize())
                .rulesTopic("off".equals(rulesTopic) ? null : rulesTopic)
                .statusTopic("off".equals(statusTopic) ? null : statusTopic)
                .statusMinInterval(status.get(JobOptions.Status.MIN_INTERVAL))
                .checkpointInterval(c.get(JobOptions.Checkpoints.INTERVAL))
                .checkpointDirectory(c.get(JobOptions.Checkpoints.DIRECTORY))
                .parallelism(parallelism);
        inputs.forEach(config::input);
        sinks.forEach(config::sink);
        problems.throwIfAny();
        try {
            return config.kafka(kafka).settings(settings.build()).build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ConfigException(fileName + ": " + e.getMessage(), e);
        }
    }

    /** A job config built in code (tests, tools): every value at its job.yaml default until set. */
    public static Builder builder(KafkaConnection kafka) {
        return new Builder(kafka);
    }

    public static Builder builder(String bootstrapServers) {
        return new Builder(KafkaConnection.plaintext(bootstrapServers));
    }

    public Builder toBuilder() {
        Builder b = builder(kafka).groupId(groupId).startingOffsets(startingOffsets).alertsTopic(alertsTopic)
                .alertsJsonTopic(alertsJsonTopic).deadLetterTopic(deadLetterTopic).eventsTopic(eventsTopic).rules(rules)
                .inventory(inventory).settings(settings).checkpointInterval(checkpointInterval)
                .checkpointDirectory(checkpointDirectory).parallelism(parallelism).failedDeliveriesTopic(failedDeliveriesTopic)
                .rulesTopic(rulesTopic).statusTopic(statusTopic).statusMinInterval(statusMinInterval);
        inputs.forEach(b::input);
        sinks.forEach(b::sink);
        return b;
    }

    /**
     * Builds a {@link JobConfig}; {@link #build()} checks it as flink-connector-kafka's builders do
     * (sanityCheck): what is required is set, names are unique, numbers in range.
     */
    public static final class Builder {
        private KafkaConnection kafka;
        private String groupId = JobOptions.Kafka.GROUP_ID.defaultValue();
        private String startingOffsets = JobOptions.Kafka.STARTING_OFFSETS.defaultValue();
        private final List<Input> inputs = new ArrayList<>();
        private String alertsTopic;
        private String alertsJsonTopic;
        private String deadLetterTopic;
        private String eventsTopic;
        private Path rules;
        private Path inventory;
        private JobSettings settings;
        private Duration checkpointInterval = JobOptions.Checkpoints.INTERVAL.defaultValue();
        private String checkpointDirectory;
        private int parallelism = JobOptions.PARALLELISM.defaultValue();
        private final List<SinkSpec> sinks = new ArrayList<>();
        private String failedDeliveriesTopic = JobOptions.Outputs.FAILED_DELIVERIES_TOPIC.defaultValue();
        private String rulesTopic = JobOptions.RULES_TOPIC.defaultValue();
        private String statusTopic = JobOptions.Status.TOPIC.defaultValue();
        private Duration statusMinInterval = JobOptions.Status.MIN_INTERVAL.defaultValue();

        private Builder(KafkaConnection kafka) {
            this.kafka = kafka;
        }

        public Builder kafka(KafkaConnection connection) {
            kafka = connection;
            return this;
        }

        public Builder groupId(String id) {
            groupId = id;
            return this;
        }

        public Builder startingOffsets(String offsets) {
            startingOffsets = offsets;
            return this;
        }

        public Builder input(Input input) {
            inputs.add(input);
            return this;
        }

        public Builder input(String topic, String format) {
            return input(Input.of(topic, format));
        }

        public Builder alertsTopic(String topic) {
            alertsTopic = topic;
            return this;
        }

        public Builder alertsJsonTopic(String topic) {
            alertsJsonTopic = topic;
            return this;
        }

        public Builder deadLetterTopic(String topic) {
            deadLetterTopic = topic;
            return this;
        }

        public Builder eventsTopic(String topic) {
            eventsTopic = topic;
            return this;
        }

        public Builder failedDeliveriesTopic(String topic) {
            failedDeliveriesTopic = topic;
            return this;
        }

        /** null: the built-in rules. */
        public Builder rules(Path file) {
            rules = file;
            return this;
        }

        public Builder inventory(Path file) {
            inventory = file;
            return this;
        }

        /** null: rules change only with a restart. */
        public Builder rulesTopic(String topic) {
            rulesTopic = topic;
            return this;
        }

        /** null: no status topic. */
        public Builder statusTopic(String topic) {
            statusTopic = topic;
            return this;
        }

        public Builder statusMinInterval(Duration interval) {
            statusMinInterval = interval;
            return this;
        }

        /** The time settings; their parallelism is set to the job's by {@link #build()}. */
        public Builder settings(JobSettings s) {
            settings = s;
            return this;
        }

        public Builder checkpointInterval(Duration interval) {
            checkpointInterval = interval;
            return this;
        }

        public Builder checkpointDirectory(String directory) {
            checkpointDirectory = directory;
            return this;
        }

        public Builder parallelism(int n) {
            parallelism = n;
            return this;
        }

        public Builder sink(SinkSpec sink) {
            sinks.add(sink);
            return this;
        }

        public JobConfig build() {
            sanityCheck();
            JobSettings s = (settings == null ? JobSettings.builder() : settings.toBuilder()).ingestParallelism(parallelism).build();
            return new JobConfig(kafka, groupId, startingOffsets, List.copyOf(inputs), alertsTopic, alertsJsonTopic,
                    deadLetterTopic, eventsTopic, rules, inventory, s, checkpointInterval, checkpointDirectory, parallelism,
                    List.copyOf(sinks), failedDeliveriesTopic, rulesTopic, statusTopic, statusMinInterval);
        }

        private void sanityCheck() {
            check(kafka != null && kafka.bootstrapServers() != null, "kafka.bootstrap_servers is required");
            check(JobOptions.Kafka.PROTOCOLS.contains(kafka.securityProtocol()),
                    "kafka.security_protocol '" + kafka.securityProtocol() + "' is not one of " + JobOptions.Kafka.PROTOCOLS);
            check(JobOptions.Kafka.OFFSETS.contains(startingOffsets),
                    "kafka.starting_offsets '" + startingOffsets + "' is not one of " + JobOptions.Kafka.OFFSETS);
            check(!inputs.isEmpty(), "inputs: at least one input topic is needed");
            for (Input in : inputs) {
                check(in.topic() != null && Adapters.NAMES.contains(in.format()), "inputs: '" + in.format() + "' is not a format");
            }
            check(alertsTopic != null, "outputs.alerts_topic is required");
            check(deadLetterTopic != null, "outputs.dead_letter_topic is required");
            check(parallelism >= 1, "parallelism must be at least 1");
            check(checkpointInterval != null && !checkpointInterval.isNegative() && !checkpointInterval.isZero(),
                    "checkpoints.interval must be positive");
            check(statusMinInterval != null && !statusMinInterval.isNegative() && !statusMinInterval.isZero(),
                    "status.min_interval must be positive");
            Set<String> names = new java.util.HashSet<>();
            for (SinkSpec s : sinks) {
                check(names.add(s.name()), "sinks: a second sink named '" + s.name() + "'");
            }
        }

        private static void check(boolean condition, String problem) {
            if (!condition) {
                throw new IllegalArgumentException(problem);
            }
        }
    }

    /**
     * Every sink's secrets can be read here (a local run, where the TaskManager is this process):
     * a missing variable or file stops the start with its name instead of failing deliveries later.
     */
    public void requireSinkSecrets(java.util.Map<String, String> environment) {
        for (SinkSpec s : sinks) {
            try {
                for (SecretRef secret : s.settings().secrets()) {
                    secret.resolve(environment);
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
}
