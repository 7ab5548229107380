package io.patchwatch.jobs.rules;

import io.patchwatch.jobs.cep.PointLookupCepOperator;
import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.fact.FactKind;
import io.patchwatch.jobs.fact.PatternRef;
import io.patchwatch.jobs.fact.Trigger;
import io.patchwatch.jobs.inventory.Inventory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.Collector;

/**
 * Puts the compiled rule plan on genuine Flink CEP: one CEP operator per pattern of each rule
 * ({@link CompiledPattern#toCep}), named and uid'd by the compiled pattern (the rule's id and its
 * structure, never a parameter's value, so editing a window keeps a savepoint valid) and the CEP
 * state layout ({@link PointLookupCepOperator}: Flink's CEP operator whose per-element bookkeeping
 * is point reads on RocksDB).
 *
 * <p>Windows are parameters and differ per device, while CEP's {@code within} is one value per
 * pattern. So the pattern's {@code within} is the longest window any device has (it bounds the
 * partial matches CEP keeps), and each step's condition checks the device's own window exactly. An
 * absence ({@code not} + {@code within} as the last step) ends at a deadline fact from the device
 * tracker's one timer, at start + the device's window: the compiled pattern is {@code
 * begin(start).notFollowedBy(not).followedBy(deadline)}, which fires exactly then if nothing matched
 * {@code not} before.
 */
public final class RuleCompiler {
    private RuleCompiler() {}

    /** Every rule's CEP operators, their triggers as one stream. */
    public static DataStream<Trigger> compile(DataStream<DeviceFact> facts, RuleSet set, Inventory inventory) {
        DataStream<Trigger> triggers = null;
        for (CompiledPattern pattern : set.plan().patterns()) {
            DataStream<DeviceFact> input = facts
                    .flatMap(new RuleInput(pattern))
                    .uid(pattern.uid() + "-input")
                    .name("Facts for " + pattern.name());
            SingleOutputStreamOperator<Trigger> matched = PointLookupCepOperator.apply(input.keyBy(new SubjectKey()),
                            pattern.toCep(set, inventory), new ToTrigger(pattern, set, inventory), TypeInformation.of(Trigger.class))
                    .uid(PointLookupCepOperator.uid(pattern.uid()))
                    .name("Rule " + pattern.name());
            triggers = triggers == null ? matched : triggers.union(matched);
        }
        if (triggers == null) {
            throw new IllegalArgumentException("the rules file defines no rule");
        }
        return triggers;
    }

    /** The CEP patterns of one rule (its alternatives), as the job runs them. */
    public static List<Pattern<DeviceFact, ?>> patternsOf(RuleDefinition rule, RuleSet set, Inventory inventory) {
        List<Pattern<DeviceFact, ?>> out = new ArrayList<>();
        for (CompiledPattern p : set.plan().patterns()) {
            if (p.rule == rule) {
                out.add(p.toCep(set, inventory));
            }
        }
        return out;
    }

    /**
     * A compiled pattern as Flink CEP calls read: {@code begin("boot").where({kind: booted, ...})
     * .notFollowedBy(...).where(...).followedBy("_deadline")...within(PT24H0.001S)}.
     */
    public static String describe(Pattern<DeviceFact, ?> pattern) {
        List<Pattern<DeviceFact, ?>> chain = new ArrayList<>();
        for (Pattern<DeviceFact, ?> p = pattern; p != null; p = (Pattern<DeviceFact, ?>) p.getPrevious()) {
            chain.add(0, p);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < chain.size(); i++) {
            Pattern<DeviceFact, ?> p = chain.get(i);
            String call = i == 0 ? "begin" : switch (p.getQuantifier().getConsumingStrategy()) {
                case NOT_FOLLOW -> "notFollowedBy";
                case SKIP_TILL_NEXT -> "followedBy";
                case SKIP_TILL_ANY -> "followedByAny";
                case STRICT -> "next";
                case NOT_NEXT -> "notNext";
            };
            sb.append(i == 0 ? "" : ".").append(call).append("(\"").append(p.getName()).append("\")")
                    .append(".where(").append(p.getCondition()).append(")");
            if (p.getTimes() != null) {
                sb.append(".times(").append(p.getTimes().getFrom()).append(")");
            }
        }
        pattern.getWindowSize().ifPresent(w -> sb.append(".within(").append(w).append(")"));
        return sb.toString();
    }

