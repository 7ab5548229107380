package io.patchwatch.jobs.demo;

import io.patchwatch.jobs.fact.DeviceKeys;
import io.patchwatch.jobs.noise.HeldIncident;
import io.patchwatch.jobs.rules.NoiseSettings;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertStatus;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Holds a demo's alerts against the faults the plan injected: which faults were caught, which were
 * missed, and which alerts no fault explains.
 */
public final class DemoReport {

    /** Per fault kind: injected, and caught (every expected rule fired for the device). */
    public record FaultScore(int injected, int caught) {}

    /** What an operator was told against what was detected: pages sent, incidents detected, held and how they ended. */
    public record Noise(int incidents, int pages, int held, int pagedLater, int closed, boolean siteOutagePaged,
                        boolean feedSilencePaged) {}

    private final Map<InjectedFault, FaultScore> faults;
    private final Map<String, int[]> byRule;
    private final List<String> missed;
    private final List<String> unexplained;
    private final int patched;
    private final int rebooted;
    private final Noise noise;

    private DemoReport(Map<InjectedFault, FaultScore> faults, Map<String, int[]> byRule, List<String> missed,
                       List<String> unexplained, int patched, int rebooted, Noise noise) {
        this.faults = faults;
        this.byRule = byRule;
        this.missed = missed;
        this.unexplained = unexplained;
        this.patched = patched;
        this.rebooted = rebooted;
        this.noise = noise;
    }

    /** Against the built-in rules, from the pages alone. */
    public static DemoReport of(FleetPlan plan, List<Alert> alerts) {
        return of(plan, alerts, List.of(), io.patchwatch.jobs.rules.RuleSet.defaults());
    }

