package io.patchwatch.connectors.metrics.prometheus;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.Iterator;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Flink metrics reporter serving {@code /metrics} in the Prometheus text format on a configured
 * host and the first free port of a range. Unlike the stock {@code flink-metrics-prometheus}, which
 * binds every interface, it listens on 127.0.0.1 unless told otherwise: metrics name devices and
 * tenants, which is not for the whole network.
 *
 * <p>Options ({@code metrics.reporter.<name>.*}): {@code host} (127.0.0.1), {@code port} (a port or
 * a range such as {@code 9250-9260}; a JobManager and a TaskManager on one machine each take the
 * next free one). Naming: see {@link FlinkMetricsCollector}.
 */
public final class LoopbackPrometheusReporter implements MetricReporter {
    static final String DEFAULT_HOST = "127.0.0.1";
    static final String DEFAULT_PORT = "9250-9260";
    private static final Logger LOG = LoggerFactory.getLogger(LoopbackPrometheusReporter.class);

    private final FlinkMetricsCollector collector = new FlinkMetricsCollector();
    private HTTPServer server;

    @Override
    public void open(MetricConfig config) {
        String host = config.getString("host", DEFAULT_HOST);
        String ports = config.getString("port", DEFAULT_PORT);
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(collector);
        IOException last = null;
        for (Iterator<Integer> it = PortRange.parse(ports); it.hasNext(); ) {
            int port = it.next();
            try {
                server = HTTPServer.builder()
                        .inetAddress(InetAddress.getByName(host))
                        .port(port)
                        .registry(registry)
                        .buildAndStart();
                LOG.info("Prometheus metrics on http://{}:{}/metrics", host, server.getPort());
                return;
            } catch (IOException e) {
                last = e;
            }
        }
        throw new UncheckedIOException("no free port for the Prometheus reporter on " + host + ":" + ports, last);
    }

    /** The port the endpoint listens on (after {@link #open}). */
    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        collector.add(metric, metricName, group);
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        collector.remove(metric, metricName, group);
    }
}
