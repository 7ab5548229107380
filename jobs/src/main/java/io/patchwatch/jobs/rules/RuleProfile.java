package io.patchwatch.jobs.rules;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * Every parameter as it applies to one device, after the defaults and all matching overrides of
 * rules.yaml were applied in file order.
 *
 * @param silenceAfterMs N: a monitored device without a liveness signal for this long is silent
 * @param sessionWindowMs W: a patch session stays open this long after its last install
 * @param baselineLookbackMs services seen running this long before a session opened are critical
 * @param criticalServices the configured critical services (the learned baseline comes on top)
 * @param durations every other parameter ({@code start_within}, {@code boot_within}, ...), in ms
 * @param rules each rule's enabled flag, severity, message and own parameters
 */
public record RuleProfile(
        long silenceAfterMs,
        long sessionWindowMs,
        long baselineLookbackMs,
        List<String> criticalServices,
        Map<String, Long> durations,
        Map<String, RuleParams> rules)
        implements Serializable {

    public RuleParams rule(String ruleId) {
        RuleParams p = rules.get(ruleId);
        if (p == null) {
            throw new IllegalArgumentException("unknown rule " + ruleId);
        }
        return p;
    }

    /** A duration parameter for one rule: the rule's own value, else the profile's. */
    public long duration(String ruleId, String param) {
        RuleParams r = rules.get(ruleId);
        Long own = r == null ? null : r.durations().get(param);
        if (own != null) {
            return own;
        }
        Long v = durations.get(param);
        if (v == null) {
            throw new IllegalArgumentException("unknown parameter " + param);
        }
        return v;
    }
}
