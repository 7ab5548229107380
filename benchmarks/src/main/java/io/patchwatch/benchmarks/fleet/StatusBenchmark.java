package io.patchwatch.benchmarks.fleet;

import io.patchwatch.jobs.status.FleetStatus;
import io.patchwatch.jobs.status.web.StatusServer;
import io.patchwatch.schemas.DeviceStatus;
import io.patchwatch.testkit.browser.HeadlessChromium;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench status [DEVICES] [--profile compressed]} (issue 27's numbers): what the devices' status costs on the
 * realistic night (the job with and without it, interleaved runs, in one JVM), how many status
 * records a device writes in its night, and how long the status page of that fleet takes to show
 * its summary in headless Chromium (from navigation to the summary on screen).
 */
public final class StatusBenchmark {
    private static final int RUNS = 3;
    private static final int PAGE_LOADS = 5;

    private StatusBenchmark() {}

    public static void main(String[] args) throws Exception {
        int devices = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 100_000;
        // The realistic night by default; --profile compressed: the burst (every install within minutes).
        PatchTuesday.Profile profile = args.length > 2 && args[1].equals("--profile")
                ? PatchTuesday.Profile.valueOf(args[2].toUpperCase(Locale.ROOT)) : PatchTuesday.Profile.NIGHT;
        int parallelism = 2;
        PatchTuesday scenario = new PatchTuesday(devices, profile);
        System.out.printf(Locale.ROOT, "patchwatch status benchmark: " + profile.name().toLowerCase(Locale.ROOT) + " profile, %,d devices, %,d events (%.1f %% not heartbeats), "
                        + "p%d, heap backend, %d interleaved runs, %d cores, max heap %d MB%n", devices, scenario.events(),
                100 * scenario.nonHeartbeatShare(), parallelism, RUNS, Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        // Warm-up (not counted).
        for (Variant v : List.of(Variant.PATCHWATCH, Variant.PATCHWATCH_STATUS)) {
            FleetRun.execute(v, new PatchTuesday(10_000), 1, Backend.HEAP, Duration.ofSeconds(30));
        }
        List<Double> without = new ArrayList<>();
        List<Double> with = new ArrayList<>();
        long records = 0;
        Map<String, DeviceStatus> statuses = Map.of();
        for (int r = 0; r < RUNS; r++) {
            for (Variant v : List.of(Variant.PATCHWATCH, Variant.PATCHWATCH_STATUS)) {
                FleetRun run = FleetRun.execute(v, scenario, parallelism, Backend.HEAP, Duration.ofMinutes(10));
                if (!run.finished() || !run.matchesGroundTruth()) {
                    throw new IllegalStateException(v + " did not finish with the ground truth's alerts: " + run.alerts());
                }
                (v == Variant.PATCHWATCH ? without : with).add(run.eventsPerSecond());
                String extra = "";
                if (v == Variant.PATCHWATCH_STATUS) {
                    records = Variant.STATUS_RECORDS.sum();
                    statuses = Map.copyOf(Variant.STATUSES);
                    extra = String.format(Locale.ROOT, ", %,d status records", records);
                }
                System.out.printf(Locale.ROOT, "  run %d %-17s %,11.0f events/s%s%n", r + 1, v.name().toLowerCase(Locale.ROOT),
                        run.eventsPerSecond(), extra);
            }
        }
        double a = median(without);
        double b = median(with);
        System.out.printf(Locale.ROOT, "throughput: %,.0f events/s without the status, %,.0f with it: %.2f x (%.1f %% %s)%n",
                a, b, b / a, Math.abs(100 * (1 - b / a)), b <= a ? "slower" : "faster");
        System.out.printf(Locale.ROOT, "status records: %,d for %,d devices in a %d-minute night: %.2f per device (min interval 10 s)%n",
                records, devices, scenario.minutes(), (double) records / devices);

        // The page over the fleet's final statuses.
        FleetStatus fleet = new FleetStatus();
        statuses.forEach(fleet::put);
        List<Double> renders = new ArrayList<>();
        try (StatusServer server = StatusServer.start(fleet, new InetSocketAddress("127.0.0.1", 0));
             HeadlessChromium chromium = HeadlessChromium.start()) {
            String url = "http://127.0.0.1:" + server.address().getPort() + "/";
            for (int i = 0; i < PAGE_LOADS + 1; i++) {
                try (HeadlessChromium.Page page = chromium.open(url)) {
                    double ms = page.await("(document.body && document.body.dataset.firstRenderMs) || ''", v -> !v.asText().isEmpty(),
                            Duration.ofSeconds(60)).asDouble();
                    String shown = page.eval("document.querySelector('#totals .tile .n').textContent").asText();
                    if (!shown.equals(Integer.toString(fleet.size()))) {
                        throw new IllegalStateException("the page shows " + shown + " devices, the fleet has " + fleet.size());
                    }
                    if (i > 0) { // the first load warms the server's JIT
                        renders.add(ms);
                    }
                }
            }
        }
        Collections.sort(renders);
        System.out.printf(Locale.ROOT, "status page, %,d devices: summary on screen %.0f ms after navigation (median of %d loads; max %.0f ms)%n",
                fleet.size(), median(renders), renders.size(), renders.get(renders.size() - 1));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
