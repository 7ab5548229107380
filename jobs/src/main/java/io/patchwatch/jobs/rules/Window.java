package io.patchwatch.jobs.rules;

import java.io.Serializable;

/**
 * A step's {@code within}: a literal duration, or a parameter ({@code "${boot_within}"}) whose value
 * depends on the device.
 */
record Window(long literalMs, String param) implements Serializable {

    long ms(RuleProfile profile, String ruleId) {
        return param == null ? literalMs : profile.duration(ruleId, param);
    }

    @Override
    public String toString() {
        return param == null ? io.patchwatch.connectors.config.Durations.format(java.time.Duration.ofMillis(literalMs)) : "${" + param + "}";
    }
}
