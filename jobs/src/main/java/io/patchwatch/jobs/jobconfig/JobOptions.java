package io.patchwatch.jobs.jobconfig;

import io.patchwatch.connectors.adapters.Adapters;
import io.patchwatch.connectors.config.ConfigOption;
import io.patchwatch.connectors.config.ConfigOptions;
import io.patchwatch.connectors.config.SecretRef;
import io.patchwatch.connectors.kafka.KafkaConnection;
import io.patchwatch.jobs.settings.TimeOptions;
import java.time.Duration;
import java.util.List;

/**
 * Every key of job.yaml, typed, by section: the one home of each default and description. The
 * README's configuration reference is generated from these ({@link ConfigReference}); the sinks'
 * keys are their factories'.
 */
public final class JobOptions {
    private JobOptions() {}

    /** A section of job.yaml and its options; {@code list}: the section is a list of such maps. */
    public record Section(String path, boolean list, String description, List<ConfigOption<?>> options) {}

    public static final ConfigOption<String> RULES = ConfigOptions.key("rules").stringType().noDefaultValue()
            .withDescription("The rules file (RULES.md), relative to job.yaml; the built-in rules when not given.");
    public static final ConfigOption<String> INVENTORY = ConfigOptions.key("inventory").stringType().noDefaultValue()
            .withDescription("The device inventory (CSV), relative to job.yaml.");
    public static final ConfigOption<String> RULES_TOPIC = ConfigOptions.key("rules_topic").stringType()
            .defaultValue("patchwatch-rules")
            .withDescription("The compacted topic of published rules versions; off: rules change only with a restart.");
    public static final ConfigOption<Integer> PARALLELISM = ConfigOptions.key("parallelism").intType().defaultValue(1)
            .withDescription("The job's parallelism.").checkedBy(ConfigOptions.atLeast(1));
    public static final List<ConfigOption<?>> TOP = List.of(RULES, INVENTORY, RULES_TOPIC, PARALLELISM);

    /** {@code kafka:} */
    public static final class Kafka {
        private Kafka() {}

        public static final List<String> PROTOCOLS = KafkaConnection.PROTOCOLS;
        public static final List<String> OFFSETS = List.of("earliest", "latest", "committed");

        public static final ConfigOption<String> BOOTSTRAP_SERVERS = ConfigOptions.key("bootstrap_servers").stringType()
                .required().withDescription("host:port[,host:port...] of the Kafka cluster.");
        public static final ConfigOption<String> SECURITY_PROTOCOL = ConfigOptions.key("security_protocol").stringType()
                .defaultValue("PLAINTEXT").withDescription("One of " + String.join(", ", PROTOCOLS) + ".")
                .checkedBy(ConfigOptions.oneOf(PROTOCOLS));
        public static final ConfigOption<String> GROUP_ID = ConfigOptions.key("group_id").stringType().defaultValue("patchwatch")
                .withDescription("The consumer group; also the job's key on the rules topic.");
        public static final ConfigOption<String> STARTING_OFFSETS = ConfigOptions.key("starting_offsets").stringType()
                .defaultValue("committed").withDescription("Where a job without a checkpoint starts: " + String.join(", ", OFFSETS) + ".")
                .checkedBy(ConfigOptions.oneOf(OFFSETS));
        public static final List<ConfigOption<?>> ALL = List.of(BOOTSTRAP_SERVERS, SECURITY_PROTOCOL, GROUP_ID, STARTING_OFFSETS);
    }

    /** {@code kafka.sasl:} */
    public static final class Sasl {
        private Sasl() {}

        public static final ConfigOption<String> MECHANISM = ConfigOptions.key("mechanism").stringType().required()
                .withDescription("PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.").checkedBy(ConfigOptions.oneOf(KafkaConnection.MECHANISMS));
        public static final ConfigOption<String> USERNAME = ConfigOptions.key("username").stringType().required()
                .withDescription("The SASL user.");
        public static final ConfigOption<SecretRef> PASSWORD = ConfigOptions.key("password").secretType().required()
                .withDescription("The SASL password.");
        public static final List<ConfigOption<?>> ALL = List.of(MECHANISM, USERNAME, PASSWORD);
    }

    /** {@code kafka.ssl:} */
    public static final class Ssl {
        private Ssl() {}

        public static final ConfigOption<String> TRUSTSTORE = ConfigOptions.key("truststore").stringType().noDefaultValue()
                .withDescription("A trust store (JKS, PKCS12, or PEM by its .pem / .crt name).");
        public static final ConfigOption<SecretRef> TRUSTSTORE_PASSWORD = ConfigOptions.key("truststore_password").secretType()
                .noDefaultValue().withDescription("The trust store's password.");
        public static final List<ConfigOption<?>> ALL = List.of(TRUSTSTORE, TRUSTSTORE_PASSWORD);
    }

