package io.patchwatch.jobs.cli;

import io.patchwatch.jobs.config.ConfigException;
import io.patchwatch.jobs.config.RuleIds;
import io.patchwatch.jobs.config.RuleProfile;
import io.patchwatch.jobs.config.RuleSet;
import io.patchwatch.jobs.config.Durations;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/** {@code patchwatch rules validate FILE}. */
final class RulesCommand {
    private RulesCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length != 2 || !argv[0].equals("validate")) {
            throw new Args.UsageException("usage: patchwatch rules validate FILE");
        }
        try {
            RuleSet rules = RuleSet.load(Path.of(argv[1]));
            RuleProfile d = rules.defaultProfile();
            out.println(argv[1] + ": OK");
            out.println("  silence_after " + Durations.format(Duration.ofMillis(d.silenceAfterMs()))
                    + ", session_window " + Durations.format(Duration.ofMillis(d.sessionWindowMs())));
            for (String id : RuleIds.ALL) {
                var r = d.rule(id);
                out.println("  " + id + ": " + (r.enabled() ? "enabled" : "disabled") + ", " + r.severity()
                        + (r.windowMs() > 0 ? ", window " + Durations.format(Duration.ofMillis(r.windowMs())) : ""));
            }
            return 0;
        } catch (ConfigException e) {
            err.println("patchwatch: " + e.getMessage());
            return 2;
        }
    }
}
