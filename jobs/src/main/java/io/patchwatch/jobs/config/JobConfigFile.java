package io.patchwatch.jobs.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/** The shape of job.yaml, bound by Jackson with unknown keys refused; {@link JobConfig} checks values. */
final class JobConfigFile {
    @JsonProperty(value = "kafka", required = true)
    Kafka kafka;

    @JsonProperty(value = "inputs", required = true)
    List<Input> inputs = new ArrayList<>();

    @JsonProperty(value = "outputs", required = true)
    Outputs outputs;

    @JsonProperty("rules")
    String rules;

    @JsonProperty("inventory")
    String inventory;

    @JsonProperty("time")
    Time time = new Time();

    @JsonProperty("checkpoints")
    Checkpoints checkpoints = new Checkpoints();

    @JsonProperty("parallelism")
    Integer parallelism;

    static final class Kafka {
        @JsonProperty(value = "bootstrap_servers", required = true)
        String bootstrapServers;

        @JsonProperty("security_protocol")
        String securityProtocol = "PLAINTEXT";

        @JsonProperty("group_id")
        String groupId = "patchwatch";

        @JsonProperty("starting_offsets")
        String startingOffsets = "committed";

        @JsonProperty("sasl")
        Sasl sasl;

        @JsonProperty("ssl")
        Ssl ssl;
    }

    static final class Sasl {
        @JsonProperty(value = "mechanism", required = true)
        String mechanism;

        @JsonProperty(value = "username", required = true)
        String username;

        @JsonProperty("password_env")
        String passwordEnv;

        @JsonProperty("password_file")
        String passwordFile;

        /** Refused with a clear message: secrets never live in job.yaml. */
        @JsonProperty("password")
        String inlinePassword;
    }

    static final class Ssl {
        @JsonProperty("truststore")
        String truststore;

        @JsonProperty("truststore_password_env")
        String truststorePasswordEnv;

        @JsonProperty("truststore_password_file")
        String truststorePasswordFile;

        @JsonProperty("truststore_password")
        String inlinePassword;
    }

    static final class Input {
        @JsonProperty(value = "topic", required = true)
        String topic;

        @JsonProperty("format")
        String format = "canonical-json";

        @JsonProperty("tenant")
        String tenant = "default";

        @JsonProperty("site")
        String site;
    }

    static final class Outputs {
        @JsonProperty(value = "alerts_topic", required = true)
        String alertsTopic;

        @JsonProperty("alerts_json_topic")
        String alertsJsonTopic;

        @JsonProperty(value = "dead_letter_topic", required = true)
        String deadLetterTopic;

        @JsonProperty("events_topic")
        String eventsTopic;
    }

    static final class Time {
        @JsonProperty("out_of_orderness")
        String outOfOrderness = "5s";

        @JsonProperty("idleness")
        String idleness = "30s";

        /** The lag of the wall-clock floor, or "off" (event time only). */
        @JsonProperty("wall_clock_floor")
        String wallClockFloor = "1m";

        @JsonProperty("max_future")
        String maxFuture = "7d";

        @JsonProperty("max_past")
        String maxPast = "7d";
    }

    static final class Checkpoints {
        @JsonProperty("interval")
        String interval = "10s";

        @JsonProperty("directory")
        String directory;
    }
}
