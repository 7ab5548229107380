package io.patchwatch.jobs.config;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * Every tunable number and list as it applies to one device, after the defaults and all matching
 * overrides of rules.yaml were applied in file order.
 *
 * @param silenceAfterMs N: a monitored device without a liveness signal for this long is silent
 * @param sessionWindowMs W: a patch session stays open this long after its last install
 * @param baselineLookbackMs services seen running this long before a session opened are critical
 * @param criticalServices the configured critical services (the learned baseline comes on top)
 */
public record RuleProfile(
        long silenceAfterMs,
        long sessionWindowMs,
        long baselineLookbackMs,
        List<String> criticalServices,
        Map<String, RuleParams> rules)
        implements Serializable {

    public RuleParams rule(String ruleId) {
        RuleParams p = rules.get(ruleId);
        if (p == null) {
            throw new IllegalArgumentException("unknown rule " + ruleId);
        }
        return p;
    }
}
