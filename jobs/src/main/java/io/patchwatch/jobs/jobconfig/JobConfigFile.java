package io.patchwatch.jobs.jobconfig;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /** The compacted topic of published rules versions ("off": rules change only with a restart). */
    @JsonProperty("rules_topic")
    String rulesTopic = "patchwatch-rules";

    @JsonProperty("time")
    Time time = new Time();

    @JsonProperty("checkpoints")
    Checkpoints checkpoints = new Checkpoints();

    @JsonProperty("parallelism")
    Integer parallelism;

    @JsonProperty("sinks")
    List<Sink> sinks = new ArrayList<>();

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

        @JsonProperty("failed_deliveries_topic")
        String failedDeliveriesTopic = "patchwatch-failed-deliveries";
    }

    /** One alert sink; {@link SinkConfigs} checks which keys its type takes. */
    static final class Sink {
        @JsonProperty(value = "name", required = true)
        String name;

        @JsonProperty(value = "type", required = true)
        String type;

        /** false: checked, but not delivered to (to keep a sink's settings while it is off). */
        @JsonProperty("enabled")
        boolean enabled = true;

        @JsonProperty("url")
        String url;

        @JsonProperty("url_env")
        String urlEnv;

        @JsonProperty("url_file")
        String urlFile;

        /** syslog: host:port. */
        @JsonProperty("address")
        String address;

        @JsonProperty("username")
        String username;

        @JsonProperty("routing_key_env")
        String routingKeyEnv;

        @JsonProperty("routing_key_file")
        String routingKeyFile;

        @JsonProperty("api_key_env")
        String apiKeyEnv;

        @JsonProperty("api_key_file")
        String apiKeyFile;

        @JsonProperty("password_env")
        String passwordEnv;

        @JsonProperty("password_file")
        String passwordFile;

        @JsonProperty("token_env")
        String tokenEnv;

        @JsonProperty("token_file")
        String tokenFile;

        /** Refused with a clear message, as every inline secret. */
        @JsonProperty("routing_key")
        String inlineRoutingKey;

        @JsonProperty("api_key")
        String inlineApiKey;

        @JsonProperty("password")
        String inlinePassword;

        @JsonProperty("token")
        String inlineToken;

        @JsonProperty("ca_file")
        String caFile;

        @JsonProperty("headers")
        Map<String, String> headers = new LinkedHashMap<>();

        @JsonProperty("template")
        String template;

        @JsonProperty("format")
        String format;

        @JsonProperty("tls")
        Boolean tls;

        @JsonProperty("facility")
        Integer facility;

        @JsonProperty("app_name")
        String appName;

        @JsonProperty("hostname")
        String hostname;

        @JsonProperty("index")
        String index;

        @JsonProperty("source")
        String source;

        @JsonProperty("sourcetype")
        String sourcetype;

        @JsonProperty("resend_interval")
        String resendInterval;

        @JsonProperty("alert_validity")
        String alertValidity;

        @JsonProperty("route")
        Route route = new Route();

        @JsonProperty("delivery")
        Delivery delivery = new Delivery();
    }

    static final class Route {
        @JsonProperty("tenants")
        List<String> tenants = new ArrayList<>();

        @JsonProperty("severities")
        List<String> severities = new ArrayList<>();

        @JsonProperty("rules")
        List<String> rules = new ArrayList<>();
    }

    static final class Delivery {
        @JsonProperty("max_in_flight")
        Integer maxInFlight;

        @JsonProperty("timeout")
        String timeout;

        @JsonProperty("backoff_initial")
        String backoffInitial;

        @JsonProperty("backoff_max")
        String backoffMax;

        @JsonProperty("max_age")
        String maxAge;

        @JsonProperty("max_pending")
        Integer maxPending;

        @JsonProperty("max_retry_after")
        String maxRetryAfter;
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
        String maxFuture = "15m";

        @JsonProperty("max_past")
        String maxPast = "7d";

        /** A device that sent nothing this long is forgotten (its state expires), or "off". */
        @JsonProperty("device_expiry")
        String deviceExpiry = "30d";
    }

    static final class Checkpoints {
        @JsonProperty("interval")
        String interval = "10s";

        @JsonProperty("directory")
        String directory;
    }
}
