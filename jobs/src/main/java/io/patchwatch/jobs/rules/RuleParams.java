package io.patchwatch.jobs.rules;

import java.io.Serializable;
import java.util.Map;

/**
 * One rule's settings as they apply to one device.
 *
 * @param durations parameters set for this rule alone ({@code overrides[].rules.ID.boot_within}),
 *     ahead of the profile's
 */
public record RuleParams(String ruleId, boolean enabled, String severity, String message, Map<String, Long> durations)
        implements Serializable {

    /** FLEET.md: a firing is held this long before it pages (0: not held). */
    public long holdForMs() {
        return durations.getOrDefault(RulesParser.HOLD_FOR, 0L);
    }
}
