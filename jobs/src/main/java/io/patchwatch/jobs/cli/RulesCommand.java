package io.patchwatch.jobs.cli;

import io.patchwatch.connectors.config.ConfigException;
import io.patchwatch.connectors.config.Durations;
import io.patchwatch.jobs.rules.RuleCompiler;
import io.patchwatch.jobs.rules.RuleDefinition;
import io.patchwatch.jobs.rules.RuleProfile;
import io.patchwatch.jobs.rules.RuleSet;
import java.io.PrintStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import java.nio.file.Path;
import java.time.Duration;

/** {@code patchwatch rules ...}: check, test, compare and publish rules files (RULES.md). */
@Command(name = "rules", description = "Rules files (RULES.md): check, test, compare, publish to a running job.",
        subcommands = {RulesCommand.Validate.class, RulesTestCommand.class, RulesCommand.Diff.class, RulesLiveCommands.Publish.class,
                RulesLiveCommands.History.class, RulesLiveCommands.Apply.class})
final class RulesCommand extends GroupCommand {

    @Command(name = "validate", description = "Check a rules file; every error, each with its line and column.")
    static final class Validate extends CliCommand {
        @Parameters(paramLabel = "FILE", description = "The rules file.")
        String file;

        @Override
        public Integer call() {
            return validate(file, out, err);
        }
    }

    @Command(name = "diff", description = "What changing OLD into NEW does: live (parameters, severities, messages, enabled) "
            + "or a restart from a savepoint (steps, kinds, rules added or removed), and which rules.")
    static final class Diff extends CliCommand {
        @Parameters(index = "0", paramLabel = "OLD", description = "The rules file in force.")
        String oldFile;

        @Parameters(index = "1", paramLabel = "NEW", description = "The changed rules file.")
        String newFile;

        @Override
        public Integer call() {
            return diff(oldFile, newFile, out, err);
        }
    }

    static int validate(String file, PrintStream out, PrintStream err) {
        try {
            RuleSet rules = RuleSet.load(Path.of(file));
            RuleProfile d = rules.defaultProfile();
            out.println(file + ": OK, " + rules.rules().size() + " rules");
            out.println("  silence_after " + format(d.silenceAfterMs()) + ", session_window " + format(d.sessionWindowMs()));
            for (RuleDefinition r : rules.rules()) {
                var p = d.rule(r.id());
                out.println("  " + r.id() + ": " + (p.enabled() ? "enabled" : "disabled") + ", " + p.severity());
                // What Flink CEP runs, one operator per pattern (uid rule-<id>[-N]).
                for (var pattern : RuleCompiler.patternsOf(r, rules, io.patchwatch.jobs.inventory.Inventory.empty())) {
                    out.println("    cep: " + RuleCompiler.describe(pattern));
                }
            }
            var noise = rules.noise();
            out.println("  noise: group_wait " + format(noise.groupWaitMs()) + ", settle " + format(noise.settleMs())
                    + ", feed_silence_after " + format(noise.feedSilenceAfterMs()) + ", site_outage " + noise.siteOutage().minDevices()
                    + " devices / " + noise.siteOutage().percent() + " % within " + format(noise.siteOutage().withinMs())
                    + ", flapping " + noise.flapping().count() + " within " + format(noise.flapping().withinMs())
                    + " (quiet " + format(noise.flapping().quietMs()) + ")");
            noise.inhibits().forEach((parent, children) -> out.println("    " + parent + " holds " + String.join(", ", children)));
            for (var w : rules.maintenance()) {
                out.println("  maintenance " + MaintenanceCommand.describe(w, System.currentTimeMillis()));
            }
            return 0;
        } catch (ConfigException e) {
            for (String problem : e.problems()) {
                err.println("patchwatch: " + problem);
            }
            if (e.problems().size() > 1) {
                err.println("patchwatch: " + e.problems().size() + " errors");
            }
            return 2;
        }
    }

    /** What changing OLD into NEW does: live, or a savepoint and which rules. Exit 0 none, 1 some, 2 bad file. */
    private static int diff(String oldFile, String newFile, PrintStream out, PrintStream err) {
        RuleSet before;
        RuleSet after;
        try {
            before = RuleSet.load(Path.of(oldFile));
            after = RuleSet.load(Path.of(newFile));
        } catch (ConfigException e) {
            e.problems().forEach(p -> err.println("patchwatch: " + p));
            return 2;
        }
        var changes = io.patchwatch.jobs.rules.RuleSetDiff.of(before, after);
        changes.forEach(c -> out.println(c));
        var structural = io.patchwatch.jobs.rules.RuleSetDiff.structural(changes);
        if (changes.isEmpty()) {
            out.println("no change");
            return 0;
        }
        out.println(structural.isEmpty() ? "=> applies while the job runs"
                : "=> needs a restart from a savepoint for: " + String.join(", ", structural)
                        + " (the other rules keep their state)");
        return 1;
    }

    private static String format(long ms) {
        return Durations.format(Duration.ofMillis(ms));
    }
}
