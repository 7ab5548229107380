package io.patchwatch.benchmarks.fleet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * patchwatch side by side with the floor and the naive all-events-into-CEP job, on the same
 * simulated Patch Tuesday, in one process, interleaved (floor, naive, patchwatch, floor, ...), for
 * each fleet size, parallelism and state backend; then checkpoint size and duration, and the
 * detection lag of a live-clock run. Prints a Markdown table (benchmarks/README.md holds the last one).
 *
 * <pre>
 * bin/patchwatch bench compare            # the full matrix, both profiles (about 25 min on 2 cores)
 * bin/patchwatch bench compare --quick    # 100k devices, parallelism 2, both profiles (about 6 min)
 * bin/patchwatch bench compare --sizes 10000,100000 --parallelism 2 --backends heap --runs 3 --profiles night
 * </pre>
 */
public final class ComparisonBenchmark {
    private ComparisonBenchmark() {}

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        long started = System.nanoTime();
        System.out.printf(Locale.ROOT, "patchwatch comparison: profiles %s, sizes %s, parallelism %s, backends %s, %d interleaved runs, "
                        + "%d cores, max heap %d MB%n", o.profiles, o.sizes, o.parallelism, o.backends, o.runs,
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        // Warm-up (not counted): class loading and the JIT's first pass.
        for (Variant v : Variant.COMPARED) {
            FleetRun.execute(v, new PatchTuesday(10_000), 1, Backend.HEAP, Duration.ofSeconds(20));
        }
        List<Row> rows = new ArrayList<>();
        for (PatchTuesday.Profile profile : o.profiles) {
        for (int devices : o.sizes) {
            PatchTuesday scenario = new PatchTuesday(devices, profile);
            System.out.printf(Locale.ROOT, "%s night, %,d devices: %d event-minutes, %,d events, %.1f %% not heartbeats%n",
                    profile.name().toLowerCase(Locale.ROOT), devices, scenario.minutes(), scenario.events(),
                    100 * scenario.nonHeartbeatShare());
            for (Backend backend : o.backends) {
                for (int p : o.parallelism) {
                    Map<Variant, List<FleetRun>> runs = new LinkedHashMap<>();
                    for (int r = 0; r < o.runs; r++) {
                        for (Variant v : o.variants) {
                            boolean metrics = o.rocksDbMetrics && backend == Backend.ROCKSDB && v == Variant.PATCHWATCH;
                            FleetRun run = FleetRun.execute(v, scenario, p, backend, o.cap(v, scenario, backend), metrics);
                            runs.computeIfAbsent(v, k -> new ArrayList<>()).add(run);
                            System.out.printf(Locale.ROOT, "  %,9d devices %-7s p%d  %-10s run %d: %,11.0f events/s%s%s%n",
                                    devices, backend.label(), p, v.name().toLowerCase(Locale.ROOT), r + 1, run.eventsPerSecond(),
                                    run.finished() ? "" : " (capped at " + o.cap(v, scenario, backend).toSeconds() + " s)",
                                    v == Variant.FLOOR || !run.finished() ? "" : ", alerts " + run.alerts()
                                            + (run.matchesGroundTruth() ? " = ground truth" : " != ground truth ("
                                            + scenario.expectedOffline() + " offline, " + scenario.expectedServiceDown() + " service)"));
                            if (metrics) {
                                System.out.print(RocksDbProbe.summary(RocksDbProbe.drain()));
                            }
                        }
                    }
                    rows.add(new Row(scenario, backend, p, runs));
                }
            }
        }
        }
        if (o.checkpoints) {
            // Checkpoints of each profile, size and backend with the state a run builds in 90 s,
            // one every 10 s as flink-conf/config.yaml takes them (incremental on RocksDB).
            System.out.println("| checkpoints (after 90 s of the run) | devices | state | p | full state | written (last) | duration |");
            System.out.println("|---|---:|---|---:|---:|---:|---:|");
            for (PatchTuesday.Profile profile : o.profiles) {
                for (int devices : o.sizes) {
                    for (Backend b : o.backends) {
                        for (int p : o.parallelism) {
                            CheckpointProbe.Checkpoint c = CheckpointProbe.run(new PatchTuesday(devices, profile), p, b,
                                    Duration.ofSeconds(90), Duration.ofSeconds(10));
                            System.out.printf(Locale.ROOT, "| %s | %,d | %s | %d | %,d bytes (%d per device) | %,d bytes | %d ms (%d taken) |%n",
                                    profile.name().toLowerCase(Locale.ROOT), devices, b.label(), p, c.stateSize(),
                                    c.stateSize() / devices, c.checkpointedSize(), c.durationMs(), c.count());
                        }
                    }
                }
            }
        }
        System.out.println();
        // A finished run whose alerts differ from the simulator's ground truth is a failure.
        List<FleetRun> wrong = rows.stream().flatMap(r -> r.runs.values().stream()).flatMap(List::stream)
                .filter(r -> r.variant() != Variant.FLOOR && r.finished() && !r.matchesGroundTruth()).toList();
        if (o.variants.size() == Variant.COMPARED.size()) {
            System.out.println(table(rows));
        }
        if (!wrong.isEmpty()) {
            System.out.println("ALERTS DIFFER FROM THE GROUND TRUTH in " + wrong.size() + " run(s)");
            System.exit(1);
        }
        if (o.variants.size() < Variant.COMPARED.size()) {
            System.out.printf(Locale.ROOT, "total time %.0f s%n", (System.nanoTime() - started) / 1e9);
            return;
        }

        if (!o.extras) {
            System.out.printf(Locale.ROOT, "total time %.0f s%n", (System.nanoTime() - started) / 1e9);
            return;
        }
        // State: a checkpointed run per backend (at most 100k devices: a full run on RocksDB at a
        // million takes minutes).
        int largest = o.sizes.stream().filter(x -> x <= 100_000).max(Integer::compare)
                .orElse(o.sizes.stream().min(Integer::compare).orElseThrow());
        int pMax = o.parallelism.stream().max(Integer::compare).orElseThrow();
        System.out.println();
        System.out.println("| state, " + String.format(Locale.ROOT, "%,d", largest) + " devices, p" + pMax
                + " | full checkpoint | per device | written (incremental) | duration |");
        System.out.println("|---|---|---|---|---|");
        for (Backend b : o.backends) {
            CheckpointProbe.Checkpoint c = CheckpointProbe.run(new PatchTuesday(largest), pMax, b);
            System.out.printf(Locale.ROOT, "| %s | %,d bytes | %d bytes | %,d bytes | %d ms (%d checkpoints) |%n", b.label(),
                    c.stateSize(), c.stateSize() / largest, c.checkpointedSize(), c.durationMs(), c.count());
        }

        // Detection lag on the wall clock.
        LiveLag.Result lag = LiveLag.run(o.quick ? 2_000 : 10_000, pMax);
        System.out.println();
        System.out.printf(Locale.ROOT, "detection lag, live clock (%d alerts of %d expected): p50 %d ms, p99 %d ms, max %d ms%n",
                lag.alerts(), lag.expected(), lag.p50(), lag.p99(), lag.max());
        System.out.printf(Locale.ROOT, "total time %.0f s%n", (System.nanoTime() - started) / 1e9);
    }

