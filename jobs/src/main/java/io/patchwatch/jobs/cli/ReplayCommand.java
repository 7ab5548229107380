package io.patchwatch.jobs.cli;

import io.patchwatch.jobs.LocalFlink;
import io.patchwatch.connectors.adapters.AdapterSettings;
import io.patchwatch.connectors.adapters.Adapters;
import io.patchwatch.connectors.adapters.EventAdapter;
import io.patchwatch.connectors.adapters.canonical.CanonicalJsonAdapter;
import io.patchwatch.connectors.json.AlertJson;
import io.patchwatch.connectors.text.SafeText;
import io.patchwatch.jobs.settings.JobSettings;
import io.patchwatch.connectors.config.ConfigException;
import io.patchwatch.connectors.config.Durations;
import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.jobs.live.RuleVersion;
import io.patchwatch.jobs.live.RuleVersions;
import io.patchwatch.jobs.live.RulesRecord;
import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.jobs.replay.ExternalSort;
import io.patchwatch.jobs.replay.RecordingException;
import io.patchwatch.jobs.replay.RecordingInputs;
import io.patchwatch.jobs.replay.RecordingSplit;
import io.patchwatch.jobs.noise.HeldIncident;
import io.patchwatch.jobs.replay.Replay;
import io.patchwatch.jobs.replay.ReplayProgress;
import java.util.UUID;
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

/**
 * {@code patchwatch replay}: recorded events through the job, streamed; alerts as JSON Lines in time
 * order as they become final, dead letters beside them, a progress line on a terminal.
 */
