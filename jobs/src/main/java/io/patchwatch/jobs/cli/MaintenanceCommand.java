package io.patchwatch.jobs.cli;

import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.connectors.config.ConfigException;
import io.patchwatch.jobs.kafka.RulesTopic;
import io.patchwatch.jobs.rules.MaintenanceEdits;
import io.patchwatch.jobs.rules.MaintenanceWindow;
import io.patchwatch.jobs.rules.RuleSet;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code patchwatch maintenance add|list|remove RULES}: the maintenance windows of a rules file
 * (FLEET.md), edited in place (the rest of the file, comments included, stays as it is) and, with
 * {@code --publish}, published to the running job's rules topic like {@code rules publish}.
 */
final class MaintenanceCommand {
    static final String USAGE = """
            usage: patchwatch maintenance list RULES
                   patchwatch maintenance add RULES --name NAME [--tenant T] [--site S] [--group G] [--device D]
                          (--start TIME --end TIME | --every "WED 01:00" --duration 4h --zone Europe/Berlin)
                          [--mode expected|mute] [--rules ID,ID] [--settle 5m] [--publish (--bootstrap HOST:PORT | --config job.yaml)]
                   patchwatch maintenance remove RULES NAME [--publish (--bootstrap HOST:PORT | --config job.yaml)]""";
    private static final Set<String> MATCH = Set.of("tenant", "site", "group", "device");

    private MaintenanceCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length < 3) {
            throw new Args.UsageException(USAGE);
        }
        return switch (argv[1]) {
            case "list" -> list(argv, out, err);
            case "add" -> add(argv, out, err);
            case "remove" -> remove(argv, out, err);
            default -> throw new Args.UsageException(USAGE);
        };
    }

    private static int list(String[] argv, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, 2, Set.of(), Set.of(), Set.of());
        if (args.positional().size() != 1) {
            throw new Args.UsageException(USAGE);
        }
        try {
            RuleSet rules = RuleSet.load(Path.of(args.positional().get(0)));
            if (rules.maintenance().isEmpty()) {
                out.println("no maintenance windows");
            }
            long now = System.currentTimeMillis();
            for (MaintenanceWindow w : rules.maintenance()) {
                out.println(describe(w, now));
            }
            return 0;
        } catch (ConfigException e) {
            e.problems().forEach(p -> err.println("patchwatch: " + p));
            return 2;
        }
    }

    static String describe(MaintenanceWindow w, long now) {
        var m = w.match();
        String match = String.join(", ", Arrays.stream(new String[][] {{"tenant", m.tenant()}, {"site", m.site()}, {"group", m.group()},
                {"criticality", m.criticality()}, {"device", m.device()}}).filter(p -> p[1] != null).map(p -> p[0] + "=" + p[1]).toList());
        String when = w.recurring()
                ? "every " + String.join(",", w.days().stream().map(d -> d.name().substring(0, 3)).toList()) + " " + w.at() + " " + w.zone()
                        + " for " + io.patchwatch.jobs.incident.AlertMessages.duration(w.durationMs())
                : EventTimes.format(w.startMs()) + " .. " + EventTimes.format(w.endMs());
        MaintenanceWindow.Occurrence open = w.at(now);
        return w.name() + ": " + match + "; " + when + "; " + w.mode().name().toLowerCase(java.util.Locale.ROOT)
                + (w.rules() == null ? "" : " " + w.rules()) + "; settle " + io.patchwatch.jobs.incident.AlertMessages.duration(w.settleMs())
                + (open != null ? "; OPEN until " + EventTimes.format(open.end()) : "");
    }

    private static int add(String[] argv, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, 2, Set.of("name", "tenant", "site", "group", "device", "start", "end", "every", "duration", "zone",
                "mode", "rules", "settle", "bootstrap", "config", "topic", "job"), Set.of(), Set.of("publish"));
        if (args.positional().size() != 1 || args.get("name") == null) {
            throw new Args.UsageException(USAGE);
        }
        Map<String, String> match = new LinkedHashMap<>();
        for (String k : List.of("tenant", "site", "group", "device")) {
            if (args.get(k) != null) {
                match.put(k, args.get(k));
            }
        }
        if (match.isEmpty()) {
            throw new Args.UsageException("maintenance add needs at least one of --tenant, --site, --group, --device: a window for every device is a mute switch");
        }
        List<String> ruleIds = args.get("rules") == null ? null : Arrays.stream(args.get("rules").split(",")).map(String::strip).toList();
        MaintenanceEdits.NewWindow w = new MaintenanceEdits.NewWindow(args.get("name"), match, args.get("start"), args.get("end"),
                args.get("every"), args.get("duration"), args.get("zone"), args.get("mode"), ruleIds, args.get("settle"));
        Path file = Path.of(args.positional().get(0));
        return edit(file, args, out, err, text -> MaintenanceEdits.add(text, w, file.toString()), "added maintenance window " + w.name());
    }

    private static int remove(String[] argv, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, 2, Set.of("bootstrap", "config", "topic", "job"), Set.of(), Set.of("publish"));
        if (args.positional().size() != 2) {
            throw new Args.UsageException(USAGE);
        }
        Path file = Path.of(args.positional().get(0));
        String name = args.positional().get(1);
        return edit(file, args, out, err, text -> MaintenanceEdits.remove(text, name, file.toString()), "removed maintenance window " + name);
    }

    private interface Edit {
        String apply(String text);
    }

    /** Edits the file (written whole, then moved over it), then publishes it if asked. */
    private static int edit(Path file, Args args, PrintStream out, PrintStream err, Edit edit, String done) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("patchwatch: cannot read " + file + ": " + e.getMessage());
            return 2;
        }
        String edited;
        try {
            edited = edit.apply(text);
        } catch (ConfigException e) {
            e.problems().forEach(p -> err.println("patchwatch: " + p));
            return 2;
        }
        try {
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".rules", ".yaml");
            Files.writeString(tmp, edited, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            err.println("patchwatch: cannot write " + file + ": " + e.getMessage());
            return 1;
        }
        out.println("patchwatch: " + done + " in " + file);
        if (!args.flag("publish")) {
            return 0;
        }
        try {
            RulesTopic topic = RulesLiveCommands.topic(args);
            RulesTopic.Published p = topic.publish(edited, file.toString(), System.currentTimeMillis(), false);
            out.println("patchwatch: published " + file + " as " + p.version());
            return 0;
        } catch (ConfigException e) {
            e.problems().forEach(problem -> err.println("patchwatch: " + problem));
            return 2;
        } catch (Exception e) {
            err.println("patchwatch: publish failed: " + ReplayCommand.rootMessage(e));
            return 1;
        }
    }
}
