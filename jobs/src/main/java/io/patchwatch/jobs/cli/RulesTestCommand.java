package io.patchwatch.jobs.cli;

import io.patchwatch.connectors.adapters.EventAdapter;
import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.connectors.adapters.canonical.CanonicalJsonAdapter;
import io.patchwatch.connectors.json.AlertJson;
import io.patchwatch.connectors.text.SafeText;
import io.patchwatch.jobs.settings.JobSettings;
import io.patchwatch.jobs.LocalFlink;
import io.patchwatch.connectors.config.ConfigException;
import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.jobs.replay.RecordingException;
import io.patchwatch.jobs.replay.RecordingInputs;
import io.patchwatch.jobs.replay.RecordingSplit;
import io.patchwatch.jobs.replay.Replay;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.schemas.Alert;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code patchwatch rules test RULES --events FILE... [--baseline OLD_RULES]}: the alerts a rules file
 * raises on recorded events (through replay, the same engine), and with a baseline what changes:
 * exit 0 when nothing does, 1 when something does, for a review pipeline.
 */
final class RulesTestCommand {
    private RulesTestCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
        Args args = Args.parse(argv, 0, Set.of("baseline", "format", "inventory", "tenant", "site", "parallelism"),
                Set.of("events"), Set.of("sort"));
        if (args.positional().size() != 1 || args.list("events").isEmpty()) {
            throw new Args.UsageException(RulesCommand.USAGE);
        }
        RuleSet rules;
        RuleSet baseline;
        Inventory inventory;
        try {
            rules = RuleSet.load(Path.of(args.positional().get(0)));
            baseline = args.get("baseline") == null ? null : RuleSet.load(Path.of(args.get("baseline")));
            inventory = args.get("inventory") == null ? Inventory.empty() : Inventory.load(Path.of(args.get("inventory")));
        } catch (ConfigException e) {
            e.problems().forEach(p -> err.println("patchwatch: " + p));
            return 2;
        }
        String format = args.get("format", CanonicalJsonAdapter.NAME);
        EventAdapter adapter = ReplayCommand.adapter(args, format);
        try {
            Replay.Result result = replay(args, format, adapter, rules, inventory);
            List<Alert> now = result.alerts();
            if (baseline == null) {
                // Pages on stdout; held incidents (FLEET.md: detected, not paged) apart, on stderr.
                now.forEach(a -> out.println(AlertJson.toJson(a)));
                for (io.patchwatch.jobs.noise.HeldIncident h : result.held()) {
                    err.println("held: " + EventTimes.format(h.ts) + " " + h.step + " " + h.rule + " " + h.tenant + "/" + h.device
                            + (h.service != null ? " " + h.service : "") + (h.step == io.patchwatch.jobs.noise.HeldIncident.Step.held
                            ? " by " + h.heldBy : "") + (h.reason != null ? " (" + h.reason + ")" : ""));
                }
                long held = result.held().stream().filter(h -> h.step == io.patchwatch.jobs.noise.HeldIncident.Step.held).count();
                err.println(now.size() + " alerts (pages), " + held + " incidents held");
                return 0;
            }
            List<Alert> before = replay(args, format, adapter, baseline, inventory).alerts();
            return diff(before, now, out, err);
        } catch (RecordingException | Replay.InputException e) {
            err.println("patchwatch: " + SafeText.forDisplay(e.getMessage(), 600));
            return 2;
        }
    }

    private static Replay.Result replay(Args args, String format, EventAdapter adapter, RuleSet rules, Inventory inventory)
            throws Exception {
        List<RecordingSplit> inputs = RecordingInputs.expand(args.list("events"), format);
        if (args.flag("sort")) {
            List<io.patchwatch.connectors.adapters.RawRecord> all = new ArrayList<>();
            for (String file : args.list("events")) {
                all.addAll(Replay.readRecords(List.of(Path.of(file)), format));
            }
            return Replay.run(LocalFlink.environment(args.intValue("parallelism", 2)), all, false, adapter,
                    JobSettings.replay(Long.MAX_VALUE), rules, inventory, null);
        }
        return Replay.run(LocalFlink.environment(args.intValue("parallelism", 2)), Replay.Recording.of(inputs, false),
                adapter, JobSettings.replay(Long.MAX_VALUE), rules, inventory, a -> {});
    }

    /** Alerts are the same one when rule, device, dedup key and status agree; changed when anything else differs. */
    static int diff(List<Alert> before, List<Alert> now, PrintStream out, PrintStream err) {
        Map<String, Alert> old = index(before);
        Map<String, Alert> neu = index(now);
        Map<String, int[]> byRule = new TreeMap<>();
        int added = 0;
        int removed = 0;
        int changed = 0;
        for (Map.Entry<String, Alert> e : neu.entrySet()) {
            Alert was = old.get(e.getKey());
            Alert a = e.getValue();
            if (was == null) {
                out.println("+ " + line(a));
                added++;
                byRule.computeIfAbsent(a.getRule(), r -> new int[3])[0]++;
            } else if (!AlertJson.toJson(was).equals(AlertJson.toJson(a))) {
                out.println("~ " + line(a) + "  (was " + changes(was, a) + ")");
                changed++;
                byRule.computeIfAbsent(a.getRule(), r -> new int[3])[2]++;
            }
        }
        for (Map.Entry<String, Alert> e : old.entrySet()) {
            if (!neu.containsKey(e.getKey())) {
                out.println("- " + line(e.getValue()));
                removed++;
                byRule.computeIfAbsent(e.getValue().getRule(), r -> new int[3])[1]++;
            }
        }
        if (added + removed + changed == 0) {
            err.println("no difference: " + now.size() + " alerts with both rule files");
            return 0;
        }
        err.println(added + " added, " + removed + " removed, " + changed + " changed");
        byRule.forEach((rule, n) -> err.println("  " + rule + ": +" + n[0] + " -" + n[1] + " ~" + n[2]));
        return 1;
    }

    private static Map<String, Alert> index(List<Alert> alerts) {
        Map<String, Alert> out = new LinkedHashMap<>();
        for (Alert a : alerts) {
            out.put(a.getRule() + " " + a.getDedupKey() + " " + a.getStatus(), a);
        }
        return out;
    }

    private static String line(Alert a) {
        return EventTimes.format(a.getTs()) + " " + a.getStatus() + " " + a.getRule() + " " + a.getTenant() + "/"
                + SafeText.forDisplay(a.getDevice(), 255) + (a.getService() == null ? "" : " " + SafeText.forDisplay(a.getService(), 256))
                + " " + a.getSeverity() + ": " + SafeText.forDisplay(a.getMessage(), 500);
    }

    private static String changes(Alert was, Alert a) {
        List<String> diffs = new ArrayList<>();
        if (was.getTs() != a.getTs()) {
            diffs.add("at " + EventTimes.format(was.getTs()));
        }
        if (!was.getSeverity().equals(a.getSeverity())) {
            diffs.add(was.getSeverity());
        }
        if (!was.getMessage().equals(a.getMessage())) {
            diffs.add("\"" + SafeText.forDisplay(was.getMessage(), 300) + "\"");
        }
        if (diffs.isEmpty()) {
            diffs.add("other context");
        }
        return String.join(", ", diffs);
    }
}
