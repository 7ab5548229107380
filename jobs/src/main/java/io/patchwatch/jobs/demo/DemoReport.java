package io.patchwatch.jobs.demo;

import io.patchwatch.jobs.fact.DeviceKeys;
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

    private final Map<InjectedFault, FaultScore> faults;
    private final Map<String, int[]> byRule;
    private final List<String> missed;
    private final List<String> unexplained;
    private final int patched;
    private final int rebooted;

    private DemoReport(Map<InjectedFault, FaultScore> faults, Map<String, int[]> byRule, List<String> missed,
                       List<String> unexplained, int patched, int rebooted) {
        this.faults = faults;
        this.byRule = byRule;
        this.missed = missed;
        this.unexplained = unexplained;
        this.patched = patched;
        this.rebooted = rebooted;
    }

    /** Against the built-in rules. */
    public static DemoReport of(FleetPlan plan, List<Alert> alerts) {
        Set<String> builtIn = new HashSet<>();
        io.patchwatch.jobs.rules.RuleSet.defaults().rules().forEach(r -> builtIn.add(r.id()));
        return of(plan, alerts, builtIn);
    }

    /** A fault is caught when every rule it should raise that {@code rules} defines fired for its device. */
    public static DemoReport of(FleetPlan plan, List<Alert> alerts, Set<String> rules) {
        Map<String, Set<String>> firedRules = new HashMap<>();
        Map<String, int[]> byRule = new LinkedHashMap<>();
        for (InjectedFault f : InjectedFault.values()) {
            f.expectedRules().stream().filter(rules::contains).forEach(rule -> byRule.putIfAbsent(rule, new int[2]));
        }
        for (Alert a : alerts) {
            byRule.computeIfAbsent(a.getRule(), r -> new int[2])[a.getStatus() == AlertStatus.firing ? 0 : 1]++;
            if (a.getStatus() == AlertStatus.firing) {
                firedRules.computeIfAbsent(DeviceKeys.key(a.getTenant(), a.getDevice()), k -> new HashSet<>())
                        .add(a.getRule() + (a.getService() == null ? "" : "/" + a.getService()));
            }
        }
        Map<InjectedFault, int[]> counts = new EnumMap<>(InjectedFault.class);
        List<String> missed = new java.util.ArrayList<>();
        List<String> unexplained = new java.util.ArrayList<>();
        int rebooted = 0;
        for (FleetPlan.Device d : plan.devices()) {
            String key = DeviceKeys.key(d.tenant(), d.name());
            Set<String> fired = firedRules.getOrDefault(key, Set.of());
            if (d.fault() != InjectedFault.NEVER_BACK) {
                rebooted++;
            }
            Set<String> expected = new HashSet<>();
            if (d.fault() != null) {
                for (String rule : d.fault().expectedRules().stream().filter(rules::contains).toList()) {
                    expected.add(rule.equals(InjectedFault.SERVICE_DOWN) ? rule + "/" + d.faultService() : rule);
                }
                int[] c = counts.computeIfAbsent(d.fault(), f -> new int[2]);
                c[0]++;
                if (fired.containsAll(expected)) {
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
        Map<InjectedFault, FaultScore> faults = new EnumMap<>(InjectedFault.class);
        counts.forEach((f, c) -> faults.put(f, new FaultScore(c[0], c[1])));
        return new DemoReport(faults, byRule, missed, unexplained, plan.devices().size(), rebooted);
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