    static String table(List<Row> rows) {
        StringBuilder t = new StringBuilder();
        t.append("| night | devices | state | p | floor ev/s | naive ev/s | patchwatch ev/s | pw / floor | pw / naive | alerts = truth | peak heap (pw) |\n");
        t.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---|---:|\n");
        for (Row r : rows) {
            double floor = r.median(Variant.FLOOR);
            double naive = r.median(Variant.NAIVE);
            double pw = r.median(Variant.PATCHWATCH);
            boolean naiveCapped = r.runs.get(Variant.NAIVE).stream().anyMatch(x -> !x.finished());
            boolean pwCapped = r.runs.get(Variant.PATCHWATCH).stream().anyMatch(x -> !x.finished());
            String truth = "pw " + verdict(r.runs.get(Variant.PATCHWATCH)) + ", naive " + verdict(r.runs.get(Variant.NAIVE));
            long heap = r.runs.get(Variant.PATCHWATCH).stream().mapToLong(FleetRun::peakHeapBytes).max().orElse(0);
            t.append(String.format(Locale.ROOT, "| %s | %,d | %s | %d | %s | %s%s | %s%s | %.2f | %.1f | %s | %d MB |%n",
                    r.scenario.profile().name().toLowerCase(Locale.ROOT), r.scenario.devices(), r.backend.label(), r.parallelism, human(floor), human(naive), naiveCapped ? " (capped)" : "",
                    human(pw), pwCapped ? " (capped)" : "", pw / floor, pw / naive, truth, heap >> 20));
        }
        return t.toString();
    }

