package io.patchwatch.jobs.live;

import io.patchwatch.jobs.rules.RuleProfile;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.jobs.rules.RuleSetDiff;
import io.patchwatch.jobs.rules.RulePlan;
import io.patchwatch.jobs.rules.CompiledPattern;

import io.patchwatch.jobs.inventory.DeviceInfo;
import io.patchwatch.jobs.fact.DeviceFact;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The rule versions a running job knows, and which one is in force when (RULES.md "Changing rules
 * while the job runs"). The job's CEP patterns are compiled once from its rules file; a published
 * version may change everything that is a value (parameters, lists, severities, messages, {@code
 * enabled}), never a pattern's structure. Every decision uses the version in force at the
 * decision's event time, the newest whose {@code effective_from} is not after it, so a replay with
 * the same versions takes the same decisions; the last {@link #KEEP} versions are kept for that.
 *
 * <p>An absence awaited since {@code anchor} ends at the first moment t with t &ge; anchor + the
 * window in force at t ({@link #deadline}): a tighter window fires at max(anchor + new window,
 * effective_from), a looser one later, and a version that disables the rule first cancels it.
 */
public final class RuleVersions implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final long NONE = DeviceFact.NONE;

    /** Versions kept for decisions about the past (a replay, a late event). */
    public static final int KEEP = 8;

    private final RuleSet compiled;
    private final List<RuleVersion> versions = new ArrayList<>();

    /** The job's rules, before any version was published (version 0). */
    public RuleVersions(RuleSet compiled) {
        this.compiled = compiled;
        versions.add(RuleVersion.unpublished(compiled));
    }

    /** The job's rules and the versions published so far (refused ones are left out). */
    public static RuleVersions of(RuleSet compiled, List<RuleVersion> published) {
        RuleVersions v = new RuleVersions(compiled);
        for (RuleVersion p : published) {
            v.offer(p);
        }
        return v;
    }

    public enum Outcome { APPLIED, ALREADY_APPLIED, REFUSED }

    /** What became of an offered version, and why. */
    public record Offer(Outcome outcome, String reason) {}

    /**
     * Adds a version if it can apply to the running job: newer than the newest known, in force no
     * earlier than it, and with the compiled structure (the same rules in the same order, the same
     * steps, windows within {@link RulePlan#LIVE_HEADROOM}).
     */
    public Offer offer(RuleVersion v) {
        RuleVersion newest = latest();
        if (v.version() == newest.version() && v.hash().equals(newest.hash())) {
            return new Offer(Outcome.ALREADY_APPLIED, "version " + v.version() + " is already in force");
        }
        if (v.version() <= newest.version()) {
            return new Offer(Outcome.REFUSED, "version " + v.version() + " goes backwards: version "
                    + newest.version() + " is the newest applied");
        }
        if (v.effectiveFrom() < newest.effectiveFrom()) {
            return new Offer(Outcome.REFUSED, "version " + v.version() + " would be in force from "
                    + Instant.ofEpochMilli(v.effectiveFrom()) + ", before version " + newest.version() + " ("
                    + Instant.ofEpochMilli(newest.effectiveFrom()) + ")");
        }
        String structural = structuralChange(compiled, v.rules());
        if (structural != null) {
            return new Offer(Outcome.REFUSED, "version " + v.version() + " changes what the running job was compiled with: "
                    + structural + " (apply it with `patchwatch rules apply`)");
        }
        versions.add(v);
        if (versions.size() > KEEP) {
            versions.remove(0);
        }
        return new Offer(Outcome.APPLIED, "");
    }

    /**
     * Why {@code next} cannot apply live to a job compiled from {@code compiled}, or null: a
     * structural change (RuleSetDiff) or a window beyond what the
     * compiled CEP patterns keep.
     */
    public static String structuralChange(RuleSet compiled, RuleSet next) {
        Set<String> structural = RuleSetDiff.structural(RuleSetDiff.of(compiled, next));
        if (!structural.isEmpty()) {
            return "the structure of " + String.join(", ", structural) + " changed";
        }
        return compiled.plan().windowBeyondRetention(next.plan());
    }

    /** The version in force at event time {@code ts} (the oldest kept, for a time before it). */
    public RuleVersion at(long ts) {
        for (int i = versions.size() - 1; i > 0; i--) {
            if (versions.get(i).effectiveFrom() <= ts) {
                return versions.get(i);
            }
        }
        return versions.get(0);
    }

    public RuleVersion latest() {
        return versions.get(versions.size() - 1);
    }

    /** The versions kept, oldest first. */
    public List<RuleVersion> all() {
        return List.copyOf(versions);
    }

    /** Whether any version was published (else alerts carry no rule version). */
    public boolean published() {
        return latest().version() > 0;
    }

    public RuleSet compiled() {
        return compiled;
    }

    /**
     * A device's parameters at {@code ts}, for a session opened at {@code sessionStart} (NONE: no
     * session): the version in force then, without the overrides that version added after the
     * session opened (a new override applies to sessions opened after it is in force).
     */
    public RuleProfile profileFor(DeviceInfo device, long ts, long sessionStart) {
        return profileOf(at(ts), device, sessionStart);
    }

    private RuleProfile profileOf(RuleVersion v, DeviceInfo device, long sessionStart) {
        if (sessionStart == NONE || sessionStart >= v.effectiveFrom() || versions.size() == 1) {
            return v.rules().profileFor(device);
        }
        RuleVersion opened = at(sessionStart);
        return opened == v ? v.rules().profileFor(device) : v.rules().profileFor(device, opened.rules());
    }

    /** The windows CEP checks itself ({@link RulePlan#cepWindows}), for one device at {@code ts}. */
    public long[] cepWindows(DeviceInfo device, long ts, long sessionStart) {
        return compiled.plan().cepWindows(profileFor(device, ts, sessionStart));
    }

    /**
     * When the absence a deadline fact awaits ends: the first t &ge; its anchor with t &ge; anchor +
     * the window in force at t; NONE if a version in force before then disables its rule.
     */
    public long deadline(DeviceFact deadline, DeviceInfo device) {
        CompiledPattern pattern = compiled.plan().pattern(deadline.awaits);
        if (pattern == null || !pattern.awaitsDeadline()) {
            return NONE; // kept from a rule whose pattern changed since (rules apply)
        }
        String rule = pattern.rule().id();
        long anchor = deadline.anchor;
        int first = versions.indexOf(at(anchor));
        for (int i = first; i < versions.size(); i++) {
            RuleVersion v = versions.get(i);
            long from = Math.max(anchor, v.effectiveFrom());
            long until = i + 1 < versions.size() ? versions.get(i + 1).effectiveFrom() : Long.MAX_VALUE;
            if (from >= until) {
                continue; // replaced before it was in force for this absence
            }
            RuleProfile p = profileOf(v, device, deadline.sessionStart);
            if (!p.rule(rule).enabled()) {
                return NONE;
            }
            long t = Math.max(anchor + pattern.absenceWindowMs(p), from);
            if (t < until) {
                return t;
            }
        }
        return NONE; // not reached: the newest version's interval is unbounded
    }
}
