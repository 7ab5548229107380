package io.patchwatch.jobs.cli;

import io.patchwatch.jobs.LocalFlink;
import io.patchwatch.connectors.adapters.AdapterSettings;
import io.patchwatch.connectors.adapters.Adapters;
import io.patchwatch.connectors.adapters.EventAdapter;
import io.patchwatch.connectors.adapters.canonical.CanonicalJsonAdapter;
import io.patchwatch.connectors.json.AlertJson;
import io.patchwatch.connectors.text.SafeText;
import io.patchwatch.jobs.JobSettings;
import io.patchwatch.jobs.config.ConfigException;
import io.patchwatch.jobs.config.Durations;
import io.patchwatch.jobs.config.Inventory;
import io.patchwatch.jobs.config.RuleSet;
import io.patchwatch.connectors.adapters.RawRecord;
import io.patchwatch.jobs.replay.Replay;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertStatus;
import io.patchwatch.schemas.DeadLetter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** {@code patchwatch replay}: recorded events through the job, alerts as JSON Lines sorted by time. */
final class ReplayCommand {
    private ReplayCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, 1,
                Set.of("rules", "inventory", "out", "dead-letters", "out-of-orderness", "parallelism", "format", "tenant", "site"),
                Set.of("events"), Set.of("keep-order"));
        if (args.list("events").isEmpty()) {
            throw new Args.UsageException("replay needs --events FILE...");
        }
        if (!args.positional().isEmpty()) {
            throw new Args.UsageException("unexpected argument '" + args.positional().get(0) + "'");
        }
        RuleSet rules;
        Inventory inventory;
        JobSettings settings = JobSettings.replay(Long.MAX_VALUE);
        try {
            rules = args.get("rules") == null ? RuleSet.defaults() : RuleSet.load(Path.of(args.get("rules")));
            inventory = args.get("inventory") == null ? Inventory.empty() : Inventory.load(Path.of(args.get("inventory")));
            if (args.get("out-of-orderness") != null) {
                settings = settings.withOutOfOrderness(Durations.parse(args.get("out-of-orderness")));
            }
        } catch (ConfigException | IllegalArgumentException e) {
            err.println("patchwatch: " + e.getMessage());
            return 2;
        }
        String format = args.get("format", CanonicalJsonAdapter.NAME);
        EventAdapter adapter;
        try {
            adapter = Adapters.create(format, AdapterSettings.defaults().withTenant(args.get("tenant", "default"), args.get("site")));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        List<RawRecord> records;
        try {
            records = Replay.readRecords(args.list("events").stream().map(Path::of).toList(), format);
        } catch (Replay.InputException e) {
            err.println("patchwatch: " + e.getMessage());
            return 2;
        }
        Path outFile = args.get("out") == null ? null : Path.of(args.get("out"));
        Path deadFile = args.get("dead-letters") != null ? Path.of(args.get("dead-letters")) : deadLetterFileFor(outFile);

        Replay.Result result;
        try {
            result = Replay.run(LocalFlink.environment(args.intValue("parallelism", 2)), records, args.flag("keep-order"),
                    adapter, settings, rules, inventory, null);
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            err.println("patchwatch: replay failed: " + SafeText.forDisplay(rootMessage(e), 400));
            return 1;
        }
        try {
            if (outFile == null) {
                for (Alert a : result.alerts()) {
                    out.println(AlertJson.toJson(a));
                }
                out.flush();
            } else {
                writeLines(outFile, result.alerts().stream().map(AlertJson::toJson).toList());
            }
            if (!result.deadLetters().isEmpty()) {
                writeLines(deadFile, result.deadLetters().stream().map(d -> AlertJson.toJson(d)).toList());
            }
        } catch (IOException e) {
            err.println("patchwatch: cannot write output: " + e.getMessage());
            return 1;
        }
        long firing = result.alerts().stream().filter(a -> a.getStatus() == AlertStatus.firing).count();
        Replay.Counts c = result.counts();
        err.printf("replayed %d records: %d accepted, %d skipped (nothing patchwatch uses), %d dead letters%s%n",
                c.records(), c.accepted(), c.skipped(), result.deadLetters().size(),
                result.deadLetters().isEmpty() ? "" : " written to " + deadFile);
        err.printf("%d alerts (%d firing, %d resolved)%n", result.alerts().size(), firing, result.alerts().size() - firing);
        for (DeadLetter d : result.deadLetters().stream().limit(5).toList()) {
            // Origins and details are bounded and neutralised where the dead letter is made; the
            // terminal gets them through SafeText once more all the same.
            err.println("  dead letter " + SafeText.forDisplay(d.getOrigin(), 512) + ": " + d.getReason() + ": "
                    + SafeText.forDisplay(d.getDetail(), 400));
        }
        return 0;
    }

    /** Beside --out: alerts.jsonl gives alerts.dead-letters.jsonl. */
    static Path deadLetterFileFor(Path out) {
        if (out == null) {
            return Path.of("dead-letters.jsonl");
        }
        String name = out.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return out.resolveSibling(stem + ".dead-letters.jsonl");
    }

    private static void writeLines(Path file, List<String> lines) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (String line : lines) {
                w.write(line);
                w.write('\n');
            }
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
