package io.patchwatch.benchmarks.fleet;

import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.metrics.reporter.Scheduled;

/**
 * RocksDB's native metrics of a benchmark run, per operator and column family, sampled every second
 * from the embedded cluster and kept at their highest ({@code bench compare --rocksdb-metrics}):
 * whether a column family is mostly deletions (memtable deletes against entries), and how many
 * bytes each operator's iterators read.
 */
public final class RocksDbProbe implements MetricReporter, Scheduled {
    private static final Map<String, Gauge<?>> GAUGES = new ConcurrentHashMap<>();
    private static final Map<String, Long> HIGHEST = new ConcurrentHashMap<>();
    /** The native metrics it asks for: per column family, then per operator's database. */
    static final String[] METRICS = {"num-entries-active-mem-table", "num-deletes-active-mem-table", "num-entries-imm-mem-tables",
        "num-deletes-imm-mem-tables", "estimate-num-keys", "iter-bytes-read", "bytes-read"};

    /** Turns the native metrics and this probe on in {@code conf}. */
    static void enable(Configuration conf) {
        for (String m : METRICS) {
            conf.setString("state.backend.rocksdb.metrics." + m, "true");
        }
        conf.setString("metrics.reporter.rocksprobe.factory.class", Factory.class.getName());
        conf.setString("metrics.reporter.rocksprobe.interval", "1 s");
    }

    /** The highest value of every metric since the last call, by "operator / column family / metric". */
    static Map<String, Long> drain() {
        sample();
        Map<String, Long> out = new TreeMap<>();
        HIGHEST.forEach((id, v) -> out.merge(id, v, Long::sum));
        HIGHEST.clear();
        GAUGES.clear();
        return out;
    }

    /**
     * The metrics summed over subtasks, the rules' CEP operators together: for each column family,
     * its memtables' entries and deletions at their highest, and each database's bytes read.
     */
    static String summary(Map<String, Long> metrics) {
        Map<String, Map<String, Long>> byFamily = new TreeMap<>();
        metrics.forEach((key, value) -> {
            String[] k = key.split(" \\| ");
            String operator = k[0].startsWith("Rule ") ? "CEP rules" : k[0];
            byFamily.computeIfAbsent(operator + " / " + k[2], x -> new TreeMap<>()).merge(k[3], value, Long::sum);
        });
        StringBuilder out = new StringBuilder("    RocksDB native metrics (highest per subtask, summed):\n");
        byFamily.forEach((family, m) -> {
            if (m.values().stream().allMatch(v -> v == 0)) {
                return;
            }
            out.append("      ").append(family).append(": ");
            m.forEach((name, v) -> out.append(name).append('=').append(String.format(java.util.Locale.ROOT, "%,d", v)).append(' '));
            out.append('\n');
        });
        return out.toString();
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        if (metric instanceof Gauge<?> g && java.util.Arrays.stream(METRICS).anyMatch(name::endsWith)) {
            GAUGES.put(key(group, name), g);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        String key = key(group, name);
        Gauge<?> g = GAUGES.remove(key);
        if (g != null) {
            record(key, g);
        }
    }

    @Override
    public void report() {
        sample();
    }

    private static void sample() {
        GAUGES.forEach(RocksDbProbe::record);
    }

    private static void record(String key, Gauge<?> g) {
        try {
            if (g.getValue() instanceof Number n) {
                HIGHEST.merge(key, n.longValue(), Math::max);
            }
        } catch (RuntimeException e) {
            // the database closed under us
        }
    }

    /** "operator name | subtask | column family | metric"; summed over subtasks by {@link #summary}. */
    private static String key(MetricGroup group, String name) {
        Map<String, String> v = group.getAllVariables();
        String[] scope = group.getScopeComponents();
        String operator = v.getOrDefault("<operator_name>", "?");
        String subtask = v.getOrDefault("<subtask_index>", "?");
        // A column family's metrics sit in a group named after it, below the operator's subtask;
        // the database's own (tickers) directly in the subtask's group.
        String last = scope.length == 0 ? "" : scope[scope.length - 1];
        String family = last.equals(subtask) || last.equals(operator) ? "(db)" : last;
        return operator + " | " + subtask + " | " + family + " | " + name;
    }

    /** Found through {@code META-INF/services}, named in the configuration. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new RocksDbProbe();
        }
    }
}