    /** {@code inputs:}, each */
    public static final class Input {
        private Input() {}

        public static final ConfigOption<String> TOPIC = ConfigOptions.key("topic").stringType().required()
                .withDescription("The topic.");
        public static final ConfigOption<String> FORMAT = ConfigOptions.key("format").stringType().defaultValue("canonical-json")
                .withDescription("One of " + String.join(", ", Adapters.NAMES) + ".")
                .checkedBy(f -> Adapters.NAMES.contains(f) ? null : "unknown format '" + f + "' (known: " + String.join(", ", Adapters.NAMES) + ")");
        public static final ConfigOption<String> TENANT = ConfigOptions.key("tenant").stringType().defaultValue("default")
                .withDescription("The tenant of records that name none.");
        public static final ConfigOption<String> SITE = ConfigOptions.key("site").stringType().noDefaultValue()
                .withDescription("The site of records that name none.");
        public static final List<ConfigOption<?>> ALL = List.of(TOPIC, FORMAT, TENANT, SITE);
    }

    /** {@code outputs:} */
    public static final class Outputs {
        private Outputs() {}

        public static final ConfigOption<String> ALERTS_TOPIC = ConfigOptions.key("alerts_topic").stringType().required()
                .withDescription("Alerts, Avro, written exactly once.");
        public static final ConfigOption<String> ALERTS_JSON_TOPIC = ConfigOptions.key("alerts_json_topic").stringType()
                .noDefaultValue().withDescription("The same alerts as JSON.");
        public static final ConfigOption<String> DEAD_LETTER_TOPIC = ConfigOptions.key("dead_letter_topic").stringType()
                .required().withDescription("Records that could not be read, each with its reason.");
        public static final ConfigOption<String> EVENTS_TOPIC = ConfigOptions.key("events_topic").stringType().noDefaultValue()
                .withDescription("Every canonical event (for replays and other tools).");
        public static final ConfigOption<String> FAILED_DELIVERIES_TOPIC = ConfigOptions.key("failed_deliveries_topic")
                .stringType().defaultValue("patchwatch-failed-deliveries")
                .withDescription("Alerts a sink could not deliver (patchwatch deliveries retry).");
        public static final List<ConfigOption<?>> ALL = List.of(ALERTS_TOPIC, ALERTS_JSON_TOPIC, DEAD_LETTER_TOPIC, EVENTS_TOPIC,
                FAILED_DELIVERIES_TOPIC);
    }

    /** {@code status:} (FLEET.md, Patch status) */
    public static final class Status {
        private Status() {}

        public static final ConfigOption<String> TOPIC = ConfigOptions.key("topic").stringType()
                .defaultValue("patchwatch-device-status")
                .withDescription("The compacted topic of every device's status (key tenant/device, Avro DeviceStatus), "
                        + "written exactly once; off: none.");
        public static final ConfigOption<Duration> MIN_INTERVAL = ConfigOptions.key("min_interval").durationType()
                .defaultValue(Duration.ofSeconds(10))
                .withDescription("At most one status record per device this often (event time); the newest goes when it is over.")
                .checkedBy(ConfigOptions.positive());
        public static final List<ConfigOption<?>> ALL = List.of(TOPIC, MIN_INTERVAL);
    }

    /** {@code checkpoints:} */
    public static final class Checkpoints {
        private Checkpoints() {}

        public static final ConfigOption<Duration> INTERVAL = ConfigOptions.key("interval").durationType()
                .defaultValue(Duration.ofSeconds(10)).withDescription("How often the job checkpoints (alerts are committed then).")
                .checkedBy(ConfigOptions.positive());
        public static final ConfigOption<String> DIRECTORY = ConfigOptions.key("directory").stringType().noDefaultValue()
                .withDescription("Where checkpoints are kept (a local run: a directory under the system's temp dir).");
        public static final List<ConfigOption<?>> ALL = List.of(INTERVAL, DIRECTORY);
    }

    /** job.yaml's sections, in the order the reference lists them (the sinks' own keys are their factories'). */
    public static final List<Section> SECTIONS = List.of(
            new Section("", false, "files, the rules topic, parallelism", TOP),
            new Section("kafka", false, "The Kafka cluster", Kafka.ALL),
            new Section("kafka.sasl", false, "SASL authentication", Sasl.ALL),
            new Section("kafka.ssl", false, "TLS", Ssl.ALL),
            new Section("inputs", true, "The feeds (at least one)", Input.ALL),
            new Section("outputs", false, "The topics written", Outputs.ALL),
            new Section("status", false, "The devices' patch status", Status.ALL),
            new Section("time", false, "Event time", TimeOptions.ALL),
            new Section("checkpoints", false, "Checkpoints", Checkpoints.ALL));
}