final class ReplayCommand {
    private ReplayCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, 1,
                Set.of("rules", "rule-versions", "inventory", "out", "dead-letters", "held-out", "out-of-orderness", "parallelism", "format", "tenant", "site",
                        "from", "to", "temp-dir"),
                Set.of("events", "feed"), Set.of("keep-order", "sort", "quiet"));
        // --feed NAME=PATH: an input like --events PATH, its feed named (FLEET.md feed silence).
        java.util.Map<String, String> named = new java.util.LinkedHashMap<>();
        List<String> inputNames = new java.util.ArrayList<>(args.list("events"));
        for (String f : args.list("feed")) {
            int eq = f.indexOf('=');
            if (eq <= 0 || eq == f.length() - 1) {
                throw new Args.UsageException("--feed takes NAME=PATH (" + f + ")");
            }
            named.put(f.substring(eq + 1), f.substring(0, eq));
            inputNames.add(f.substring(eq + 1));
        }
        if (inputNames.isEmpty()) {
            throw new Args.UsageException("replay needs --events FILE|DIR|-... (or --feed NAME=PATH)");
        }
        if (!args.positional().isEmpty()) {
            throw new Args.UsageException("unexpected argument '" + args.positional().get(0) + "'");
        }
        if (args.flag("sort") && args.flag("keep-order")) {
            throw new Args.UsageException("--sort and --keep-order exclude each other");
        }
        RuleVersions rules;
        Inventory inventory;
        JobSettings settings = JobSettings.replay(Long.MAX_VALUE);
        long from;
        long to;
        try {
            rules = ruleVersions(args.get("rules"), args.get("rule-versions"), err);
            inventory = args.get("inventory") == null ? Inventory.empty() : Inventory.load(Path.of(args.get("inventory")));
            if (args.get("out-of-orderness") != null) {
                settings = settings.withOutOfOrderness(Durations.parse(args.get("out-of-orderness")));
            }
            from = args.get("from") == null ? Long.MIN_VALUE : time("--from", args.get("from"));
            to = args.get("to") == null ? Long.MAX_VALUE : time("--to", args.get("to"));
        } catch (ConfigException | IllegalArgumentException e) {
            err.println("patchwatch: " + e.getMessage());
            return 2;
        }
        String format = args.get("format", CanonicalJsonAdapter.NAME);
        EventAdapter adapter = adapter(args, format);
        Path outFile = args.get("out") == null ? null : Path.of(args.get("out"));
        Path deadFile = args.get("dead-letters") != null ? Path.of(args.get("dead-letters")) : deadLetterFileFor(outFile);
        boolean progressLine = !args.flag("quiet") && System.console() != null;
        long started = System.currentTimeMillis();

        Path sortDir = null;
        String progressId = UUID.randomUUID().toString();
        ReplayProgress progress = ReplayProgress.register(progressId);
        Outputs outputs = new Outputs(out, outFile, deadFile);
        Thread ticker = null;
        try {
            List<RecordingSplit> inputs = RecordingInputs.expand(inputNames, format);
            if (args.flag("sort")) {
                sortDir = args.get("temp-dir") != null ? Files.createDirectories(Path.of(args.get("temp-dir")))
                        .resolve("patchwatch-sort-" + progressId) : Files.createTempDirectory("patchwatch-sort-");
                Files.createDirectories(sortDir);
                ExternalSort.Runs runs = ExternalSort.sort(inputs, adapter, format, settings.maxRecordBytes(), sortDir,
                        ExternalSort.DEFAULT_CHUNK_BYTES);
                err.printf("sorted %d records into %d runs: %.1f MB on disk in %s (removed at the end)%n", runs.records(),
                        runs.splits().size(), runs.bytesOnDisk() / 1e6, sortDir);
                inputs = runs.splits();
            }
            if (progressLine) {
                ticker = new Thread(() -> {
                    try {
                        while (!Thread.currentThread().isInterrupted()) {
                            Thread.sleep(500);
                            progress.print(err, started);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "replay-progress");
                ticker.setDaemon(true);
                ticker.start();
            }
            Replay.Result result = Replay.run(LocalFlink.environment(args.intValue("parallelism", 2)),
                    new Replay.Recording(inputs, args.flag("keep-order"), from, to, progressId,
                            io.patchwatch.jobs.replay.Feeds.of(inputNames, named)),
                    adapter, settings, rules, inventory, outputs);
            stop(ticker, progressLine, err);
            outputs.close();
            if (args.get("held-out") != null) {
                writeHeld(Path.of(args.get("held-out")), result.held());
            }
            long firing = result.alerts().stream().filter(a -> a.getStatus() == AlertStatus.firing).count();
            Replay.Counts c = result.counts();
            err.printf("replayed %d records: %d accepted, %d skipped (nothing patchwatch uses), %d dead letters%s%s%n",
                    c.records(), c.accepted(), c.skipped(), c.deadLetters(),
                    c.deadLetters() == 0 ? "" : " written to " + deadFile,
                    c.afterRange() > 0 ? "; stopped at --to" : "");
            err.printf("%d alerts (%d firing, %d resolved)%s; %d events in %.1f s%n", result.alerts().size(), firing,
                    result.alerts().size() - firing, from == Long.MIN_VALUE ? "" : " from " + EventTimes.format(from),
                    c.events(), (System.currentTimeMillis() - started) / 1000.0);
            long held = result.held().stream().filter(h -> h.step == HeldIncident.Step.held).count();
            if (held > 0) {
                long paged = result.held().stream().filter(h -> h.step == HeldIncident.Step.paged).count();
                long closed = result.held().stream().filter(h -> h.step == HeldIncident.Step.closed).count();
                err.printf("%d incidents held: %d paged later, %d closed, %d still held at the end%s%n", held, paged, closed,
                        held - paged - closed, args.get("held-out") == null ? " (--held-out FILE lists them)" : "; written to " + args.get("held-out"));
            }
            for (DeadLetter d : result.deadLetters().stream().limit(5).toList()) {
                // Origins and details are bounded and neutralised where the dead letter is made; the
                // terminal gets them through SafeText once more all the same.
                err.println("  dead letter " + SafeText.forDisplay(d.getOrigin(), 512) + ": " + d.getReason() + ": "
                        + SafeText.forDisplay(d.getDetail(), 400));
            }
            return 0;
        } catch (RecordingException e) {
            stop(ticker, progressLine, err);
            outputs.closeQuietly();
            err.println("patchwatch: " + SafeText.forDisplay(e.getMessage(), 600));
            return 2;
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            stop(ticker, progressLine, err);
            outputs.closeQuietly();
            RecordingException input = recordingCause(e);
            if (input != null) {
                // The alerts up to here are in --out already.
                err.println("patchwatch: " + SafeText.forDisplay(input.getMessage(), 600));
                return 2;
            }
            if (e instanceof IOException io) {
                err.println("patchwatch: cannot write output: " + SafeText.forDisplay(io.getMessage(), 400));
                return 1;
            }
            err.println("patchwatch: replay failed: " + SafeText.forDisplay(rootMessage(e), 400));
            return 1;
        } finally {
            ReplayProgress.unregister(progressId);
            if (sortDir != null) {
                deleteTree(sortDir);
            }
        }
    }

    /** The adapter of --format, with --tenant and --site for formats whose records lack them. */
    static EventAdapter adapter(Args args, String format) {
        try {
            return Adapters.create(format, AdapterSettings.defaults().withTenant(args.get("tenant", "default"), args.get("site")));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
    }

    private static long time(String option, String value) {
        try {
            return EventTimes.parseIso(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(option + " must be a time like 2026-11-10T02:00:00Z, not '" + value + "'");
        }
    }

    private static void stop(Thread ticker, boolean progressLine, PrintStream err) {
        if (ticker != null) {
            ticker.interrupt();
            try {
                ticker.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (progressLine) {
            err.print("\r\u001b[K");
            err.flush();
        }
    }

    private static RecordingException recordingCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RecordingException r) {
                return r;
            }
        }
        return null;
    }

    private static void deleteTree(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: the system cleans it eventually
        }
    }

    /** Alerts to --out (or stdout) and dead letters to their file, written as the replay runs. */
    private static final class Outputs implements Replay.Listener {
        private final PrintStream stdout;
        private final Path outFile;
        private final Path deadFile;
        private BufferedWriter alerts;
        private BufferedWriter dead;

        Outputs(PrintStream stdout, Path outFile, Path deadFile) {
            this.stdout = stdout;
            this.outFile = outFile;
            this.deadFile = deadFile;
        }

        @Override
        public void alert(Alert a) throws IOException {
            String line = AlertJson.toJson(a);
            if (outFile == null) {
                stdout.println(line);
                return;
            }
            if (alerts == null) {
                alerts = open(outFile);
            }
            alerts.write(line);
            alerts.write('\n');
            // An alert is final when it is written: a replay that fails later keeps it.
            alerts.flush();
        }

        @Override
        public void deadLetter(DeadLetter d) throws IOException {
            if (dead == null) {
                dead = open(deadFile);
            }
            dead.write(AlertJson.toJson(d));
            dead.write('\n');
        }

        private static BufferedWriter open(Path file) throws IOException {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            return Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        }

        void close() throws IOException {
            if (outFile != null && alerts == null) {
                alerts = open(outFile); // an empty --out says "no alerts"
            }
            if (alerts != null) {
                alerts.close();
            }
            if (dead != null) {
                dead.close();
            }
            stdout.flush();
        }

        void closeQuietly() {
            try {
                close();
            } catch (IOException e) {
                // the error that stopped the replay is the one to report
            }
        }
    }

    /**
     * {@code --held-out}: every held incident's steps in time order, as JSON Lines: held (by what),
     * then paged or closed (with the reason); one with no end was still held when the clock stopped.
     */
    static void writeHeld(Path file, List<HeldIncident> held) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (HeldIncident h : held) {
                java.util.Map<String, Object> fields = new java.util.LinkedHashMap<>();
                fields.put("step", h.step.name());
                fields.put("ts", h.ts);
                fields.put("dedup_key", h.dedupKey);
                fields.put("rule", h.rule);
                fields.put("tenant", h.tenant);
                fields.put("site", h.site);
                fields.put("device", h.device);
                fields.put("service", h.service);
                fields.put("fired_at", h.firedAt);
                fields.put("held_by", h.heldBy);
                fields.put("parent", h.parent);
                if (h.reason != null) {
                    fields.put("reason", h.reason);
                }
                w.write(AlertJson.toJson(fields));
                w.write('\n');
            }
        }
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

    /**
     * The rules file, or a rules topic's record ({@code patchwatch rules history}): the versions a
     * live job had, each in force from its effective_from; the file's structure (or the newest
     * version's) is what the replay compiles.
     */
    static RuleVersions ruleVersions(String rulesFile, String recordFile, PrintStream err) {
        if (recordFile == null) {
            return new RuleVersions(rulesFile == null ? RuleSet.defaults() : RuleSet.load(Path.of(rulesFile)));
        }
        String record;
        try {
            record = Files.readString(Path.of(recordFile), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new ConfigException(recordFile + ": cannot read: " + e.getMessage(), e);
        }
        List<RuleVersion> versions = RulesRecord.decode(record);
        RuleSet compiled = rulesFile != null ? RuleSet.load(Path.of(rulesFile)) : versions.get(versions.size() - 1).rules();
        RuleVersions out = new RuleVersions(compiled);
        for (RuleVersion v : versions) {
            RuleVersions.Offer o = out.offer(v);
            if (o.outcome() == RuleVersions.Outcome.REFUSED) {
                err.println("patchwatch: " + recordFile + ": " + v + " left out: " + o.reason());
            }
        }
        return out;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
