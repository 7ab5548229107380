package io.patchwatch.connectors.sinks;

import io.patchwatch.connectors.config.ConfigOption;
import io.patchwatch.connectors.config.ConfigOptions;
import io.patchwatch.connectors.config.Vocabulary;
import java.time.Duration;
import java.util.List;

/** The keys every sink of job.yaml has: what it is, which alerts it receives, and how it delivers. */
public final class SinkOptions {
    private SinkOptions() {}

    public static final ConfigOption<String> NAME = ConfigOptions.key("name").stringType().required()
            .withDescription("The sink's name: lower-case letters, digits, '-' and '_' (a metric label).")
            .checkedBy(n -> Vocabulary.SINK_NAME.matcher(n).matches() ? null : "lower-case letters, digits, '-' and '_' only");
    public static final ConfigOption<String> TYPE = ConfigOptions.key("type").stringType().required()
            .withDescription("One of the sink types below.");
    public static final ConfigOption<Boolean> ENABLED = ConfigOptions.key("enabled").booleanType().defaultValue(true)
            .withDescription("false: checked, but not delivered to (keeps a sink's settings while it is off).");
    public static final List<ConfigOption<?>> COMMON = List.of(NAME, TYPE, ENABLED);

    /** {@code route:}: which alerts the sink receives; an empty list means any. */
    public static final class Route {
        private Route() {}

        public static final ConfigOption<List<String>> TENANTS = ConfigOptions.key("tenants").stringListType()
                .defaultValue(List.of()).withDescription("Only alerts of these tenants.");
        public static final ConfigOption<List<String>> SEVERITIES = ConfigOptions.key("severities").stringListType()
                .defaultValue(List.of()).withDescription("Only alerts of these severities (" + String.join(", ", Vocabulary.SEVERITIES) + ").")
                .checkedBy(list -> list.stream().filter(s -> !Vocabulary.SEVERITIES.contains(s)).findFirst()
                        .map(s -> "'" + s + "' is not one of " + String.join(", ", Vocabulary.SEVERITIES)).orElse(null));
        public static final ConfigOption<List<String>> RULES = ConfigOptions.key("rules").stringListType()
                .defaultValue(List.of()).withDescription("Only alerts of these rules (checked against the rules file).")
                .checkedBy(list -> list.stream().filter(r -> !Vocabulary.RULE_ID.matcher(r).matches()).findFirst()
                        .map(r -> "'" + r + "' is not a rule id").orElse(null));
        public static final List<ConfigOption<?>> ALL = List.of(TENANTS, SEVERITIES, RULES);
    }

    /** {@code delivery:}: how the sink delivers (the defaults of every sink). */
    public static final class Delivery {
        private Delivery() {}

        public static final ConfigOption<Integer> MAX_IN_FLIGHT = ConfigOptions.key("max_in_flight").intType().defaultValue(8)
                .withDescription("Requests awaiting an answer at once, per parallel instance.").checkedBy(ConfigOptions.atLeast(1));
        public static final ConfigOption<Duration> TIMEOUT = ConfigOptions.key("timeout").durationType()
                .defaultValue(Duration.ofSeconds(30)).withDescription("How long one request may take before it is retried.")
                .checkedBy(ConfigOptions.positive());
        public static final ConfigOption<Duration> BACKOFF_INITIAL = ConfigOptions.key("backoff_initial").durationType()
                .defaultValue(Duration.ofSeconds(1)).withDescription("The first retry's delay; each further retry doubles it, with jitter.")
                .checkedBy(ConfigOptions.positive());
        public static final ConfigOption<Duration> BACKOFF_MAX = ConfigOptions.key("backoff_max").durationType()
                .defaultValue(Duration.ofMinutes(2)).withDescription("The longest delay between two retries.")
                .checkedBy(ConfigOptions.positive());
        public static final ConfigOption<Duration> MAX_AGE = ConfigOptions.key("max_age").durationType()
                .defaultValue(Duration.ofHours(1)).withDescription("An alert not delivered this long after it arrived goes to failed deliveries.")
                .checkedBy(ConfigOptions.positive());
        public static final ConfigOption<Integer> MAX_PENDING = ConfigOptions.key("max_pending").intType().defaultValue(100_000)
                .withDescription("Alerts waiting per parallel instance; beyond it the oldest goes to failed deliveries.")
                .checkedBy(ConfigOptions.atLeast(1));
        public static final ConfigOption<Duration> MAX_RETRY_AFTER = ConfigOptions.key("max_retry_after").durationType()
                .defaultValue(Duration.ofMinutes(10)).withDescription("The longest pause a receiver's Retry-After can impose on the sink.")
                .checkedBy(ConfigOptions.positive());
        public static final List<ConfigOption<?>> ALL = List.of(MAX_IN_FLIGHT, TIMEOUT, BACKOFF_INITIAL, BACKOFF_MAX, MAX_AGE,
                MAX_PENDING, MAX_RETRY_AFTER);
    }
}
