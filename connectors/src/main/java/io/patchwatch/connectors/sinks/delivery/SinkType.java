package io.patchwatch.connectors.sinks.delivery;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The kinds of alert sink, by the name job.yaml gives them in {@code type:}. */
public enum SinkType {
    PAGERDUTY("pagerduty"),
    ALERTMANAGER("alertmanager"),
    SERVICENOW("servicenow"),
    OPSGENIE("opsgenie"),
    WEBHOOK("webhook"),
    SYSLOG("syslog"),
    SPLUNK_HEC("splunk-hec");

    public static final List<String> NAMES = Arrays.stream(values()).map(SinkType::configName).toList();

    private final String configName;

    SinkType(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static SinkType of(String name) {
        for (SinkType t : values()) {
            if (t.configName.equals(name.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown sink type '" + name + "' (known: " + String.join(", ", NAMES) + ")");
    }
}
