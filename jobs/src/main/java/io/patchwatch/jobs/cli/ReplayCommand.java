package io.patchwatch.jobs.cli;

import io.patchwatch.jobs.LocalFlink;
import io.patchwatch.connectors.adapters.AdapterSettings;
import io.patchwatch.connectors.adapters.Adapters;
import io.patchwatch.connectors.adapters.EventAdapter;
import io.patchwatch.connectors.adapters.canonical.CanonicalJsonAdapter;
import io.patchwatch.connectors.json.AlertJson;
import io.patchwatch.connectors.json.StatusJson;
import io.patchwatch.schemas.DeviceStatus;
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
import io.patchwatch.jobs.status.StatusChange;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code patchwatch replay}: recorded events through the job, streamed; alerts as JSON Lines in time
 * order as they become final, dead letters beside them, a progress line on a terminal.
 */
@Command(name = "replay", description = "The job over recorded events (canonical JSON Lines, or --format), in event time; alerts as JSON Lines.")
final class ReplayCommand extends CliCommand {
    @Option(names = "--events", arity = "1..*", paramLabel = "FILE|DIR|-", description = "Recordings (files, directories, - for stdin).")
    List<String> events = new java.util.ArrayList<>();

    @Option(names = "--feed", arity = "1..*", paramLabel = "NAME=PATH", description = "A recording of one named feed (feed silence: FLEET.md).")
    List<String> feeds = new java.util.ArrayList<>();

    @Mixin
    RecordingFormat recording;

    @Option(names = "--rules", paramLabel = "FILE", description = "The rules file (default: the built-in rules).")
    String rulesFile;

    @Option(names = "--rule-versions", paramLabel = "FILE", description = "The rules versions of a live job (patchwatch rules history --out FILE).")
    String ruleVersionsFile;

    @Option(names = "--inventory", paramLabel = "FILE", description = "The device inventory (CSV).")
    Path inventoryFile;

    @Option(names = "--out", paramLabel = "FILE", description = "Alerts to this file (default: stdout).")
    Path outFile;

    @Option(names = "--dead-letters", paramLabel = "FILE", description = "Dead letters to this file (default: beside --out, or stderr).")
    Path deadLettersFile;

    @Option(names = "--held-out", paramLabel = "FILE", description = "The incidents held without a page (FLEET.md).")
    Path heldOut;

    @Option(names = "--status-out", paramLabel = "FILE",
            description = "The final status of every device (FLEET.md, Patch status), as JSON Lines.")
    Path statusOut;

    @Option(names = "--out-of-orderness", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How late an event may arrive and still be decided in order (default: 5s).")
    java.time.Duration outOfOrderness;

    @Option(names = "--from", paramLabel = "TIME", description = "Replay from this time (ISO-8601).")
    String fromTime;

    @Option(names = "--to", paramLabel = "TIME", description = "Replay up to this time (ISO-8601).")
    String toTime;

    @Option(names = "--keep-order", description = "The recordings are in time order: no reordering window.")
    boolean keepOrder;

    @Option(names = "--sort", description = "Sort the recordings on disk first (any order, any size).")
    boolean sort;

    @Option(names = "--temp-dir", paramLabel = "DIR", description = "Where --sort writes its runs (default: the system's temp dir).")
    Path tempDir;

    @Option(names = "--parallelism", defaultValue = "2", paramLabel = "N", description = "Flink's parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--quiet", description = "No progress line.")
    boolean quiet;

    @Override
    public Integer call() {
        // --feed NAME=PATH: an input like --events PATH, its feed named (FLEET.md feed silence).
        java.util.Map<String, String> named = new java.util.LinkedHashMap<>();
        List<String> inputNames = new java.util.ArrayList<>(events);
        for (String f : feeds) {
            int eq = f.indexOf('=');
            if (eq <= 0 || eq == f.length() - 1) {
                throw usage("--feed takes NAME=PATH (" + f + ")");
            }
            named.put(f.substring(eq + 1), f.substring(0, eq));
            inputNames.add(f.substring(eq + 1));
        }
        if (inputNames.isEmpty()) {
            throw usage("replay needs --events FILE|DIR|-... (or --feed NAME=PATH)");
        }
        if (sort && keepOrder) {
            throw usage("--sort and --keep-order exclude each other");
        }
        RuleVersions rules;
        Inventory inventory;
        JobSettings settings = JobSettings.replay(Long.MAX_VALUE);
        long from;
        long to;
        try {
            rules = ruleVersions(rulesFile, ruleVersionsFile, err);
            inventory = inventoryFile == null ? Inventory.empty() : Inventory.load(inventoryFile);
            if (outOfOrderness != null) {
                settings = settings.withOutOfOrderness(outOfOrderness);
            }
            from = fromTime == null ? Long.MIN_VALUE : time("--from", fromTime);
            to = toTime == null ? Long.MAX_VALUE : time("--to", toTime);
        } catch (ConfigException | IllegalArgumentException e) {
            err.println("patchwatch: " + e.getMessage());
            return 2;
        }
        String format = recording.format;
        EventAdapter adapter = recording.adapter();
        Path deadFile = deadLettersFile != null ? deadLettersFile : deadLetterFileFor(outFile);
        boolean progressLine = !quiet && System.console() != null;
        long started = System.currentTimeMillis();

        Path sortDir = null;
        String progressId = UUID.randomUUID().toString();
        ReplayProgress progress = ReplayProgress.register(progressId);
        Outputs outputs = new Outputs(out, outFile, deadFile, statusOut);
        Thread ticker = null;
        try {
            List<RecordingSplit> inputs = RecordingInputs.expand(inputNames, format);
            if (sort) {
                sortDir = tempDir != null ? Files.createDirectories(tempDir)
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
            Replay.Result result = Replay.run(LocalFlink.environment(parallelism),
                    new Replay.Recording(inputs, keepOrder, from, to, progressId,
                            io.patchwatch.jobs.replay.Feeds.of(inputNames, named)),
                    adapter, settings, rules, inventory, outputs);
            stop(ticker, progressLine, err);
            outputs.close();
            if (heldOut != null) {
                writeHeld(heldOut, result.held());
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
                        held - paged - closed, heldOut == null ? " (--held-out FILE lists them)" : "; written to " + heldOut);
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
        private final Path statusFile;
        private BufferedWriter alerts;
        private BufferedWriter dead;
        /** Each device's newest status (--status-out), by tenant/device. */
        private final java.util.TreeMap<String, DeviceStatus> statuses = new java.util.TreeMap<>();

        Outputs(PrintStream stdout, Path outFile, Path deadFile, Path statusFile) {
            this.stdout = stdout;
            this.outFile = outFile;
            this.deadFile = deadFile;
            this.statusFile = statusFile;
        }

        @Override
        public boolean wantsStatus() {
            return statusFile != null;
        }

        @Override
        public void status(StatusChange c) {
            if (c.forgotten()) {
                statuses.remove(c.key); // expired within the night, as the status topic's tombstone
                return;
            }
            statuses.merge(c.key, c.status, (old, next) -> next.getTs() >= old.getTs() ? next : old);
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
            if (statusFile != null) {
                try (BufferedWriter w = open(statusFile)) {
                    for (DeviceStatus s : statuses.values()) {
                        w.write(StatusJson.toJson(s));
                        w.write('\n');
                    }
                }
            }
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