    /**
     * The facts one pattern of one rule can use; for a rule run per critical service, one copy per
     * service it concerns (a boot: every critical service of the session; a service state: its
     * service), so CEP keys it by device and service.
     */
    static final class RuleInput implements FlatMapFunction<DeviceFact, DeviceFact> {
        private static final long serialVersionUID = 1L;
        private final CompiledPattern pattern;
        /** The pattern's deadlines, or null: it awaits none. */
        private final PatternRef deadlines;

        RuleInput(CompiledPattern pattern) {
            this.pattern = pattern;
            this.deadlines = pattern.awaitsDeadline() ? pattern.ref : null;
        }

        private boolean wanted(DeviceFact f) {
            for (CompiledStep s : pattern.steps) {
                if (s.condition().matches(f, null, null)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void flatMap(DeviceFact f, Collector<DeviceFact> out) {
            boolean wanted = f.kind == FactKind.DEADLINE ? deadlines != null && deadlines.equals(f.awaits) : wanted(f);
            if (!wanted) {
                return;
            }
            if (!pattern.rule.forEachCritical || f.subject != null) {
                out.collect(f); // a deadline of a per-service rule is already per service
            } else if (f.service != null) {
                DeviceFact c = f.copy();
                c.subject = f.service;
                out.collect(c);
            } else {
                for (String service : f.critical) {
                    DeviceFact c = f.copy();
                    c.subject = service;
                    out.collect(c);
                }
            }
        }
    }

    /** CEP's key: the device, and the service for rules run per critical service. */
    static final class SubjectKey implements KeySelector<DeviceFact, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(DeviceFact f) {
            return f.subject == null ? f.key : f.key + "|" + f.subject.toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A match becomes a trigger: at the deadline for an absence (with the context of the start, when
     * the device was last known well), else at the last matched fact (with its context).
     */
    static final class ToTrigger extends PatternProcessFunction<DeviceFact, Trigger> {
        private static final long serialVersionUID = 1L;
        private final CompiledPattern pattern;
        private final RuleSet set;
        private final Inventory inventory;

        ToTrigger(CompiledPattern pattern, RuleSet set, Inventory inventory) {
            this.pattern = pattern;
            this.set = set;
            this.inventory = inventory;
        }

        @Override
        public void processMatch(Map<String, List<DeviceFact>> match, Context ctx, Collector<Trigger> out) {
            RuleDefinition rule = pattern.rule;
            DeviceFact start = match.get(pattern.first().name()).get(0);
            CompiledStep last = pattern.last();
            Trigger t;
            if (pattern.awaitsDeadline()) {
                DeviceFact deadline = match.get(CompiledPattern.DEADLINE_STEP).get(0);
                t = new Trigger(pattern.ref, deadline.ts, start);
                t.windowMs = deadline.ts - deadline.anchor;
                // The version the decision was taken under: the deadline's (the version in force when it ended).
                t.rulesVersion = deadline.rulesVersion;
            } else {
                List<DeviceFact> lastFacts = match.get(last.name());
                DeviceFact context = lastFacts.get(lastFacts.size() - 1);
                t = new Trigger(pattern.ref, context.ts, context);
                t.windowMs = last.window() == null ? 0 : last.windowOn(context, rule.id, set, inventory);
                t.rulesVersion = context.rulesVersion;
            }
            t.subject = rule.forEachCritical ? t.fact.subject : pattern.subjectOf(t.fact, start);
            if (rule.subject == RuleDefinition.Subject.UPDATE && t.fact != start) {
                // An incident about one update names that update alone: the start's.
                DeviceFact about = t.fact.copy();
                about.update = start.update;
                about.kb = start.kb;
                about.title = start.title;
                t.fact = about;
            }
            out.collect(t);
        }
    }
}
