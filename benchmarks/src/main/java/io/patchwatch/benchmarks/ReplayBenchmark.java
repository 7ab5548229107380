package io.patchwatch.benchmarks;

import io.patchwatch.connectors.adapters.AdapterOutput;
import io.patchwatch.connectors.adapters.AdapterSettings;
import io.patchwatch.connectors.adapters.Adapters;
import io.patchwatch.connectors.adapters.DeadLetterReason;
import io.patchwatch.connectors.adapters.EventAdapter;
import io.patchwatch.connectors.adapters.RawRecord;
import io.patchwatch.connectors.adapters.ValidatedAdapter;
import io.patchwatch.connectors.adapters.canonical.CanonicalJsonAdapter;
import io.patchwatch.connectors.json.AlertJson;
import io.patchwatch.jobs.settings.JobSettings;
import io.patchwatch.jobs.LocalFlink;
import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.jobs.demo.FleetEvents;
import io.patchwatch.jobs.demo.FleetPlan;
import io.patchwatch.jobs.demo.FleetSource;
import io.patchwatch.benchmarks.fleet.PatchTuesday;
import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.jobs.replay.RecordingSplit;
import io.patchwatch.jobs.replay.Replay;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.DeviceEvent;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code patchwatch bench replay [EVENTS] [--runs N] [--memory EVENTS]}: replay of a recording against
 * the floor of merely parsing it, in one run.
 *
 * <ul>
 *   <li>The recording: the demo's fleet night (5 event-hours, heartbeats every minute, patches,
 *       reboots, services and the injected faults) written out as canonical JSON lines, sized to at
 *       least EVENTS (default 2,000,000); kept in {@code target/bench-replay/} between runs.
 *   <li>floor: the file read line by line and parsed with the canonical JSON adapter (with the shared
 *       validation, as the job parses), one thread.
 *   <li>replay: {@code Replay.run} on the embedded cluster at parallelism 2, the whole job; its
 *       start-up (a replay of a three-line file) is measured apart and taken off. One parse and one
 *       replay of the file first warm the JIT up; they are not reported.
 *   <li>alerts: the replay's alerts against the same night run through the job from the demo's
 *       generator source (a different input path, the clock stopped at the night's end).
 *   <li>{@code --memory EVENTS}: {@code bin/patchwatch replay} of a recording of that size as a child
 *       process with the default heap ({@code -Xmx1g}), its peak resident memory from {@code /proc}.
 *   <li>{@code --feeds}: the mix RMM feeds send ({@link PatchTuesday.Profile#FEEDS}: 1,000 devices,
 *       36 event-hours, 84.5 % heartbeats, 10.5 % service-state inventories, 5 % pings, a patch night
 *       in it), 2.16 M canonical JSON lines; {@code bin/patchwatch replay} of it as a user runs it
 *       (a child process, the default heap), its start-up (a replay of three lines) taken off,
 *       beside two one-thread floors of the same file: a plain Jackson tree per line, and the
 *       validated canonical adapter. Its alerts against the scenario's ground truth.
 * </ul>
 */
public final class ReplayBenchmark {
    private static final Path DIR = Path.of("target", "bench-replay");

    public static void main(String[] args) throws Exception {
        long events = 2_000_000;
        int runs = 3;
        long memoryEvents = 0;
        boolean feeds = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--feeds" -> feeds = true;
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--memory" -> memoryEvents = Long.parseLong(args[++i]);
                default -> events = Long.parseLong(args[i]);
            }
        }
        Files.createDirectories(DIR);
        if (feeds) {
            System.exit(feeds(runs) ? 0 : 1);
        }
        boolean equal = runs == 0 || throughput(events, runs);
        if (memoryEvents > 0) {
            memory(memoryEvents);
        }
        System.exit(equal ? 0 : 1);
    }

    /** Floor and replay side by side, {@code runs} times; true when the alerts agree with the generator path. */
    private static boolean throughput(long events, int runs) throws Exception {
        FleetPlan plan = planFor(events);
        Path file = write(plan);
        long lines = FleetEvents.count(plan);
        System.out.printf("recording: %s, %,d events, %.0f MB, %d devices%n", file, lines, Files.size(file) / 1e6,
                plan.devices().size());

        Path tiny = tinyRecording();
        // Warm-up, not reported: one parse and one replay of the whole file, so that the runs measure
        // compiled code (the first replay on a 2-core machine shares a core with the JIT compiler).
        floor(file);
        replay(file, plan.inventory());

        System.out.printf("%-4s %14s %14s %14s %10s %10s%n", "run", "floor ev/s", "start-up s", "replay ev/s", "ratio", "wall s");
        double[] ratios = new double[runs];
        List<Alert> replayed = null;
        for (int r = 0; r < runs; r++) {
            System.gc(); // each measurement starts without the previous one's garbage
            double floor = floor(file);
            System.gc();
            long t0 = System.nanoTime();
            replay(tiny, Inventory.empty());
            double startup = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            Replay.Result result = replay(file, plan.inventory());
            double wall = (System.nanoTime() - t0) / 1e9;
            double rate = result.counts().events() / Math.max(0.001, wall - startup);
            ratios[r] = rate / floor;
            replayed = result.alerts();
            System.out.printf("%-4d %,14.0f %14.1f %,14.0f %10.2f %10.1f%n", r + 1, floor, startup, rate, ratios[r], wall);
        }
        Arrays.sort(ratios);
        System.out.printf("median replay / floor: %.2f (target >= 0.5)%n", ratios[runs / 2]);

        List<Alert> generated = fromGenerator(plan);
        boolean equal = json(replayed).equals(json(generated));
        System.out.printf("alerts: replay %d, generator path %d, equal: %s%n", replayed.size(), generated.size(), equal ? "yes" : "NO");

        return equal;
    }

    /** The feeds' mix replayed by the CLI beside the one-thread floors; true when its alerts are the ground truth. */
    private static boolean feeds(int runs) throws Exception {
        PatchTuesday scenario = new PatchTuesday(1_000, PatchTuesday.Profile.FEEDS);
        Path file = DIR.resolve("feeds-" + scenario.devices() + ".jsonl");
        if (!Files.exists(file)) {
            writeFeeds(scenario, file);
        }
        System.out.printf("recording: %s, %,d events, %.0f MB, %d devices, %.1f %% not heartbeats%n", file, scenario.events(),
                Files.size(file) / 1e6, scenario.devices(), 100 * scenario.nonHeartbeatShare());
        Path tiny = tinyRecording();
        Path out = DIR.resolve("feeds-alerts.jsonl");
        jacksonFloor(file); // warm-up, not reported
        floor(file);
        System.out.printf("%-4s %16s %16s %14s %14s %14s %12s%n", "run", "jackson ev/s", "adapter ev/s", "start-up s", "replay ev/s",
                "/ jackson", "/ adapter");
        double[] ratios = new double[runs];
        for (int r = 0; r < runs; r++) {
            System.gc();
            double jackson = jacksonFloor(file);
            System.gc();
            double adapter = floor(file);
            double startup = cli(tiny, DIR.resolve("tiny-alerts.jsonl"));
            double wall = cli(file, out);
            double rate = scenario.events() / Math.max(0.001, wall - startup);
            ratios[r] = rate / jackson;
            System.out.printf("%-4d %,16.0f %,16.0f %14.1f %,14.0f %14.2f %12.2f%n", r + 1, jackson, adapter, startup, rate,
                    rate / jackson, rate / adapter);
        }
        Arrays.sort(ratios);
        System.out.printf("median replay / one-thread Jackson parse: %.2f (target >= 1.0)%n", ratios[runs / 2]);
        long offline = 0;
        long serviceDown = 0;
        for (String line : Files.readAllLines(out)) {
            if (line.contains("\"status\":\"firing\"")) {
                offline += line.contains("\"rule\":\"offline-after-patch\"") ? 1 : 0;
                serviceDown += line.contains("\"rule\":\"service-down-after-reboot\"") ? 1 : 0;
            }
        }
        boolean truth = offline == scenario.expectedOffline() && serviceDown == scenario.expectedServiceDown();
        System.out.printf("alerts: offline-after-patch %d (truth %d), service-down-after-reboot %d (truth %d): %s%n", offline,
                scenario.expectedOffline(), serviceDown, scenario.expectedServiceDown(), truth ? "= ground truth" : "DIFFER");
        return truth;
    }

    private static void writeFeeds(PatchTuesday scenario, Path file) throws IOException {
        Path tmp = DIR.resolve(file.getFileName() + ".tmp");
        DeviceEvent e = new DeviceEvent();
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
            for (int m = 0; m < scenario.minutes(); m++) {
                for (long d = 0; d < scenario.devices(); d++) {
                    scenario.fill(e, d, m, PatchTuesday.BASE + m * 60_000L + d * 60_000L / scenario.devices());
                    out.write(canonicalJson(e).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    out.write('\n');
                }
            }
        }
        Files.move(tmp, file);
    }

    /** The event as an RMM integration writes the canonical format (the fields the scenario sets). */
    private static String canonicalJson(DeviceEvent e) {
        StringBuilder b = new StringBuilder(160).append("{\"ts\":\"").append(EventTimes.format(e.getTs()))
                .append("\",\"tenant\":\"").append(e.getTenant()).append("\",\"device\":\"").append(e.getDevice())
                .append("\",\"kind\":\"").append(e.getKind()).append('"');
        if (e.getKb() != null) {
            b.append(",\"kb\":\"").append(e.getKb()).append('"');
        }
        if (e.getRebootRequired() != null) {
            b.append(",\"reboot_required\":").append(e.getRebootRequired());
        }
        if (e.getService() != null) {
            b.append(",\"service\":\"").append(e.getService()).append("\",\"state\":\"").append(e.getState()).append('"');
        }
        if (e.getOk() != null) {
            b.append(",\"ok\":").append(e.getOk()).append(e.getOk() ? ",\"rtt_ms\":1.7" : ",\"loss_pct\":100");
        }
        return b.append('}').toString();
    }

    /** A plain one-thread parse: each line into a Jackson tree, nothing checked. */
    private static double jacksonFloor(Path file) throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        long lines = 0;
        long fields = 0;
        long t0 = System.nanoTime();
        try (java.io.BufferedReader in = Files.newBufferedReader(file)) {
            String line;
            while ((line = in.readLine()) != null) {
                fields += mapper.readTree(line).size();
                lines++;
            }
        }
        if (fields == 0) {
            throw new IllegalStateException("nothing parsed");
        }
        return lines / ((System.nanoTime() - t0) / 1e9);
    }

    /** {@code bin/patchwatch replay} of {@code file} with the default heap: its wall time in seconds. */
    private static double cli(Path file, Path out) throws Exception {
        String home = System.getenv().getOrDefault("PATCHWATCH_HOME", ".");
        ProcessBuilder pb = new ProcessBuilder(home + "/bin/patchwatch", "replay", "--events", file.toString(), "--quiet",
                "--out", out.toString());
        pb.environment().remove("PATCHWATCH_JAVA_OPTS");
        pb.redirectErrorStream(true);
        pb.redirectOutput(DIR.resolve("feeds-run.log").toFile());
        long t0 = System.nanoTime();
        int exit = pb.start().waitFor();
        double wall = (System.nanoTime() - t0) / 1e9;
        if (exit != 0) {
            throw new IllegalStateException("replay of " + file + " exited " + exit + ": " + Files.readString(DIR.resolve("feeds-run.log")));
        }
        return wall;
    }

    /** A replay of three lines: what a replay costs before its first event (JVM, embedded cluster, job). */
    private static Path tinyRecording() throws IOException {
        Path tiny = DIR.resolve("tiny.jsonl");
        Files.writeString(tiny, """
                {"ts":"2026-11-10T02:00:00Z","tenant":"acme","device":"SRV-01","kind":"heartbeat"}
                {"ts":"2026-11-10T02:01:00Z","tenant":"acme","device":"SRV-01","kind":"patch_installed","kb":"KB1"}
                {"ts":"2026-11-10T02:30:00Z","tenant":"acme","device":"OTHER","kind":"heartbeat"}
                """);
        return tiny;
    }

    /** Devices for at least {@code events} events: a device sends about 300 in the 5-hour night. */
    private static FleetPlan planFor(long events) {
        int devices = (int) Math.max(20, events / 300 + 1);
        FleetPlan plan = FleetPlan.create(devices, 4, 42);
        while (FleetEvents.count(plan) < events) {
            devices += Math.max(1, devices / 100);
            plan = FleetPlan.create(devices, 4, 42);
        }
        return plan;
    }

    private static Path write(FleetPlan plan) throws IOException {
        Path file = DIR.resolve("fleet-" + plan.devices().size() + ".jsonl");
        if (Files.exists(file)) {
            return file;
        }
        Path tmp = DIR.resolve(file.getFileName() + ".tmp");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
            FleetEvents e = new FleetEvents(plan);
            while (e.hasNext()) {
                out.write(e.next().payload);
                out.write('\n');
            }
        }
        Files.move(tmp, file);
        return file;
    }

    /** Reading and parsing alone, one thread: lines split by hand, the validated canonical adapter. */
    static double floor(Path file) throws IOException {
        EventAdapter adapter = Adapters.create(CanonicalJsonAdapter.NAME, AdapterSettings.defaults());
        ValidatedAdapter v = (ValidatedAdapter) adapter;
        long[] events = {0};
        AdapterOutput out = new AdapterOutput() {
            @Override
            public void event(DeviceEvent e) {
                events[0]++;
            }

            @Override
            public void deadLetter(DeadLetterReason reason, String field, String detail) {}
        };
        long t0 = System.nanoTime();
        long line = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            byte[] buf = new byte[1 << 16];
            byte[] carry = new byte[0];
            int n;
            while ((n = in.read(buf)) > 0) {
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        byte[] rec;
                        if (carry.length > 0) {
                            rec = Arrays.copyOf(carry, carry.length + i - start);
                            System.arraycopy(buf, start, rec, carry.length, i - start);
                            carry = new byte[0];
                        } else {
                            rec = Arrays.copyOfRange(buf, start, i);
                        }
                        v.parseRecord(rec, "floor:" + (++line), Long.MIN_VALUE, out);
                        start = i + 1;
                    }
                }
                byte[] rest = Arrays.copyOfRange(buf, start, n);
                byte[] joined = Arrays.copyOf(carry, carry.length + rest.length);
                System.arraycopy(rest, 0, joined, carry.length, rest.length);
                carry = joined;
            }
        }
        return events[0] / ((System.nanoTime() - t0) / 1e9);
    }

    private static Replay.Result replay(Path file, Inventory inventory) throws Exception {
        StreamExecutionEnvironment env = LocalFlink.environment(2);
        return Replay.run(env, Replay.Recording.of(List.of(RecordingSplit.file(0, file.toString())), false),
                Adapters.create(CanonicalJsonAdapter.NAME, AdapterSettings.defaults()), JobSettings.replay(Long.MAX_VALUE),
                RuleSet.defaults(), inventory, null);
    }

    private static List<Alert> fromGenerator(FleetPlan plan) throws Exception {
        StreamExecutionEnvironment env = LocalFlink.environment(2);
        DataStream<RawRecord> night = env.fromSource(FleetSource.of(plan), WatermarkStrategy.noWatermarks(), "Simulated fleet")
                .setParallelism(1);
        return Replay.execute(night, new CanonicalJsonAdapter(), JobSettings.replay(lastEvent(plan)), RuleSet.defaults(),
                plan.inventory(), null).alerts();
    }

    private static long lastEvent(FleetPlan plan) {
        FleetEvents e = new FleetEvents(plan);
        long last = Long.MIN_VALUE;
        while (e.hasNext()) {
            String json = new String(e.next().payload, java.nio.charset.StandardCharsets.UTF_8);
            int i = json.indexOf("\"ts\":\"") + 6;
            last = Math.max(last, io.patchwatch.connectors.adapters.EventTimes.parseIso(json.substring(i, json.indexOf('"', i))));
        }
        return last;
    }

    private static List<String> json(List<Alert> alerts) {
        List<String> out = new ArrayList<>();
        for (Alert a : alerts) {
            out.add(AlertJson.toJson(a));
        }
        return out;
    }

    /** The CLI on a large recording with the default heap: wall time and peak resident memory. */
    private static void memory(long events) throws Exception {
        FleetPlan plan = planFor(events);
        Path file = write(plan);
        String home = System.getenv().getOrDefault("PATCHWATCH_HOME", ".");
        ProcessBuilder pb = new ProcessBuilder(home + "/bin/patchwatch", "replay", "--events", file.toString(), "--quiet",
                "--out", DIR.resolve("memory-alerts.jsonl").toString());
        pb.environment().put("PATCHWATCH_JAVA_OPTS", "-Xmx1g");
        pb.redirectErrorStream(true);
        pb.redirectOutput(DIR.resolve("memory-run.log").toFile());
        long t0 = System.nanoTime();
        Process p = pb.start();
        long peakKb = 0;
        while (p.isAlive()) {
            peakKb = Math.max(peakKb, hwmKb(p.pid()));
            Thread.sleep(200);
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        long lines = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        lines++;
                    }
                }
            }
        }
        System.out.printf("memory: %s (%.1f GB, %,d events) with -Xmx1g: exit %d in %.0f s (%,.0f events/s overall), peak RSS %.2f GB%n",
                file, Files.size(file) / 1e9, lines, p.exitValue(), wall, lines / wall, peakKb / 1024.0 / 1024.0);
        System.out.println("  " + String.join("\n  ", Files.readAllLines(DIR.resolve("memory-run.log"))));
    }

    private static long hwmKb(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("VmHWM:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended
        }
        return 0;
    }
}
