package io.patchwatch.jobs.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shape of rules.yaml, bound by Jackson with unknown keys refused. Every field is optional so an
 * override can set just what it changes; {@link RuleSet} checks that the defaults are complete.
 */
final class RulesFile {

    @JsonProperty("defaults")
    Settings defaults;

    @JsonProperty("overrides")
    List<Override> overrides = new ArrayList<>();

    /** What a device's profile is made of; the defaults and every override share this shape. */
    static class Settings implements java.io.Serializable {
        @JsonProperty("silence_after")
        String silenceAfter;

        @JsonProperty("session_window")
        String sessionWindow;

        @JsonProperty("baseline_lookback")
        String baselineLookback;

        @JsonProperty("critical_services")
        List<String> criticalServices;

        @JsonProperty("rules")
        Map<String, RuleSettings> rules = new LinkedHashMap<>();
    }

    static final class Override extends Settings {
        @JsonProperty(value = "match", required = true)
        Match match;
    }

    /** Which devices an override applies to: all given keys must equal (case-insensitively). */
    static final class Match implements java.io.Serializable {
        @JsonProperty("tenant")
        String tenant;

        @JsonProperty("site")
        String site;

        @JsonProperty("group")
        String group;

        @JsonProperty("criticality")
        String criticality;

        @JsonProperty("device")
        String device;
    }

    static final class RuleSettings implements java.io.Serializable {
        @JsonProperty("enabled")
        Boolean enabled;

        @JsonProperty("severity")
        String severity;

        @JsonProperty("message")
        String message;

        /** M of service-down-after-reboot. */
        @JsonProperty("start_within")
        String startWithin;

        /** B of reboot-hang, P of reboot-pending-too-long. */
        @JsonProperty("boot_within")
        String bootWithin;
    }
}