    private static String verdict(List<FleetRun> runs) {
        if (runs.stream().anyMatch(r -> !r.finished())) {
            return "n/a (capped)";
        }
        return runs.stream().allMatch(FleetRun::matchesGroundTruth) ? "yes" : "NO";
    }

    private static String human(double eventsPerSecond) {
        return eventsPerSecond >= 1e6 ? String.format(Locale.ROOT, "%.2f M", eventsPerSecond / 1e6)
                : String.format(Locale.ROOT, "%.0f k", eventsPerSecond / 1e3);
    }

    record Row(PatchTuesday scenario, Backend backend, int parallelism, Map<Variant, List<FleetRun>> runs) {
        double median(Variant v) {
            double[] rates = runs.get(v).stream().mapToDouble(FleetRun::eventsPerSecond).sorted().toArray();
            return rates[rates.length / 2];
        }
    }

    record Options(List<PatchTuesday.Profile> profiles, List<Integer> sizes, List<Integer> parallelism, List<Backend> backends,
                   List<Variant> variants, int runs, boolean quick, boolean extras, boolean rocksDbMetrics, boolean checkpoints) {
        static Options parse(String[] args) {
            List<String> a = Arrays.asList(args);
            boolean quick = a.contains("--quick");
            List<Integer> sizes = quick ? List.of(100_000) : List.of(10_000, 100_000, 1_000_000);
            List<Integer> parallelism = quick ? List.of(2) : List.of(1, 2);
            List<Backend> backends = List.of(Backend.HEAP, Backend.ROCKSDB);
            List<Variant> variants = Variant.COMPARED;
            int runs = quick ? 2 : 3;
            List<PatchTuesday.Profile> profiles = List.of(PatchTuesday.Profile.COMPRESSED, PatchTuesday.Profile.NIGHT);
            for (int i = 0; i + 1 < args.length; i++) {
                switch (args[i]) {
                    case "--sizes" -> sizes = Arrays.stream(args[i + 1].split(",")).map(Integer::parseInt).toList();
                    case "--parallelism" -> parallelism = Arrays.stream(args[i + 1].split(",")).map(Integer::parseInt).toList();
                    case "--backends" -> backends = Arrays.stream(args[i + 1].split(","))
                            .map(s -> Backend.valueOf(s.toUpperCase(Locale.ROOT))).toList();
                    case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                    case "--profiles" -> profiles = Arrays.stream(args[i + 1].split(","))
                            .map(x -> PatchTuesday.Profile.valueOf(x.toUpperCase(Locale.ROOT))).toList();
                    case "--variants" -> variants = Arrays.stream(args[i + 1].split(","))
                            .map(x -> Variant.valueOf(x.toUpperCase(Locale.ROOT))).toList();
                    default -> { }
                }
            }
            return new Options(profiles, sizes, parallelism, backends, variants, runs, quick, !a.contains("--no-extras"),
                    a.contains("--rocksdb-metrics"), a.contains("--checkpoints"));
        }

        /**
         * The naive job manages about 10-50 k events/s on RocksDB and fills the heap at a million
         * devices: it runs for a few seconds, long enough to measure its rate. The others run to
         * the end (and their alerts are checked), but for the case below.
         */
        Duration cap(Variant v, PatchTuesday scenario, Backend backend) {
            int devices = scenario.devices();
            if (v == Variant.NAIVE) {
                return Duration.ofSeconds(quick ? 5 : 6);
            }
            // The realistic night has 240 event-minutes: on RocksDB (and for a million devices
            // anywhere) its rate is taken over the first minute and a half of wall time.
            if (scenario.profile() == PatchTuesday.Profile.NIGHT && (backend == Backend.ROCKSDB || devices >= 1_000_000)) {
                return Duration.ofSeconds(90);
            }
            // patchwatch on RocksDB at a million devices runs at about 85 k events/s here (10 M
            // events would take two minutes a run): its rate is taken over the first 25 s.
            if (v == Variant.PATCHWATCH && backend == Backend.ROCKSDB && devices >= 1_000_000) {
                return Duration.ofSeconds(25);
            }
            return Duration.ofSeconds(180);
        }
    }
}
