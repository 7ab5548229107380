package io.patchwatch.jobs.rules;

import io.patchwatch.jobs.config.Inventory;
import io.patchwatch.jobs.device.DeviceFact;
import io.patchwatch.jobs.device.FactKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.Collector;

/**
 * Compiles each rule of rules.yaml to genuine Flink CEP: one {@link Pattern} per pattern of the rule,
 * whose steps are the rule's steps ({@code begin} / {@code followedBy} / {@code notFollowedBy} /
 * {@code times} / {@code within}), and one CEP operator for it, whose uid is the rule's id and its
 * structure (never a parameter's value, so editing a window keeps a savepoint valid).
 *
 * <p>Windows are parameters and differ per device, while CEP's {@code within} is one value per
 * pattern. So the pattern's {@code within} is the longest window any device has (it bounds the
 * partial matches CEP keeps), and each step's condition checks the device's own window exactly. An
 * absence ({@code not} + {@code within}) ends at a deadline fact from the device tracker's one timer,
 * at start + the device's window: the compiled pattern is {@code begin(start).notFollowedBy(not)
 * .followedBy(deadline)}, which fires exactly then if nothing matched {@code not} before.
 */
public final class RuleCompiler {
    /** Name of the step that closes an absence. */
    static final String DEADLINE_STEP = "_deadline";

    private RuleCompiler() {}

    /** The name of the CEP operator of a rule's pattern number {@code pattern}. */
    public static String name(String ruleId, int pattern) {
        return "rule-" + ruleId + (pattern == 0 ? "" : "-" + (pattern + 1));
    }

    /**
     * The uid of the CEP operator of a rule's pattern: the rule's id and a hash of its structure
     * (steps, kinds, subject, resolve; never a parameter's value). An unchanged rule keeps its uid,
     * and its in-flight state, across {@code rules apply}; a rule whose pattern changed gets a new
     * one and starts empty (CEP cannot read partial matches of another pattern).
     */
    public static String uid(RuleDefinition rule, int pattern) {
        String structure = RuleSetDiff.structure(rule);
        String hash = RuleVersion.hashOf(structure).substring("sha256:".length(), "sha256:".length() + 8);
        return "rule-" + rule.id + "-" + hash + (pattern == 0 ? "" : "-" + (pattern + 1));
    }

    /** Every rule's CEP operators, their triggers as one stream. */
    public static DataStream<Trigger> compile(DataStream<DeviceFact> facts, RuleSet set, Inventory inventory) {
        DataStream<Trigger> triggers = null;
        for (RuleDefinition rule : set.rules()) {
            List<Pattern<DeviceFact, ?>> patterns = patternsOf(rule, set, inventory);
            for (int i = 0; i < patterns.size(); i++) {
                String uid = uid(rule, i);
                String name = name(rule.id, i);
                DataStream<DeviceFact> input = facts
                        .flatMap(new RuleInput(rule, i))
                        .uid(uid + "-input")
                        .name("Facts for " + name);
                SingleOutputStreamOperator<Trigger> matched = CEP.pattern(input.keyBy(new SubjectKey()), patterns.get(i))
                        .inEventTime()
                        .process(new ToTrigger(rule, i, set, inventory))
                        .uid(uid)
                        .name("Rule " + name);
                triggers = triggers == null ? matched : triggers.union(matched);
            }
        }
        if (triggers == null) {
            throw new IllegalArgumentException("the rules file defines no rule");
        }
        return triggers;
    }

    static List<Pattern<DeviceFact, ?>> patternsOf(RuleDefinition rule, RuleSet set) {
        return patternsOf(rule, set, Inventory.empty());
    }

