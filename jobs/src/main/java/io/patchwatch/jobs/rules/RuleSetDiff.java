package io.patchwatch.jobs.rules;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What changing one rules file into another does: a change of parameters, lists, severities,
 * messages or {@code enabled} can apply while the job runs; a change of a pattern's structure (its
 * steps, kinds, subject, resolve) or a rule added or removed needs a restart from a savepoint, where
 * every unchanged rule keeps its state (its CEP operator's uid is its id and structure), wherever
 * it stands in the file.
 */
public final class RuleSetDiff {

    /** One difference. {@code rule} is a rule id, or "parameters" / "overrides". */
    public record Change(String rule, boolean structural, String what) {
        @Override
        public String toString() {
            return rule + ": " + (structural ? "savepoint" : "live") + ": " + what;
        }
    }

    private RuleSetDiff() {}

    public static List<Change> of(RuleSet before, RuleSet after) {
        List<Change> changes = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        before.rules().forEach(r -> ids.add(r.id));
        after.rules().forEach(r -> ids.add(r.id));
        RuleProfile b = before.defaultProfile();
        RuleProfile a = after.defaultProfile();
        for (String id : ids) {
            RuleDefinition was = find(before, id);
            RuleDefinition is = find(after, id);
            if (was == null) {
                changes.add(new Change(id, true, "added"));
                continue;
            }
            if (is == null) {
                changes.add(new Change(id, true, "removed (its state is dropped)"));
                continue;
            }
            if (!RuleStructure.of(was).equals(RuleStructure.of(is))) {
                changes.add(new Change(id, true, "pattern changed: " + RuleStructure.of(was) + " -> " + RuleStructure.of(is)));
            }
            RuleParams pw = b.rule(id);
            RuleParams pi = a.rule(id);
            if (!pw.severity().equals(pi.severity())) {
                changes.add(new Change(id, false, "severity " + pw.severity() + " -> " + pi.severity()));
            }
            if (pw.enabled() != pi.enabled()) {
                changes.add(new Change(id, false, pi.enabled() ? "enabled" : "disabled"));
            }
            if (!pw.message().equals(pi.message())) {
                changes.add(new Change(id, false, "message \"" + pw.message() + "\" -> \"" + pi.message() + "\""));
            }
        }
        Set<String> params = new LinkedHashSet<>(b.durations().keySet());
        params.addAll(a.durations().keySet());
        for (String p : params) {
            Long was = b.durations().get(p);
            Long is = a.durations().get(p);
            if (!Objects.equals(was, is)) {
                changes.add(new Change("parameters", false, p + " " + format(was) + " -> " + format(is)));
            }
        }
        if (!b.criticalServices().equals(a.criticalServices())) {
            changes.add(new Change("parameters", false, "critical_services " + b.criticalServices() + " -> " + a.criticalServices()));
        }
        if (!overrides(before).equals(overrides(after))) {
            changes.add(new Change("overrides", false, before.overrides().size() + " -> " + after.overrides().size()
                    + " entries, or their settings"));
        }
        return changes;
    }

    /** The rules a change needs a savepoint for, or none: it can apply live. */
    public static Set<String> structural(List<Change> changes) {
        Set<String> out = new LinkedHashSet<>();
        changes.stream().filter(Change::structural).forEach(c -> out.add(c.rule()));
        return out;
    }

    private static RuleDefinition find(RuleSet set, String id) {
        return set.rules().stream().filter(r -> r.id.equals(id)).findFirst().orElse(null);
    }

    private static List<List<Object>> overrides(RuleSet set) {
        List<List<Object>> out = new ArrayList<>();
        for (RuleSet.Override o : set.overrides()) {
            out.add(java.util.Arrays.asList(o.match(),
                    o.durations(), o.criticalServices(), Map.copyOf(o.rules())));
        }
        return out;
    }

    private static String format(Long ms) {
        return ms == null ? "(none)" : io.patchwatch.connectors.config.Durations.format(java.time.Duration.ofMillis(ms));
    }
}
