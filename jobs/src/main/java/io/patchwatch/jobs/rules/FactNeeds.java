package io.patchwatch.jobs.rules;

import io.patchwatch.jobs.device.DeviceFact;
import io.patchwatch.jobs.device.FactKind;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What the compiled rules need from the device tracker, so that only facts some rule can use leave
 * it (RULES.md "Facts"): a quiet or healthy fleet sends CEP almost nothing. The tracker asks, per
 * fact: does it start a rule (then the absences it starts get deadlines on the tracker's one timer),
 * can it continue a match started recently, can it resolve an incident. Conditions are checked
 * without the subject and start fact (CEP and the incidents check them in full), so what is
 * forwarded is a superset of what matches, never less.
 */
public final class FactNeeds implements Serializable {
    private static final long serialVersionUID = 1L;

    private final RuleSet set;
    private final Set<FactKind> startKinds = EnumSet.noneOf(FactKind.class);
    private final Set<FactKind> laterKinds = EnumSet.noneOf(FactKind.class);
    private final Set<FactKind> resolveKinds = EnumSet.noneOf(FactKind.class);
    private final Set<FactKind> absentKinds = EnumSet.noneOf(FactKind.class);
    private final long oneShotRules;

    FactNeeds(RuleSet set) {
        this.set = set;
        long oneShot = 0;
        for (RuleDefinition r : set.rules()) {
            for (List<Step> steps : r.patterns) {
                startKinds.add(steps.get(0).condition().kind());
                for (Step s : steps.subList(1, steps.size())) {
                    laterKinds.add(s.condition().kind());
                    if (s.absence()) {
                        absentKinds.add(s.condition().kind());
                    }
                }
            }
            if (r.resolve != null) {
                resolveKinds.add(r.resolve.kind());
            }
            if (r.oneShot) {
                oneShot |= 1L << r.index;
            }
        }
        this.oneShotRules = oneShot;
    }

    /** Whether a fact of this kind can matter at all (the tracker skips building the others). */
    public boolean usesKind(FactKind kind) {
        return startKinds.contains(kind) || laterKinds.contains(kind) || resolveKinds.contains(kind);
    }

    /**
     * Whether some rule may use a fact like {@code f} whatever its session (pings: a healthy one
     * that no rule asks for stays on the tracker's hot path).
     */
    public boolean mayUse(DeviceFact f, boolean problems) {
        if (!usesKind(f.kind)) {
            return false;
        }
        boolean was = f.inSession;
        try {
            for (boolean inSession : new boolean[] {true, false}) {
                f.inSession = inSession;
                if (startingRules(f) != 0 || continues(f) || (problems && resolves(f))) {
                    return true;
                }
            }
            return false;
        } finally {
            f.inSession = was;
        }
    }

    /** The rules (bits by index) whose pattern can start at {@code f}. */
    public long startingRules(DeviceFact f) {
        if (!startKinds.contains(f.kind)) {
            return 0;
        }
        long bits = 0;
        for (RuleDefinition r : set.rules()) {
            for (List<Step> steps : r.patterns) {
                if (steps.get(0).condition().matches(f, null, null)) {
                    bits |= 1L << r.index;
                }
            }
        }
        return bits;
    }

    /** Rules that start at most once per subject and session ({@code one_shot: true}). */
    public long oneShotRules() {
        return oneShotRules;
    }

    /** Whether {@code f} can be a later step of some pattern (forwarded while a match may be open). */
    public boolean continues(DeviceFact f) {
        if (!laterKinds.contains(f.kind)) {
            return false;
        }
        for (RuleDefinition r : set.rules()) {
            for (List<Step> steps : r.patterns) {
                for (Step s : steps.subList(1, steps.size())) {
                    if (s.condition().matches(f, null, null)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Whether {@code f} can complete a match (it meets the last step of a pattern that does not end
     * with an absence): only then, or when a deadline passes, can an incident open.
     */
    public boolean mayComplete(DeviceFact f) {
        for (RuleDefinition r : set.rules()) {
            for (List<Step> steps : r.patterns) {
                Step last = steps.get(steps.size() - 1);
                if (!last.absence() && last.condition().matches(f, null, null)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether {@code f} can resolve an incident of some rule. */
    public boolean resolves(DeviceFact f) {
        if (!resolveKinds.contains(f.kind)) {
            return false;
        }
        for (RuleDefinition r : set.rules()) {
            if (r.resolve != null && r.resolve.matches(f, null, null)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The deadline facts the start fact {@code f} sets, one per pattern of {@code rules} that ends
     * with an absence and starts at {@code f}: at f + that step's window for this device.
     */
    public List<DeviceFact> deadlines(DeviceFact f, long rules, RuleProfile profile) {
        List<DeviceFact> out = new ArrayList<>();
        for (RuleDefinition r : set.rules()) {
            if ((rules & (1L << r.index)) == 0) {
                continue;
            }
            for (int i = 0; i < r.patterns.size(); i++) {
                List<Step> steps = r.patterns.get(i);
                if (r.endsWithAbsence(i) && steps.get(0).condition().matches(f, null, null)) {
                    // A rule run per critical service awaits each service on its own: one deadline each.
                    for (String subject : r.forEachCritical ? f.critical : new String[] {null}) {
                        DeviceFact d = f.copy();
                        d.kind = FactKind.DEADLINE;
                        d.anchor = f.ts;
                        d.ts = f.ts + steps.get(steps.size() - 1).within().ms(profile, r.id);
                        d.deadlineOf = r.deadlineId(i);
                        d.subject = subject;
                        out.add(d);
                    }
                }
            }
        }
        return out;
    }

    /** Whether a fact of this kind can answer an awaited absence (the tracker then looks at its deadlines). */
    public boolean mayAnswer(FactKind kind) {
        return absentKinds.contains(kind);
    }

    /**
     * Whether {@code f} is what the absence of {@code deadline} awaits, so that CEP would drop that
     * partial match: the tracker drops the deadline too, and CEP sees problems, not every restart.
     */
    public boolean answers(DeviceFact deadline, DeviceFact f) {
        if (!set.awaitsAbsence(deadline.deadlineOf)) {
            return true; // kept from a rule whose pattern changed since: nothing awaits it any more
        }
        RuleDefinition r = set.rules().get(deadline.deadlineOf / 64);
        if (f.ts <= deadline.anchor) {
            return false;
        }
        List<Step> steps = r.patterns.get(deadline.deadlineOf % 64);
        Step absence = steps.get(steps.size() - 1);
        if (steps.size() > 2) {
            return false; // steps between the start and the absence: CEP alone knows whether they matched
        }
        String subject = r.forEachCritical ? deadline.subject : switch (r.subject) {
            case SERVICE -> deadline.service;
            case UPDATE -> deadline.update;
            case DEVICE -> null;
        };
        return absence.condition().matches(f, subject, deadline);
    }

    /**
     * Until when facts may continue a match that {@code f} starts for {@code rules}: as long as CEP
     * keeps the partial match (a window may be loosened live up to that).
     */
    public long openUntil(DeviceFact f, long rules) {
        long until = DeviceFact.NONE;
        for (RuleDefinition r : set.rules()) {
            if ((rules & (1L << r.index)) == 0) {
                continue;
            }
            for (List<Step> steps : r.patterns) {
                if (steps.size() == 1 && steps.get(0).times() == 1) {
                    continue;
                }
                until = Math.max(until, f.ts + set.cepWindowMs(r, steps));
            }
        }
        return until;
    }
}