    /** The CEP patterns of one rule (its alternatives). */
    public static List<Pattern<DeviceFact, ?>> patternsOf(RuleDefinition rule, RuleSet set, Inventory inventory) {
        List<Pattern<DeviceFact, ?>> out = new ArrayList<>();
        for (int i = 0; i < rule.patterns.size(); i++) {
            List<Step> steps = rule.patterns.get(i);
            String first = steps.get(0).name();
            Pattern<DeviceFact, ?> p = null;
            for (int s = 0; s < steps.size(); s++) {
                Step step = steps.get(s);
                StepCondition condition = new StepCondition(rule, step, s == 0 ? null : first, set.windowSlot(rule, i, s), set, inventory);
                if (s == 0) {
                    p = Pattern.<DeviceFact>begin(step.name(), AfterMatchSkipStrategy.skipPastLastEvent()).where(condition);
                } else if (step.absence()) {
                    p = p.notFollowedBy(step.name()).where(condition)
                            .followedBy(DEADLINE_STEP).where(new DeadlineOf(rule.deadlineId(i), first));
                } else {
                    p = p.followedBy(step.name()).where(condition);
                }
                if (step.times() > 1) {
                    p = p.times(step.times());
                }
            }
            if (steps.size() > 1 || steps.get(0).times() > 1) {
                // CEP keeps a partial match only this long: the longest window of any device with
                // room to loosen it live (each step checks the device's own window, from the fact),
                // or, for a pattern without one, the longest an incident can matter.
                p = p.within(Duration.ofMillis(set.cepWindowMs(rule, steps) + 1));
            }
            out.add(p);
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

    /** The subject of a fact for a rule: what one incident is about (null: the device). */
    private static String subjectOf(RuleDefinition rule, DeviceFact f, DeviceFact start) {
        if (rule.forEachCritical) {
            return f.subject;
        }
        return switch (rule.subject) {
            case SERVICE -> (start != null ? start : f).service;
            case UPDATE -> (start != null ? start : f).update;
            case DEVICE -> null;
        };
    }

    private static DeviceFact firstOf(IterativeCondition.Context<DeviceFact> ctx, String step) throws Exception {
        Iterator<DeviceFact> it = ctx.getEventsForPattern(step).iterator();
        return it.hasNext() ? it.next() : null;
    }

    /** A step's condition, with the subject, {@code same}, one-shot and the device's own window. */
    static final class StepCondition extends IterativeCondition<DeviceFact> {
        private static final long serialVersionUID = 1L;
        private final RuleDefinition rule;
        private final Step step;
        /** The first step's name, or null for the first step itself. */
        private final String first;
        private final RuleSet set;
        private final Inventory inventory;

        /** Where the facts carry this step's window ({@link RuleSet#windowSlots}), or -1. */
        private final int windowSlot;

        /** The test needs the match's start: for {@code same}, a subject taken from it, or a window. */
        private final boolean needsStart;

        StepCondition(RuleDefinition rule, Step step, String first, int windowSlot, RuleSet set, Inventory inventory) {
            this.rule = rule;
            this.step = step;
            this.first = first;
            this.windowSlot = windowSlot;
            this.set = set;
            this.inventory = inventory;
            this.needsStart = step.condition().refersToStart()
                    || (step.condition().refersToSubject() && !rule.forEachCritical && rule.subject != RuleDefinition.Subject.DEVICE)
                    || (step.within() != null && !step.absence());
        }

        @Override
        public boolean filter(DeviceFact f, Context<DeviceFact> ctx) throws Exception {
            if (f.kind != step.condition().kind()) {
                return false;
            }
            if (first == null && rule.oneShot && (f.firstStarts & (1L << rule.index)) == 0) {
                return false; // not the session's first start of this one-shot rule
            }
            // The cheap test first: most facts fail on their own fields, and reading the match's
            // start from CEP's shared buffer costs state reads (on RocksDB, seeks).
            if (!step.condition().matches(f, rule.forEachCritical ? f.subject : null, null)) {
                return false;
            }
            if (!needsStart) {
                return true;
            }
            DeviceFact start = firstOf(ctx, first != null ? first : step.name());
            if (!step.condition().matches(f, subjectOf(rule, f, start), first == null ? null : start)) {
                return false;
            }
            if (step.within() != null && !step.absence() && start != null) {
                return f.ts - start.ts < windowOf(f, windowSlot, step, rule, set, inventory);
            }
            return true;
        }

        @Override
        public String toString() {
            return step.condition() + (step.within() != null && !step.absence() ? " within " + step.within() : "");
        }
    }

    /**
     * A step's window for the fact's device, in the rules version in force at the fact's time: the
     * device tracker stamps it on the fact (CEP conditions cannot read the job's rule versions).
     */
    static long windowOf(DeviceFact f, int slot, Step step, RuleDefinition rule, RuleSet set, Inventory inventory) {
        if (slot >= 0 && f.windows != null && slot < f.windows.length) {
            return f.windows[slot];
        }
        return step.within().ms(set.profileFor(inventory.lookup(f.tenant, f.device, f.site)), rule.id);
    }

    /** The deadline of this pattern's absence, for the match's own start. */
    static final class DeadlineOf extends IterativeCondition<DeviceFact> {
        private static final long serialVersionUID = 1L;
        private final int deadlineId;
        private final String first;

        DeadlineOf(int deadlineId, String first) {
            this.deadlineId = deadlineId;
            this.first = first;
        }

        @Override
        public boolean filter(DeviceFact f, Context<DeviceFact> ctx) throws Exception {
            if (f.kind != FactKind.DEADLINE || f.deadlineOf != deadlineId) {
                return false;
            }
            DeviceFact start = firstOf(ctx, first);
            return start != null && start.ts == f.anchor;
        }

        @Override
        public String toString() {
            return "{deadline of " + first + "}";
        }
    }

    /**
     * The facts one pattern of one rule can use; for a rule run per critical service, one copy per
     * service it concerns (a boot: every critical service of the session; a service state: its
     * service), so CEP keys it by device and service.
     */
    static final class RuleInput implements FlatMapFunction<DeviceFact, DeviceFact> {
        private static final long serialVersionUID = 1L;
        private final RuleDefinition rule;
        private final int deadlineId;
        private final List<Condition> conditions = new ArrayList<>();

        RuleInput(RuleDefinition rule, int pattern) {
            this.rule = rule;
            this.deadlineId = rule.endsWithAbsence(pattern) ? rule.deadlineId(pattern) : -1;
            for (Step s : rule.patterns.get(pattern)) {
                conditions.add(s.condition());
            }
        }

        private boolean wanted(DeviceFact f) {
            for (Condition c : conditions) {
                if (c.matches(f, null, null)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void flatMap(DeviceFact f, Collector<DeviceFact> out) {
            boolean wanted = f.kind == FactKind.DEADLINE ? f.deadlineOf == deadlineId && deadlineId >= 0 : wanted(f);
            if (!wanted) {
                return;
            }
            if (!rule.forEachCritical || f.subject != null) {
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
        private final RuleDefinition rule;
        private final int pattern;
        private final RuleSet set;
        private final Inventory inventory;

        ToTrigger(RuleDefinition rule, int pattern, RuleSet set, Inventory inventory) {
            this.rule = rule;
            this.pattern = pattern;
            this.set = set;
            this.inventory = inventory;
        }

        @Override
        public void processMatch(Map<String, List<DeviceFact>> match, Context ctx, Collector<Trigger> out) {
            List<Step> steps = rule.patterns.get(pattern);
            DeviceFact start = match.get(steps.get(0).name()).get(0);
            Step last = steps.get(steps.size() - 1);
            DeviceFact context;
            long ts;
            long window;
            if (last.absence()) {
                DeviceFact deadline = match.get(DEADLINE_STEP).get(0);
                context = start;
                ts = deadline.ts;
                window = deadline.ts - deadline.anchor;
            } else {
                List<DeviceFact> lastFacts = match.get(last.name());
                context = lastFacts.get(lastFacts.size() - 1);
                ts = context.ts;
                window = last.within() == null ? 0
                        : windowOf(context, set.windowSlot(rule, pattern, steps.size() - 1), last, rule, set, inventory);
            }
            Trigger t = Trigger.of(rule.id, context, ts);
            // The version the decision was taken under: the last fact's (a deadline carries its start's).
            t.rulesVersion = (last.absence() ? match.get(DEADLINE_STEP).get(0) : context).rulesVersion;
            t.windowMs = window;
            t.subject = rule.forEachCritical ? context.subject : subjectOf(rule, context, start);
            if (rule.subject == RuleDefinition.Subject.SERVICE) {
                t.service = t.subject;
            } else if (rule.subject == RuleDefinition.Subject.UPDATE) {
                // An incident about one update names that update alone.
                DeviceFact u = start;
                t.update = u.update;
                t.updateName = u.kb != null ? u.kb : u.title != null ? u.title : u.update;
                t.kbs = u.kb != null ? new String[] {u.kb} : new String[0];
                t.updates = u.kb != null ? new String[0] : new String[] {t.updateName};
                t.moreKbs = 0;
            }
            out.collect(t);
        }
    }
}
