package io.patchwatch.jobs.rules;

import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.fact.FactKind;
import io.patchwatch.jobs.fact.PatternRef;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The rules compiled once: every pattern of every rule ({@link CompiledPattern}), with its steps'
 * roles, windows and retention bound. Everything else reads it: the device tracker's gating (which
 * facts leave it), its deadlines and when a fact answers one, the CEP operators, live retiming,
 * {@code rules diff} and the operators' uids.
 *
 * <p>Only facts some rule can use leave the tracker (RULES.md "Facts"): a quiet or healthy fleet
 * sends CEP almost nothing. Conditions are checked here without the subject and the start fact (CEP
 * and the incidents check them in full), so what is forwarded is a superset of what matches.
 */
public final class RulePlan implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * How much longer than the file it was compiled from a window may grow live: CEP keeps a partial
     * match this many times the longest window; beyond it a change needs {@code rules apply}.
     */
    public static final int LIVE_HEADROOM = 3;

    private final List<CompiledPattern> patterns;
    /** The steps whose window CEP checks itself, in slot order (the facts carry their windows). */
    private final List<CompiledStep> cepWindows;
    private final Set<FactKind> startKinds = EnumSet.noneOf(FactKind.class);
    private final Set<FactKind> laterKinds = EnumSet.noneOf(FactKind.class);
    private final Set<FactKind> resolveKinds = EnumSet.noneOf(FactKind.class);
    private final Set<FactKind> absentKinds = EnumSet.noneOf(FactKind.class);
    private final List<RuleDefinition> rules;
    private final long longestHorizonMs;

    private RulePlan(List<RuleDefinition> rules, List<CompiledPattern> patterns, List<CompiledStep> cepWindows, long longestHorizonMs) {
        this.rules = List.copyOf(rules);
        this.patterns = List.copyOf(patterns);
        this.cepWindows = List.copyOf(cepWindows);
        this.longestHorizonMs = longestHorizonMs;
        for (CompiledPattern p : patterns) {
            startKinds.add(p.first().condition().kind());
            for (CompiledStep s : p.steps.subList(1, p.steps.size())) {
                laterKinds.add(s.condition().kind());
                if (s.role == StepRole.ABSENT_UNTIL_DEADLINE) {
                    absentKinds.add(s.condition().kind());
                }
            }
        }
        for (RuleDefinition r : rules) {
            if (r.resolve != null) {
                resolveKinds.add(r.resolve.kind());
            }
        }
    }

    /** Compiles a parsed rule set; its profiles bound the windows and retention. */
    static RulePlan of(List<RuleDefinition> rules, List<RuleProfile> profiles) {
        List<CompiledPattern> patterns = new ArrayList<>();
        List<CompiledStep> cepWindows = new ArrayList<>();
        long longestWindowAnywhere = 0;
        long horizon = 0;
        for (RuleProfile p : profiles) {
            long longest = 0;
            for (RuleDefinition r : rules) {
                for (List<Step> steps : r.patterns) {
                    for (Step s : steps) {
                        if (s.within() != null) {
                            longest = Math.max(longest, s.within().ms(p, r.id));
                        }
                    }
                }
            }
            // The longest time any incident can stay relevant: W + the longest window + N.
            horizon = Math.max(horizon, p.sessionWindowMs() + longest + p.silenceAfterMs());
            longestWindowAnywhere = Math.max(longestWindowAnywhere, longest);
        }
        for (RuleDefinition r : rules) {
            for (int alt = 0; alt < r.patterns.size(); alt++) {
                List<Step> written = r.patterns.get(alt);
                List<CompiledStep> steps = new ArrayList<>();
                for (int i = 0; i < written.size(); i++) {
                    Step s = written.get(i);
                    StepRole role = i == 0 ? StepRole.START
                            : !s.absence() ? StepRole.FOLLOWS
                            : i == written.size() - 1 ? StepRole.ABSENT_UNTIL_DEADLINE : StepRole.ABSENT_BETWEEN;
                    int slot = s.within() != null && !s.absence() ? cepWindows.size() : -1;
                    CompiledStep step = new CompiledStep(s, role, slot);
                    if (slot >= 0) {
                        cepWindows.add(step);
                    }
                    steps.add(step);
                }
                long literal = 0;
                long param = 0;
                long longest = 0;
                for (RuleProfile p : profiles) {
                    for (Step s : written) {
                        if (s.within() != null) {
                            long ms = s.within().ms(p, r.id);
                            longest = Math.max(longest, ms);
                            if (s.within().param() == null) {
                                literal = Math.max(literal, ms); // part of the structure: never changes live
                            } else {
                                param = Math.max(param, ms);
                            }
                        }
                    }
                }
                // CEP keeps a partial match this long: the longest window any device has, with room
                // to loosen it live; for a pattern without a window, the longest an incident can matter.
                long bound = Math.max(literal, param * LIVE_HEADROOM);
                patterns.add(new CompiledPattern(r, alt, steps, bound > 0 ? bound : horizon, longest));
            }
        }
        return new RulePlan(rules, patterns, cepWindows, horizon);
    }

    /** Every pattern of every rule, in file order. */
    public List<CompiledPattern> patterns() {
        return patterns;
    }

    /** The pattern a reference names, or null: not in this plan, or no longer awaiting a deadline. */
    public CompiledPattern pattern(PatternRef ref) {
        if (ref == null) {
            return null;
        }
        for (CompiledPattern p : patterns) {
            if (p.ref.equals(ref)) {
                return p;
            }
        }
        return null;
    }

    /** The longest time any incident can stay relevant: W + the longest window + N, over every profile. */
    public long longestHorizonMs() {
        return longestHorizonMs;
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
                if (!rulesStartingAt(f).isEmpty() || continues(f) || (problems && resolves(f))) {
                    return true;
                }
            }
            return false;
        } finally {
            f.inSession = was;
        }
    }

    /** The rules (in file order) with a pattern that can start at {@code f}. */
    public List<RuleDefinition> rulesStartingAt(DeviceFact f) {
        if (!startKinds.contains(f.kind)) {
            return List.of();
        }
        List<RuleDefinition> out = new ArrayList<>(2);
        for (CompiledPattern p : patterns) {
            if (p.startsAt(f) && !out.contains(p.rule)) {
                out.add(p.rule);
            }
        }
        return out;
    }

    /** Whether {@code f} can be a later step of some pattern (forwarded while a match may be open). */
    public boolean continues(DeviceFact f) {
        if (!laterKinds.contains(f.kind)) {
            return false;
        }
        for (CompiledPattern p : patterns) {
            if (p.continuesWith(f)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code f} can complete a match: only then, or when a deadline passes, can an incident open. */
    public boolean mayComplete(DeviceFact f) {
        for (CompiledPattern p : patterns) {
            if (p.completesWith(f)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code f} can resolve an incident of some rule. */
    public boolean resolves(DeviceFact f) {
        if (!resolveKinds.contains(f.kind)) {
            return false;
        }
        for (RuleDefinition r : rules) {
            if (r.resolve != null && r.resolve.matches(f, null, null)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The deadline facts the start fact {@code f} sets for the patterns of {@code starting} that end
     * with an absence (their time is for the rule versions to say).
     */
    public List<DeviceFact> deadlinesFrom(DeviceFact f, List<RuleDefinition> starting) {
        List<DeviceFact> out = new ArrayList<>();
        for (CompiledPattern p : patterns) {
            if (starting.contains(p.rule)) {
                out.addAll(p.deadlinesFrom(f));
            }
        }
        return out;
    }

    /** Whether a fact of this kind can answer an awaited absence (the tracker then looks at its deadlines). */
    public boolean mayAnswer(FactKind kind) {
        return absentKinds.contains(kind);
    }

    /**
     * Whether {@code f} answers the absence {@code deadline} awaits (see {@link
     * CompiledPattern#answers}); a deadline kept from a pattern this plan does not await any more
     * (changed by {@code rules apply}) is answered by anything: nothing awaits it.
     */
    public boolean answers(DeviceFact deadline, DeviceFact f) {
        CompiledPattern p = pattern(deadline.awaits);
        return p == null || !p.awaitsDeadline() || p.answers(deadline, f);
    }

    /**
     * Until when facts may continue a match that {@code f} starts for {@code starting}: as long as CEP
     * keeps the partial match (a window may be loosened live up to that).
     */
    public long openUntil(DeviceFact f, List<RuleDefinition> starting) {
        long until = DeviceFact.NONE;
        for (CompiledPattern p : patterns) {
            if (starting.contains(p.rule) && p.keepsPartialMatches()) {
                until = Math.max(until, f.ts + p.retentionMs);
            }
        }
        return until;
    }

    /** The windows CEP checks itself, for a device's parameters, as the facts carry them (null: none). */
    public long[] cepWindows(RuleProfile profile) {
        if (cepWindows.isEmpty()) {
            return null;
        }
        long[] out = new long[cepWindows.size()];
        int i = 0;
        for (CompiledPattern p : patterns) {
            for (CompiledStep s : p.steps) {
                if (s.checkedByCep()) {
                    out[i++] = s.window().ms(profile, p.rule.id);
                }
            }
        }
        return out;
    }

    /**
     * Why {@code next} cannot apply live to a job compiled with this plan, or null: a window that
     * grows beyond what the compiled CEP patterns keep a partial match for.
     */
    public String windowBeyondRetention(RulePlan next) {
        for (CompiledPattern p : patterns) {
            CompiledPattern n = next.pattern(p.ref);
            if (n != null && n.longestWindowMs > p.retentionMs) {
                return "a window of " + p.rule.id + " grows to " + format(n.longestWindowMs) + ", beyond the "
                        + format(p.retentionMs) + " its compiled CEP pattern keeps a partial match";
            }
        }
        return null;
    }

    private static String format(long ms) {
        return io.patchwatch.connectors.config.Durations.format(java.time.Duration.ofMillis(ms));
    }
}
