package io.patchwatch.jobs.rules;

import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.fact.FactKind;
import io.patchwatch.jobs.fact.PatternRef;
import io.patchwatch.jobs.inventory.Inventory;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;

/**
 * One pattern of one rule, compiled once (see {@link RulePlan}): its steps with their roles, how long
 * CEP keeps a partial match of it, and everything the job asks about it. The Flink CEP pattern is
 * built here ({@link #toCep}), and next to it what the device tracker needs to mirror it: which
 * facts start, continue or complete a match, which absences get a deadline, and when a fact answers
 * one ({@link #answers}) so the tracker drops that deadline exactly when CEP's {@code notFollowedBy}
 * would drop the partial match.
 */
public final class CompiledPattern implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Name of the CEP step that closes an absence awaited until a deadline. */
    static final String DEADLINE_STEP = "_deadline";

    final RuleDefinition rule;
    final PatternRef ref;
    final List<CompiledStep> steps;
    /** How long CEP keeps a partial match: the longest window any device has, with room to loosen it live. */
    final long retentionMs;
    /** The longest window any device has for a step of this pattern (0: none). */
    final long longestWindowMs;

    CompiledPattern(RuleDefinition rule, int alternative, List<CompiledStep> steps, long retentionMs, long longestWindowMs) {
        this.rule = rule;
        this.ref = new PatternRef(rule.id, alternative);
        this.steps = List.copyOf(steps);
        this.retentionMs = retentionMs;
        this.longestWindowMs = longestWindowMs;
    }

    public PatternRef ref() {
        return ref;
    }

    public RuleDefinition rule() {
        return rule;
    }

    public List<CompiledStep> steps() {
        return steps;
    }

    CompiledStep first() {
        return steps.get(0);
    }

    CompiledStep last() {
        return steps.get(steps.size() - 1);
    }

    /** The CEP operator's name: {@code rule-ID}, {@code rule-ID-2} for the second alternative. */
    public String name() {
        return "rule-" + rule.id + (ref.alternative == 0 ? "" : "-" + (ref.alternative + 1));
    }

    /**
     * The CEP operator's uid: the rule's id and a hash of its structure (never a parameter's value).
     * An unchanged rule keeps its uid and its in-flight state across {@code rules apply}; a rule whose
     * pattern changed gets a new one and starts empty (CEP cannot read partial matches of another pattern).
     */
    public String uid() {
        String hash = RuleStructure.hash(RuleStructure.of(rule));
        return "rule-" + rule.id + "-" + hash + (ref.alternative == 0 ? "" : "-" + (ref.alternative + 1));
    }

    /** The pattern ends with a {@code not}: its match ends at a deadline fact from the tracker. */
    public boolean awaitsDeadline() {
        return last().role == StepRole.ABSENT_UNTIL_DEADLINE;
    }

    /** CEP keeps partial matches of it (more than one step, or a repeated one). */
    boolean keepsPartialMatches() {
        return steps.size() > 1 || first().step.times() > 1;
    }

    /** Whether {@code f} can start a match (checked without the subject, which the start defines). */
    boolean startsAt(DeviceFact f) {
        return first().condition().matches(f, null, null);
    }

    /** Whether {@code f} can be a later step, or an absence's awaited fact, of a match already started. */
    boolean continuesWith(DeviceFact f) {
        for (CompiledStep s : steps.subList(1, steps.size())) {
            if (s.condition().matches(f, null, null)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code f} can complete a match: it meets the last step, which is not an absence. */
    boolean completesWith(DeviceFact f) {
        return !last().role.absence() && last().condition().matches(f, null, null);
    }

    /**
     * The absences a start fact {@code f} awaits until a deadline: one deadline fact per subject (a
     * rule run per critical service awaits each service on its own), anchored at f. When each ends
     * is for the rule versions to say ({@code RuleVersions#deadline}), as its window may change live.
     */
    List<DeviceFact> deadlinesFrom(DeviceFact f) {
        if (!awaitsDeadline() || !startsAt(f)) {
            return List.of();
        }
        List<DeviceFact> out = new ArrayList<>();
        for (String subject : rule.forEachCritical ? f.critical : new String[] {null}) {
            DeviceFact d = f.copy();
            d.kind = FactKind.DEADLINE;
            d.anchor = f.ts;
            d.awaits = ref;
            d.subject = subject;
            out.add(d);
        }
        return out;
    }

    /** The window of the absence a deadline closes, for a device's parameters. */
    public long absenceWindowMs(RuleProfile profile) {
        return last().window().ms(profile, rule.id);
    }

    /**
     * Whether {@code f} is what the absence of {@code deadline} awaits, so that CEP's {@code
     * notFollowedBy} drops the partial match: then the tracker drops the deadline too, and CEP sees
     * problems, not every restart. Only when the absence directly follows the start is that known
     * from the fact alone; with steps between them, whether they matched is CEP's to know, so the
     * deadline stays (CEP then matches it or not: a superset is forwarded, never less).
     */
    boolean answers(DeviceFact deadline, DeviceFact f) {
        if (f.ts <= deadline.anchor || steps.size() > 2) {
            return false;
        }
        return last().condition().matches(f, subjectOf(deadline, null), deadline);
    }

    /** The subject of a fact for this rule: what one incident is about (null: the device). */
    String subjectOf(DeviceFact f, DeviceFact start) {
        if (rule.forEachCritical) {
            return f.subject;
        }
        return switch (rule.subject) {
            case SERVICE -> (start != null ? start : f).service;
            case UPDATE -> (start != null ? start : f).update;
            case DEVICE -> null;
        };
    }

    /**
     * The genuine Flink CEP pattern: {@code begin} the first step, {@code followedBy} each later one,
     * {@code notFollowedBy} each {@code not} (followed by the next step, or by the deadline fact
     * when it is the last), {@code times}, and {@code within} the retention bound; each step's
     * condition checks the device's own window exactly.
     */
    public Pattern<DeviceFact, ?> toCep(RuleSet set, Inventory inventory) {
        String first = first().name();
        Pattern<DeviceFact, ?> p = null;
        for (CompiledStep step : steps) {
            CepConditions.StepCondition condition = new CepConditions.StepCondition(this, step, set, inventory);
            switch (step.role) {
                case START -> p = Pattern.<DeviceFact>begin(step.name(), AfterMatchSkipStrategy.skipPastLastEvent()).where(condition);
                case FOLLOWS -> p = p.followedBy(step.name()).where(condition);
                case ABSENT_BETWEEN -> p = p.notFollowedBy(step.name()).where(condition);
                case ABSENT_UNTIL_DEADLINE -> p = p.notFollowedBy(step.name()).where(condition)
                        .followedBy(DEADLINE_STEP).where(new CepConditions.DeadlineOf(ref, first));
            }
            if (step.step.times() > 1) {
                p = p.times(step.step.times());
            }
        }
        if (keepsPartialMatches()) {
            // CEP keeps a partial match only this long (each step checks the device's own window).
            p = p.within(Duration.ofMillis(retentionMs + 1));
        }
        return p;
    }

    @Override
    public String toString() {
        return ref + " " + steps;
    }
}