    /**
     * A fault is caught when every rule it should raise that {@code rules} defines was detected for
     * its device: paged, held ({@code held}), or, where the holds are not known (the demo through
     * Kafka), explained by what noise control pages instead (its device's offline, its site's
     * outage, its tenant's window, its collector's silence). The site that lost its uplink must page
     * once, as a site outage, and the collector that died once, as a feed silence.
     */
    public static DemoReport of(FleetPlan plan, List<Alert> alerts, List<HeldIncident> held, io.patchwatch.jobs.rules.RuleSet ruleSet) {
        Set<String> rules = new HashSet<>();
        ruleSet.rules().forEach(r -> rules.add(r.id()));
        NoiseSettings noise = ruleSet.noise();
        Map<String, Set<String>> firedRules = new HashMap<>();
        Map<String, Set<String>> detected = new HashMap<>();
        Map<String, int[]> byRule = new LinkedHashMap<>();
        for (InjectedFault f : InjectedFault.values()) {
            f.expectedRules().stream().filter(rules::contains).forEach(rule -> byRule.putIfAbsent(rule, new int[2]));
        }
        FleetPlan.UplinkLoss loss = plan.uplinkLoss();
        boolean sitePaged = false;
        boolean feedPaged = false;
        int pages = 0;
        int incidents = 0;
        List<String> unexplained = new java.util.ArrayList<>();
        for (Alert a : alerts) {
            byRule.computeIfAbsent(a.getRule(), r -> new int[2])[a.getStatus() == AlertStatus.firing ? 0 : 1]++;
            if (a.getStatus() != AlertStatus.firing) {
                continue;
            }
            pages++;
            if (a.getRule().equals(NoiseSettings.FEED_SILENT)) {
                boolean expected = a.getDevice().startsWith("feed:") && !feedPaged;
                feedPaged |= expected;
                if (!expected) {
                    unexplained.add(a.getTenant() + "/" + a.getDevice() + ": " + a.getRule());
                }
                continue;
            }
            if (a.getRule().equals(NoiseSettings.SITE_OUTAGE)) {
                boolean expected = a.getTenant().equals(loss.tenant()) && loss.site().equals(a.getSite()) && !sitePaged;
                sitePaged |= expected;
                if (!expected) {
                    unexplained.add(a.getTenant() + "/" + a.getDevice() + ": " + a.getRule());
                }
                continue;
            }
            incidents += a.getContext().getSubjectCount() != null ? a.getContext().getSubjectCount() : rules.contains(a.getRule()) ? 1 : 0;
            String key = DeviceKeys.key(a.getTenant(), a.getDevice());
            String what = a.getRule() + (a.getService() == null ? "" : "/" + a.getService());
            firedRules.computeIfAbsent(key, k -> new HashSet<>()).add(what);
            detected.computeIfAbsent(key, k -> new HashSet<>()).add(what);
            for (String subject : a.getContext().getSubjects()) {
                detected.get(key).add(a.getRule() + "/" + subject);
                firedRules.get(key).add(a.getRule() + "/" + subject);
            }
        }
        int heldCount = 0;
        int pagedLater = 0;
        int closed = 0;
        for (HeldIncident h : held) {
            switch (h.step) {
                case held -> {
                    heldCount++;
                    detected.computeIfAbsent(DeviceKeys.key(h.tenant, h.device), k -> new HashSet<>())
                            .add(h.rule + (h.service == null ? "" : "/" + h.service));
                }
                case paged -> pagedLater++;
                case closed -> closed++;
            }
        }
        incidents += heldCount - pagedLater;
        Map<InjectedFault, int[]> counts = new EnumMap<>(InjectedFault.class);
        List<String> missed = new java.util.ArrayList<>();
        int rebooted = 0;
        for (FleetPlan.Device d : plan.devices()) {
            String key = DeviceKeys.key(d.tenant(), d.name());
            Set<String> fired = firedRules.getOrDefault(key, Set.of());
            Set<String> seen = detected.getOrDefault(key, Set.of());
            if (d.fault() != InjectedFault.NEVER_BACK) {
                rebooted++;
            }
            Set<String> expected = new HashSet<>();
            if (d.fault() != null) {
                boolean caught = true;
                for (String rule : d.fault().expectedRules().stream().filter(rules::contains).toList()) {
                    String what = rule.equals(InjectedFault.SERVICE_DOWN) ? rule + "/" + d.faultService() : rule;
                    expected.add(what);
                    caught &= seen.contains(what) || (held.isEmpty() && explained(rule, d, fired, plan, noise));
                }
                int[] c = counts.computeIfAbsent(d.fault(), f -> new int[2]);
                c[0]++;
                if (caught) {
                    c[1]++;
                } else {
                    missed.add(d.tenant() + "/" + d.name() + " (" + d.fault().label() + ")");
                }
            }
            for (String f : fired) {
                if (!expected.contains(f)) {
                    unexplained.add(d.tenant() + "/" + d.name() + ": " + f);
                }
            }
        }
        if (!feedPaged) {
            missed.add(plan.collector().feed() + " (the ping collector died: no feed-silent page)");
        }
        if (!sitePaged) {
            missed.add(loss.tenant() + "/" + loss.site() + " (site lost its uplink: no site-outage page)");
        }
        Map<InjectedFault, FaultScore> faults = new EnumMap<>(InjectedFault.class);
        counts.forEach((f, c) -> faults.put(f, new FaultScore(c[0], c[1])));
        return new DemoReport(faults, byRule, missed, unexplained, plan.devices().size(), rebooted,
                new Noise(incidents, pages, heldCount, pagedLater, closed, sitePaged, feedPaged));
    }

    /** Without the holds: what noise control pages instead of {@code rule} on the device explains it. */
    private static boolean explained(String rule, FleetPlan.Device d, Set<String> fired, FleetPlan plan, NoiseSettings noise) {
        for (String parent : noise.parentsOf(rule)) {
            if (fired.contains(parent)) {
                return true;
            }
        }
        return d.tenant().equals(plan.window().tenant()) || d.tenant().equals(plan.collector().tenant());
    }

    public Noise noise() {
        return noise;
    }

    public Map<InjectedFault, FaultScore> faults() {
        return faults;
    }

    public Map<String, int[]> byRule() {
        return byRule;
    }

    public List<String> missed() {
        return missed;
    }

    public List<String> unexplained() {
        return unexplained;
    }

    public int patched() {
        return patched;
    }

    public int rebooted() {
        return rebooted;
    }

    public boolean allCaught() {
        return missed.isEmpty() && unexplained.isEmpty();
    }
}
