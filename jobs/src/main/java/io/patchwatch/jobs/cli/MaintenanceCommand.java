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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code patchwatch maintenance add|list|remove RULES}: the maintenance windows of a rules file
 * (FLEET.md), edited in place (the rest of the file, comments included, stays as it is) and, with
 * {@code --publish}, published to the running job's rules topic like {@code rules publish}.
 */
@Command(name = "maintenance", description = "The maintenance windows of a rules file (FLEET.md), edited in place.",
        subcommands = {MaintenanceCommand.ListWindows.class, MaintenanceCommand.Add.class, MaintenanceCommand.Remove.class})
final class MaintenanceCommand extends GroupCommand {

    /** --publish, and where to (the options of rules publish). */
    static final class Publishing extends RulesLiveCommands.TopicOptions {
        @Option(names = "--publish", description = "Publish the edited file to the running job's rules topic.")
        boolean publish;
    }

    @Command(name = "list", description = "The maintenance windows of a rules file; OPEN for those open now.")
    static final class ListWindows extends CliCommand {
        @Parameters(paramLabel = "RULES", description = "The rules file.")
        Path file;

        @Override
        public Integer call() {
            try {
                RuleSet rules = RuleSet.load(file);
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
    }

    @Command(name = "add", description = "Add a maintenance window: once (--start, --end) or recurring (--every, --duration, --zone).")
    static final class Add extends CliCommand {
        @Parameters(paramLabel = "RULES", description = "The rules file.")
        Path file;

        @Option(names = "--name", required = true, description = "The window's name.")
        String name;

        @Option(names = "--tenant", description = "Devices of this tenant.")
        String tenant;

        @Option(names = "--site", description = "Devices of this site.")
        String site;

        @Option(names = "--group", description = "Devices of this inventory group.")
        String group;

        @Option(names = "--device", description = "This device.")
        String device;

        @Option(names = "--start", paramLabel = "TIME", description = "A one-off window's start (ISO-8601).")
        String start;

        @Option(names = "--end", paramLabel = "TIME", description = "A one-off window's end (ISO-8601).")
        String end;

        @Option(names = "--every", paramLabel = "\"WED 01:00\"", description = "A recurring window's days and start.")
        String every;

        @Option(names = "--duration", paramLabel = "DURATION", description = "A recurring window's length (4h).")
        String duration;

        @Option(names = "--zone", paramLabel = "ZONE", description = "A recurring window's time zone (Europe/Berlin).")
        String zone;

        @Option(names = "--mode", paramLabel = "expected|mute", description = "expected (default): detected, not paged; mute: not even detected.")
        String mode;

        @Option(names = "--rules", split = ",", paramLabel = "ID", description = "Only these rules (comma-separated).")
        List<String> rules;

        @Option(names = "--settle", paramLabel = "DURATION", description = "How long after the window its held incidents wait.")
        String settle;

        @Mixin
        Publishing publishing;

        @Override
        public Integer call() {
            Map<String, String> match = new LinkedHashMap<>();
            if (tenant != null) {
                match.put("tenant", tenant);
            }
            if (site != null) {
                match.put("site", site);
            }
            if (group != null) {
                match.put("group", group);
            }
            if (device != null) {
                match.put("device", device);
            }
            if (match.isEmpty()) {
                throw usage("maintenance add needs at least one of --tenant, --site, --group, --device: a window for every device is a mute switch");
            }
            List<String> ruleIds = rules == null ? null : rules.stream().map(String::strip).toList();
            MaintenanceEdits.NewWindow w = new MaintenanceEdits.NewWindow(name, match, start, end, every, duration, zone, mode, ruleIds,
                    settle);
            return edit(file, publishing, out, err, text -> MaintenanceEdits.add(text, w, file.toString()),
                    "added maintenance window " + w.name());
        }
    }

    @Command(name = "remove", description = "Remove a maintenance window by name.")
    static final class Remove extends CliCommand {
        @Parameters(index = "0", paramLabel = "RULES", description = "The rules file.")
        Path file;

        @Parameters(index = "1", paramLabel = "NAME", description = "The window's name.")
        String name;

        @Mixin
        Publishing publishing;

        @Override
        public Integer call() {
            return edit(file, publishing, out, err, text -> MaintenanceEdits.remove(text, name, file.toString()),
                    "removed maintenance window " + name);
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

    private interface Edit {
        String apply(String text);
    }

    /** Edits the file (written whole, then moved over it), then publishes it if asked. */
    private static int edit(Path file, Publishing args, PrintStream out, PrintStream err, Edit edit, String done) {
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
        if (!args.publish) {
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
