package io.patchwatch.jobs.support;

import io.patchwatch.schemas.Alert;
import java.util.List;

/**
 * A job on Kafka publishes its rules file as version 1 of the rules topic when the topic has none
 * for it, and its alerts carry {@code context.rule_version: 1}; a replay of the same file is the
 * same decisions, taken without a topic. This marks replayed alerts as the live job's.
 */
public final class FirstRulesVersion {
    private FirstRulesVersion() {}

    public static List<Alert> of(List<Alert> replayed) {
        // A feed's silence is about patchwatch's own inputs: the feed watch keeps no rules versions.
        replayed.stream().filter(a -> !a.getTenant().equals(io.patchwatch.jobs.noise.FeedWatch.TENANT))
                .forEach(a -> a.getContext().setRuleVersion(1));
        return replayed;
    }
}
