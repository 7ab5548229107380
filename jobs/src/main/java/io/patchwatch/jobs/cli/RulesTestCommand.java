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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import java.util.TreeMap;

/**
 * {@code patchwatch rules test RULES --events FILE... [--baseline OLD_RULES]}: the alerts a rules file
 * raises on recorded events (through replay, the same engine), and with a baseline what changes:
 * exit 0 when nothing does, 1 when something does, for a review pipeline.
 */
@Command(name = "test", description = "The alerts RULES raise on recorded events; with --baseline the difference "
        + "(+ added, - removed, ~ changed): exit 0 none, 1 some, 2 bad input.")
final class RulesTestCommand extends CliCommand {
    @Parameters(paramLabel = "RULES", description = "The rules file.")
    Path rulesFile;

    @Option(names = "--events", required = true, arity = "1..*", paramLabel = "FILE", description = "Recordings.")
    List<String> events;

    @Option(names = "--baseline", paramLabel = "OLD_RULES", description = "Compare with the alerts of these rules.")
    Path baselineFile;

    @Mixin
    RecordingFormat recording;

    @Option(names = "--inventory", paramLabel = "FILE", description = "The device inventory (CSV).")
    Path inventoryFile;

    @Option(names = "--sort", description = "Sort the recordings in memory first.")
    boolean sort;

    @Option(names = "--parallelism", defaultValue = "2", paramLabel = "N", description = "Flink's parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Override
    public Integer call() {
        try {
            return run();
        } catch (UsageException e) {
            throw e;
        } catch (Exception e) {
            err.println("patchwatch: rules test failed: " + ReplayCommand.rootMessage(e));
            return 1;
        }
    }

    private int run() throws Exception {
        RuleSet rules;
        RuleSet baseline;
        Inventory inventory;
        try {
            rules = RuleSet.load(rulesFile);
            baseline = baselineFile == null ? null : RuleSet.load(baselineFile);
            inventory = inventoryFile == null ? Inventory.empty() : Inventory.load(inventoryFile);
        } catch (ConfigException e) {
            e.problems().forEach(p -> err.println("patchwatch: " + p));
            return 2;
        }
        EventAdapter adapter = recording.adapter();
        try {
            Replay.Result result = replay(adapter, rules, inventory);
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
            List<Alert> before = replay(adapter, baseline, inventory).alerts();
            return diff(before, now, out, err);
        } catch (RecordingException | Replay.InputException e) {
            err.println("patchwatch: " + SafeText.forDisplay(e.getMessage(), 600));
            return 2;
        }
    }

    private Replay.Result replay(EventAdapter adapter, RuleSet rules, Inventory inventory) throws Exception {
        List<RecordingSplit> inputs = RecordingInputs.expand(events, recording.format);
        if (sort) {
            List<io.patchwatch.connectors.adapters.RawRecord> all = new ArrayList<>();
            for (String file : events) {
                all.addAll(Replay.readRecords(List.of(Path.of(file)), recording.format));
            }
            return Replay.run(LocalFlink.environment(parallelism), all, false, adapter,
                    JobSettings.replay(Long.MAX_VALUE), rules, inventory, null);
        }
        return Replay.run(LocalFlink.environment(parallelism), Replay.Recording.of(inputs, false),
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
