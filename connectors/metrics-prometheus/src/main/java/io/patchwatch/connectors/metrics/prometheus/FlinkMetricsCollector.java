package io.patchwatch.connectors.metrics.prometheus;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.CharacterFilter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.HistogramStatistics;
import org.apache.flink.metrics.LogicalScopeProvider;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;

/**
 * Turns the Flink metrics registered with the reporter into Prometheus snapshots at each scrape.
 *
 * <p>Names: {@code flink_<logical scope>_<metric>}, as the stock reporter does (for example
 * {@code flink_taskmanager_job_task_operator_numRecordsIn}), except that the key of a key/value
 * group ({@code addGroup("rule", "R1")}) becomes a label only and not also part of the name, so
 * that one metric split by rule is one Prometheus metric with a {@code rule} label. Every scope
 * variable ({@code <job_name>}, {@code <subtask_index>}, ...) is a label.
 *
 * <p>Types: counters are counters, numeric and boolean gauges are gauges, meters are a gauge of
 * their rate per second, histograms are summaries (quantiles 0.5, 0.9, 0.99, 0.999 over the
 * histogram's window, and the count of all observations).
 */
final class FlinkMetricsCollector implements MultiCollector {
    private static final CharacterFilter NAME_FILTER = FlinkMetricsCollector::sanitize;
    private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};

    /** A registered metric with its Prometheus name and labels, computed once. */
    private record Registered(Metric metric, String name, Labels labels) {}

    private final Map<Metric, Registered> metrics = new ConcurrentHashMap<>();

    void add(Metric metric, String metricName, MetricGroup group) {
        metrics.put(metric, new Registered(metric, prometheusName(metricName, group), labels(group)));
    }

    void remove(Metric metric, String metricName, MetricGroup group) {
        metrics.remove(metric);
    }

    @Override
    public MetricSnapshots collect() {
        // Group by name, keeping one type per name (the first seen) and one point per label set.
        Map<String, List<Registered>> byName = new TreeMap<>();
        for (Registered r : metrics.values()) {
            byName.computeIfAbsent(r.name(), n -> new ArrayList<>()).add(r);
        }
        List<MetricSnapshot> snapshots = new ArrayList<>();
        for (Map.Entry<String, List<Registered>> e : byName.entrySet()) {
            MetricSnapshot s = snapshot(e.getKey(), e.getValue());
            if (s != null) {
                snapshots.add(s);
            }
        }
        return new MetricSnapshots(snapshots);
    }

    private static MetricSnapshot snapshot(String name, List<Registered> points) {
        Metric first = points.get(0).metric();
        Set<Labels> seen = new HashSet<>();
        if (first instanceof Counter) {
            var b = CounterSnapshot.builder().name(name);
            for (Registered r : points) {
                if (r.metric() instanceof Counter c && seen.add(r.labels())) {
                    b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                            .value(c.getCount()).labels(r.labels()).build());
                }
            }
            return b.build();
        }
        if (first instanceof Histogram) {
            var b = SummarySnapshot.builder().name(name);
            for (Registered r : points) {
                if (r.metric() instanceof Histogram h && seen.add(r.labels())) {
                    HistogramStatistics stats = h.getStatistics();
                    Quantiles.Builder q = Quantiles.builder();
                    for (double quantile : QUANTILES) {
                        q.quantile(new Quantile(quantile, stats.size() == 0 ? Double.NaN : stats.getQuantile(quantile)));
                    }
                    b.dataPoint(SummarySnapshot.SummaryDataPointSnapshot.builder()
                            .count(h.getCount()).quantiles(q.build()).labels(r.labels()).build());
                }
            }
            return b.build();
        }
        if (first instanceof Gauge<?> || first instanceof Meter) {
            var b = GaugeSnapshot.builder().name(name);
            boolean any = false;
            for (Registered r : points) {
                double value = gaugeValue(r.metric());
                if (!Double.isNaN(value) && seen.add(r.labels())) {
                    b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).labels(r.labels()).build());
                    any = true;
                }
            }
            return any ? b.build() : null;
        }
        return null;
    }

    /** A gauge's number (NaN when it is not a number: such gauges are not exported). */
    private static double gaugeValue(Metric metric) {
        if (metric instanceof Meter m) {
            return m.getRate();
        }
        if (metric instanceof Gauge<?> g) {
            Object v;
            try {
                v = g.getValue();
            } catch (RuntimeException e) {
                return Double.NaN;
            }
            if (v instanceof Number n) {
                return n.doubleValue();
            }
            if (v instanceof Boolean b) {
                return b ? 1 : 0;
            }
        }
        return Double.NaN;
    }

    static String prometheusName(String metricName, MetricGroup group) {
        Set<String> keyGroups = new HashSet<>();
        for (String variable : group.getAllVariables().keySet()) {
            keyGroups.add(sanitize(variable.substring(1, variable.length() - 1)));
        }
        StringBuilder name = new StringBuilder("flink");
        String scope = LogicalScopeProvider.castFrom(group).getLogicalScope(NAME_FILTER, '.');
        for (String component : scope.split("\\.")) {
            if (!component.isEmpty() && !keyGroups.contains(component)) {
                name.append('_').append(component);
            }
        }
        name.append('_').append(sanitize(metricName));
        String n = name.toString();
        // The exposition adds _total to counters itself.
        return n.endsWith("_total") ? n.substring(0, n.length() - "_total".length()) : n;
    }

    static Labels labels(MetricGroup group) {
        Map<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, String> v : group.getAllVariables().entrySet()) {
            String key = v.getKey();
            sorted.put(sanitize(key.startsWith("<") && key.endsWith(">") ? key.substring(1, key.length() - 1) : key),
                    v.getValue() == null ? "" : v.getValue());
        }
        return Labels.of(new ArrayList<>(sorted.keySet()), new ArrayList<>(sorted.values()));
    }

    /** Letters, digits and '_' only; anything else becomes '_' (never a leading digit). */
    static String sanitize(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (c >= '0' && c <= '9' && i > 0);
            b.append(ok ? c : '_');
        }
        return b.toString();
    }
}
