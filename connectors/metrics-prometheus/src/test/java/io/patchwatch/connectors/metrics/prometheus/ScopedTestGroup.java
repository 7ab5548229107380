package io.patchwatch.connectors.metrics.prometheus;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.metrics.CharacterFilter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.LogicalScopeProvider;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;

/**
 * A metric group with a logical scope and variables, as Flink's runtime groups have, that hands
 * every metric to a reporter the way the runtime registry does.
 */
final class ScopedTestGroup implements MetricGroup, LogicalScopeProvider {
    private final LoopbackPrometheusReporter reporter;
    private final List<String> scope;
    private final Map<String, String> variables;

    ScopedTestGroup(LoopbackPrometheusReporter reporter, List<String> scope, Map<String, String> variables) {
        this.reporter = reporter;
        this.scope = scope;
        this.variables = variables;
    }

    @Override
    public Counter counter(String name) {
        return counter(name, new SimpleCounter());
    }

    @Override
    public <C extends Counter> C counter(String name, C counter) {
        reporter.notifyOfAddedMetric(counter, name, this);
        return counter;
    }

    @Override
    public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
        reporter.notifyOfAddedMetric(gauge, name, this);
        return gauge;
    }

    @Override
    public <H extends Histogram> H histogram(String name, H histogram) {
        reporter.notifyOfAddedMetric(histogram, name, this);
        return histogram;
    }

    @Override
    public <M extends Meter> M meter(String name, M meter) {
        reporter.notifyOfAddedMetric(meter, name, this);
        return meter;
    }

    @Override
    public MetricGroup addGroup(String name) {
        return new ScopedTestGroup(reporter, concat(name), variables);
    }

    @Override
    public MetricGroup addGroup(String key, String value) {
        Map<String, String> v = new LinkedHashMap<>(variables);
        v.put("<" + key + ">", value);
        return new ScopedTestGroup(reporter, concat(key), v);
    }

    private List<String> concat(String name) {
        return java.util.stream.Stream.concat(scope.stream(), java.util.stream.Stream.of(name)).toList();
    }

    @Override
    public String[] getScopeComponents() {
        return scope.toArray(String[]::new);
    }

    @Override
    public Map<String, String> getAllVariables() {
        return variables;
    }

    @Override
    public String getMetricIdentifier(String metricName) {
        return String.join(".", scope) + "." + metricName;
    }

    @Override
    public String getMetricIdentifier(String metricName, CharacterFilter filter) {
        return getMetricIdentifier(filter.filterCharacters(metricName));
    }

    @Override
    public String getLogicalScope(CharacterFilter filter) {
        return getLogicalScope(filter, '.');
    }

    @Override
    public String getLogicalScope(CharacterFilter filter, char delimiter) {
        return scope.stream().map(filter::filterCharacters).collect(Collectors.joining(String.valueOf(delimiter)));
    }

    @Override
    public MetricGroup getWrappedMetricGroup() {
        return this;
    }
}
