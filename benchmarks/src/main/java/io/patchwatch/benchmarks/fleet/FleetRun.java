package io.patchwatch.benchmarks.fleet;

import io.patchwatch.jobs.LocalFlink;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * One run of one variant over the whole scenario, or until its time cap: events per second from the
 * first simulated record to the end of the job, the alerts by rule, and the peak heap of this JVM
 * (which hosts the mini cluster).
 */
public record FleetRun(Variant variant, PatchTuesday scenario, int parallelism, Backend backend,
                       long events, double seconds, boolean finished, Map<String, Long> alerts, long peakHeapBytes) {

    public double eventsPerSecond() {
        return events / seconds;
    }

    /** Alerts equal the simulator's ground truth (only meaningful for finished alerting variants). */
    public boolean matchesGroundTruth() {
        long offline = alerts.getOrDefault("offline-after-patch", 0L);
        long service = alerts.getOrDefault("service-down-after-reboot", 0L);
        long all = alerts.values().stream().mapToLong(Long::longValue).sum();
        return finished && offline == scenario.expectedOffline() && service == scenario.expectedServiceDown()
                && all == offline + service;
    }

    public static FleetRun execute(Variant variant, PatchTuesday scenario, int parallelism, Backend backend, Duration cap)
            throws Exception {
        return execute(variant, scenario, parallelism, backend, cap, false);
    }

    /** @param rocksDbMetrics RocksDB's native metrics on, sampled by {@link RocksDbProbe} */
    public static FleetRun execute(Variant variant, PatchTuesday scenario, int parallelism, Backend backend, Duration cap,
                                   boolean rocksDbMetrics) throws Exception {
        Configuration conf = new Configuration();
        backend.configure(conf);
        if (rocksDbMetrics) {
            RocksDbProbe.enable(conf);
        }
        StreamExecutionEnvironment env = LocalFlink.environment(parallelism, conf);
        variant.define(env, scenario, parallelism);
        System.gc();
        FleetGenerator.reset();
        Variant.ALERTS.clear();
        Variant.STATUS_RECORDS.reset();
        Variant.STATUSES.clear();
        HeapSampler heap = new HeapSampler();
        heap.start();
        long start = System.nanoTime();
        JobClient job = env.executeAsync("patchwatch benchmark " + variant + " " + scenario.devices());
        boolean finished;
        try {
            job.getJobExecutionResult().get(cap.toMillis(), TimeUnit.MILLISECONDS);
            finished = true;
        } catch (TimeoutException e) {
            job.cancel().get(60, TimeUnit.SECONDS);
            finished = false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(variant + " failed: " + e.getCause(), e.getCause());
        }
        long end = System.nanoTime();
        heap.stopSampling();
        long first = FleetGenerator.FIRST_RECORD_NANOS.get();
        double seconds = (end - (first == 0 ? start : first)) / 1e9;
        long events = finished ? scenario.events() : FleetGenerator.GENERATED.get();
        Map<String, Long> alerts = new TreeMap<>();
        for (Map.Entry<String, LongAdder> a : Variant.ALERTS.entrySet()) {
            alerts.put(a.getKey(), a.getValue().sum());
        }
        return new FleetRun(variant, scenario, parallelism, backend, events, seconds, finished, alerts, heap.peak());
    }

    /** Samples this JVM's used heap every 100 ms. */
    private static final class HeapSampler extends Thread {
        private volatile boolean running = true;
        private volatile long peak;

        HeapSampler() {
            setDaemon(true);
        }

        @Override
        public void run() {
            Runtime rt = Runtime.getRuntime();
            while (running) {
                peak = Math.max(peak, rt.totalMemory() - rt.freeMemory());
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stopSampling() {
            running = false;
        }

        long peak() {
            return peak;
        }
    }
}
