package io.patchwatch.jobs.rules;

import io.patchwatch.jobs.Operators;
import io.patchwatch.jobs.config.RuleSet;
import io.patchwatch.jobs.device.DeviceFact;
import java.util.List;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.cep.CEP;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Builds the CEP part of the topology: for every rule, every window it has in rules.yaml and every
 * pattern of the rule, a filter (only the facts that pattern needs) and a CEP operator with a stable
 * uid. Returns all triggers, matches and timeouts, as one stream.
 */
public final class RuleCompiler {

    /** Where absence rules send their timed-out partial matches. */

    public static final List<PostPatchRule> RULES = List.of(
            new OfflineAfterPatchRule(),
            new ServiceDownAfterRebootRule(),
            new RebootHangRule(),
            new RebootPendingTooLongRule(),
            new PatchFailedRule(),
            new UnexpectedShutdownAfterPatchRule());

    private RuleCompiler() {}

    public static DataStream<Trigger> compile(DataStream<DeviceFact> facts, RuleSet ruleSet) {
        DataStream<Trigger> triggers = null;
        for (PostPatchRule rule : RULES) {
            for (long window : ruleSet.windowsOf(rule.id())) {
                for (RulePattern rp : rule.patterns(window)) {
                    String uid = Operators.ruleUid(rule.id(), rp.variant(), window);
                    DataStream<DeviceFact> input = facts
                            .filter(new RuleInput(rule, window))
                            .uid(uid + "-input")
                            .name("Facts for " + uid);
                    SingleOutputStreamOperator<Trigger> matched = CEP.pattern(input.keyBy(new FactKey()), rp.pattern())
                            .inEventTime()
                            .process(rp.matches())
                            .uid(uid)
                            .name("Rule " + uid);
                    triggers = triggers == null ? matched : triggers.union(matched);
                }
            }
        }
        return triggers;
    }

    /** Lets through the facts one variant of one rule needs. */
    private static final class RuleInput implements FilterFunction<DeviceFact> {
        private static final long serialVersionUID = 1L;
        private final PostPatchRule rule;
        private final long window;

        RuleInput(PostPatchRule rule, long window) {
            this.rule = rule;
            this.window = window;
        }

        @Override
        public boolean filter(DeviceFact f) {
            return rule.accepts(f, window);
        }
    }

    private static final class FactKey implements org.apache.flink.api.java.functions.KeySelector<DeviceFact, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(DeviceFact f) {
            return f.key;
        }
    }
}
