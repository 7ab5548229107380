package io.patchwatch.jobs.cli;

import io.patchwatch.connectors.config.ConfigException;
import io.patchwatch.connectors.config.Durations;
import io.patchwatch.jobs.rules.RuleCompiler;
import io.patchwatch.jobs.rules.RuleDefinition;
import io.patchwatch.jobs.rules.RuleProfile;
import io.patchwatch.jobs.rules.RuleSet;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/** {@code patchwatch rules validate FILE} and {@code patchwatch rules test FILE --events ...}. */
final class RulesCommand {
    static final String USAGE = """
            usage: patchwatch rules validate FILE
                   patchwatch rules diff OLD NEW
                   patchwatch rules publish RULES (--bootstrap HOST:PORT | --config job.yaml) [--effective-from TIME] [--topic T] [--job NAME]
                   patchwatch rules apply RULES --cluster URL --job ID --config job.yaml --savepoint DIR [--jar FILE]
                   patchwatch rules history (--bootstrap HOST:PORT | --config job.yaml) [--out FILE]
                   patchwatch rules test RULES --events FILE... [--format F] [--baseline OLD_RULES] [--inventory FILE]""";

    private RulesCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length >= 1 && argv[0].equals("test")) {
            try {
                return RulesTestCommand.run(java.util.Arrays.copyOfRange(argv, 1, argv.length), out, err);
            } catch (Args.UsageException e) {
                throw e;
            } catch (Exception e) {
                err.println("patchwatch: rules test failed: " + ReplayCommand.rootMessage(e));
                return 1;
            }
        }
        if (argv.length >= 1 && argv[0].equals("publish")) {
            return RulesLiveCommands.publish(argv, out, err);
        }
        if (argv.length >= 1 && argv[0].equals("history")) {
            return RulesLiveCommands.history(argv, out, err);
        }
        if (argv.length >= 1 && argv[0].equals("apply")) {
            return RulesLiveCommands.apply(argv, out, err);
        }
        if (argv.length == 3 && argv[0].equals("diff")) {
            return diff(argv[1], argv[2], out, err);
        }
        if (argv.length != 2 || !argv[0].equals("validate")) {
            throw new Args.UsageException(USAGE);
        }
        try {
            RuleSet rules = RuleSet.load(Path.of(argv[1]));
            RuleProfile d = rules.defaultProfile();
            out.println(argv[1] + ": OK, " + rules.rules().size() + " rules");
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
