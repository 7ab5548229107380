package io.patchwatch.connectors.metrics.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.HistogramStatistics;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoopbackPrometheusReporterTest {
    private LoopbackPrometheusReporter reporter;
    private MetricGroup operator;

    @BeforeEach
    void open() {
        reporter = open("127.0.0.1", "0");
        operator = new ScopedTestGroup(reporter, List.of("taskmanager", "job", "task", "operator"),
                Map.of("<job_name>", "patchwatch", "<subtask_index>", "1", "<operator_name>", "Device \"tracker\"\n"));
    }

    @AfterEach
    void close() {
        reporter.close();
    }

    private static LoopbackPrometheusReporter open(String host, String port) {
        MetricConfig config = new MetricConfig();
        config.setProperty("host", host);
        config.setProperty("port", port);
        LoopbackPrometheusReporter r = new LoopbackPrometheusReporter();
        r.open(config);
        return r;
    }

    @Test
    void keyValueGroupsAreLabelsAndNotPartOfTheName() throws Exception {
        MetricGroup patchwatch = operator.addGroup("patchwatch");
        patchwatch.addGroup("rule", "R1").addGroup("status", "firing").counter("alerts").inc(3);
        patchwatch.addGroup("rule", "R2").addGroup("status", "resolved").counter("alerts").inc();

        String body = scrape();

        assertThat(body).contains("# TYPE flink_taskmanager_job_task_operator_patchwatch_alerts_total counter");
        assertThat(line(body, "flink_taskmanager_job_task_operator_patchwatch_alerts_total", "rule=\"R1\""))
                .contains("status=\"firing\"").contains("subtask_index=\"1\"").endsWith(" 3.0");
        assertThat(line(body, "flink_taskmanager_job_task_operator_patchwatch_alerts_total", "rule=\"R2\""))
                .contains("status=\"resolved\"").endsWith(" 1.0");
    }

    @Test
    void gaugesMetersAndHistograms() throws Exception {
        MetricGroup patchwatch = operator.addGroup("patchwatch");
        patchwatch.gauge("devices_tracked", (Gauge<Long>) () -> 1234L);
        patchwatch.gauge("a_string", (Gauge<String>) () -> "not a number");
        patchwatch.histogram("detection_lag_ms", new FixedHistogram());

        String body = scrape();

        assertThat(line(body, "flink_taskmanager_job_task_operator_patchwatch_devices_tracked", "")).endsWith(" 1234.0");
        assertThat(body).doesNotContain("a_string");
        assertThat(body).contains("# TYPE flink_taskmanager_job_task_operator_patchwatch_detection_lag_ms summary");
        assertThat(line(body, "flink_taskmanager_job_task_operator_patchwatch_detection_lag_ms", "quantile=\"0.99\""))
                .endsWith(" 990.0");
        assertThat(line(body, "flink_taskmanager_job_task_operator_patchwatch_detection_lag_ms_count", "")).endsWith(" 1000");
    }

    @Test
    void labelValuesAreEscaped() throws Exception {
        operator.counter("numRecordsIn").inc(7);
        String body = scrape();
        // A quote and a newline in an operator name must not break the exposition format.
        assertThat(body).contains("operator_name=\"Device \\\"tracker\\\"\\n\"");
    }

    @Test
    void removedMetricsDisappear() throws Exception {
        Counter c = operator.counter("numRecordsIn");
        assertThat(scrape()).contains("numRecordsIn");
        reporter.notifyOfRemovedMetric(c, "numRecordsIn", operator);
        assertThat(scrape()).doesNotContain("numRecordsIn");
    }

    @Test
    void meterIsExportedAsItsRate() throws Exception {
        operator.meter("numRecordsInPerSecond", new MeterView(60));
        assertThat(line(scrape(), "flink_taskmanager_job_task_operator_numRecordsInPerSecond", "")).endsWith(" 0.0");
    }

    @Test
    void aSecondReporterInARangeTakesTheNextFreePort() {
        int first = reporter.port();
        LoopbackPrometheusReporter a = open("127.0.0.1", first + "-" + (first + 20));
        try {
            assertThat(a.port()).isGreaterThan(first).isLessThanOrEqualTo(first + 20);
        } finally {
            a.close();
        }
    }

    @Test
    void aBadPortIsAClearError() {
        assertThatThrownBy(() -> open("127.0.0.1", "92x0")).hasMessageContaining("not a port or a range");
        assertThatThrownBy(() -> open("127.0.0.1", "9260-9250")).hasMessageContaining("ascending");
    }

    @Test
    void listensOnLoopbackOnly() throws Exception {
        // 127.0.0.2 reaches this machine like 127.0.0.1 does, but only a listener bound to every
        // address (0.0.0.0) answers on it: no external interface is needed to tell the two apart.
        assertThat(accepts("127.0.0.1", reporter.port())).as("127.0.0.1").isTrue();
        assertThat(accepts("127.0.0.2", reporter.port())).as("127.0.0.2, not the address it was told").isFalse();
        // The control: bound to every address, the same reporter answers there.
        LoopbackPrometheusReporter everywhere = open("0.0.0.0", "0");
        try {
            assertThat(accepts("127.0.0.2", everywhere.port())).as("bound to 0.0.0.0").isTrue();
        } finally {
            everywhere.close();
        }
    }

    private static boolean accepts(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String scrape() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + reporter.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static String line(String body, String name, String containing) {
        return body.lines()
                .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(l -> l.contains(containing))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line " + name + " with " + containing + " in:\n" + body));
    }

    /** Observations 1..1000 ms. */
    private static final class FixedHistogram implements Histogram {
        @Override
        public void update(long value) {}

        @Override
        public long getCount() {
            return 1000;
        }

        @Override
        public HistogramStatistics getStatistics() {
            return new HistogramStatistics() {
                @Override
                public double getQuantile(double quantile) {
                    return Math.round(quantile * 1000);
                }

                @Override
                public long[] getValues() {
                    return new long[0];
                }

                @Override
                public int size() {
                    return 1000;
                }

                @Override
                public double getMean() {
                    return 500.5;
                }

                @Override
                public double getStdDev() {
                    return 0;
                }

                @Override
                public long getMax() {
                    return 1000;
                }

                @Override
                public long getMin() {
                    return 1;
                }
            };
        }
    }
}
