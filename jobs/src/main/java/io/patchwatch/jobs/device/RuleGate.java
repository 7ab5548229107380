package io.patchwatch.jobs.device;

import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.inventory.DeviceInfo;
import io.patchwatch.jobs.live.RuleVersions;
import io.patchwatch.jobs.rules.RuleDefinition;
import io.patchwatch.jobs.rules.RulePlan;
import io.patchwatch.jobs.rules.RuleProfile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What leaves the tracker, as the compiled rule plan says: a fact goes to the rules when it starts
 * an enabled rule (and the absences it starts are awaited) or may continue a match started
 * recently, and to the incidents when it may resolve one. Everything else stays. Each fact that
 * leaves carries what CEP cannot look up itself: the rules version in force at its time, the
 * device's windows then, and for one-shot rules whether it is the session's first start.
 */
final class RuleGate {
    private final RulePlan plan;
    private final RuleVersions versions;

    RuleGate(RuleVersions versions) {
        this.versions = versions;
        this.plan = versions.compiled().plan();
    }

    /** Where a fact goes. */
    record Verdict(boolean toRules, boolean toIncidents, List<DeviceFact> deadlines) {}

    /**
     * Decides where {@code f} goes, stamps it, marks the one-shot rules it starts in session {@code
     * s}, and returns the deadlines of the absences it starts.
     */
    Verdict offer(DeviceState d, PatchSession s, PatchSessions sessions, DeviceFact f, DeviceInfo info) throws Exception {
        // A rule disabled for this device at the fact's time starts nothing.
        List<RuleDefinition> starts = plan.rulesStartingAt(f);
        String[] oneShot = DeviceFact.NO_RULES;
        if (!starts.isEmpty()) {
            RuleProfile profile = versions.profileFor(info, f.ts, f.sessionStart);
            List<RuleDefinition> enabled = new ArrayList<>(starts.size());
            for (RuleDefinition r : starts) {
                if (profile.rule(r.id()).enabled()) {
                    enabled.add(r);
                    if (r.oneShot()) {
                        oneShot = Arrays.copyOf(oneShot, oneShot.length + 1);
                        oneShot[oneShot.length - 1] = r.id();
                    }
                }
            }
            starts = enabled;
        }
        stamp(f, info);
        if (oneShot.length > 0 && s != null) {
            // One-shot rules start once per session: at its first fact that matches their start.
            f.firstStartOf = sessions.firstStarts(s, oneShot);
            List<String> first = List.of(f.firstStartOf);
            starts.removeIf(r -> r.oneShot() && !first.contains(r.id()));
        } else {
            f.firstStartOf = oneShot;
        }
        boolean toRules = false;
        List<DeviceFact> deadlines = List.of();
        if (!starts.isEmpty()) {
            d.problems |= plan.mayComplete(f);
            d.openUntil = Math.max(d.openUntil, plan.openUntil(f, starts));
            toRules = true;
            deadlines = plan.deadlinesFrom(f, starts);
        } else if (d.openUntil != DeviceFact.NONE && f.ts <= d.openUntil && plan.continues(f)) {
            d.problems |= plan.mayComplete(f);
            toRules = true;
        }
        return new Verdict(toRules, d.problems && plan.resolves(f), deadlines);
    }

    /**
     * What a fact carries downstream from the rules version in force at its time: the version's
     * number (for the alert) and the windows CEP checks itself (CEP cannot read the versions).
     */
    void stamp(DeviceFact f, DeviceInfo info) {
        f.rulesVersion = versions.at(f.ts).version();
        f.windows = versions.cepWindows(info, f.ts, f.sessionStart);
    }
}
