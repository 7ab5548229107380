package io.patchwatch.connectors.sinks.alertmanager;

import io.patchwatch.connectors.sinks.http.HttpEndpoint;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertContext;
import io.patchwatch.schemas.AlertStatus;
import io.patchwatch.connectors.sinks.delivery.AlertRoute;
import io.patchwatch.connectors.sinks.delivery.DeliveryOperator;
import io.patchwatch.connectors.sinks.delivery.DeliveryPolicy;
import io.patchwatch.connectors.sinks.delivery.FailedDelivery;
import io.patchwatch.connectors.sinks.delivery.SinkSpec;
import io.patchwatch.testkit.PatchwatchMiniCluster;
import io.patchwatch.testkit.alertmanager.AlertmanagerServer;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts through the delivery operator (on a Flink mini cluster) to a real Alertmanager: fired ones are
 * listed with their labels, stay active while firing thanks to the re-sends, and leave after the resolve.
 */
class AlertmanagerITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = PatchwatchMiniCluster.extension();

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static Alert alert(String device, String service, AlertStatus status, long ts) {
        return Alert.newBuilder().setRule("service-down-after-reboot").setStatus(status).setTs(ts)
                .setSeverity("error").setTenant("acme").setSite("hq").setDevice(device).setKbs(List.of("KB5044284"))
                .setService(service).setMessage(service + " is not running after the post-patch reboot of " + device)
                .setContext(AlertContext.newBuilder().setInstalledAt(ts - 600_000).build())
                .setDedupKey("acme/" + device + "/service-down-after-reboot/" + (ts - 600_000) + "/1/" + service).build();
    }

    /** Alerts of the job: two firing, then (when the test says so) the resolve of the first. */
    static final CountDownLatch RESOLVE = new CountDownLatch(1);
    private static final long FIRED_AT = System.currentTimeMillis() - 60_000;
    private static final Alert SQL = alert("SQL-01", "MSSQLSERVER", AlertStatus.firing, FIRED_AT);
    private static final Alert WEB = alert("WEB-01", "W3SVC", AlertStatus.firing, FIRED_AT);

    private static Alert nth(long i) throws InterruptedException {
        if (i == 0) {
            return SQL;
        }
        if (i == 1) {
            return WEB;
        }
        RESOLVE.await();
        // As patchwatch makes a resolve: the firing alert with status and time changed, so the same labels.
        return Alert.newBuilder(SQL).setStatus(AlertStatus.resolved).setTs(System.currentTimeMillis()).build();
    }

    @Test
    void firedAlertsAppearWithTheirLabelsStayWhileFiringAndLeaveAfterTheResolve() throws Exception {
        try (AlertmanagerServer am = AlertmanagerServer.start(dir)) {
            // Valid for 2 s only, re-sent twice a second: without the re-sends Alertmanager would resolve them.
            DeliveryPolicy policy = DeliveryPolicy.defaults().withResendInterval(Duration.ofMillis(500));
            SinkSpec spec = new SinkSpec("alertmanager", "alertmanager", new AlertmanagerSink.Settings(HttpEndpoint.of(am.url()),
                    null, policy.resendInterval(), Duration.ofSeconds(2)), AlertRoute.all(), policy);
            StreamExecutionEnvironment env = PatchwatchMiniCluster.environment();
            env.fromSource(new DataGeneratorSource<>(AlertmanagerITCase::nth, 3, new AvroTypeInfo<>(Alert.class)),
                            WatermarkStrategy.noWatermarks(), "alerts").setParallelism(1)
                    .keyBy(Alert::getDedupKey)
                    .transform("Deliver to Alertmanager", TypeInformation.of(FailedDelivery.class),
                            new DeliveryOperator(spec, "test", false))
                    .sinkTo(new DiscardingSink<>());
            JobClient job = env.executeAsync("alertmanager");
            try {
                JsonNode listed = awaitAlerts(am, 2);
                JsonNode first = find(listed, "SQL-01");
                assertThat(first.path("labels").path("alertname").asText()).isEqualTo("service-down-after-reboot");
                assertThat(first.path("labels").path("rule").asText()).isEqualTo("service-down-after-reboot");
                assertThat(first.path("labels").path("tenant").asText()).isEqualTo("acme");
                assertThat(first.path("labels").path("device").asText()).isEqualTo("SQL-01");
                assertThat(first.path("labels").path("severity").asText()).isEqualTo("error");
                assertThat(first.path("labels").path("service").asText()).isEqualTo("MSSQLSERVER");
                assertThat(first.path("labels").path("dedup_key").asText()).isEqualTo(SQL.getDedupKey());
                assertThat(first.path("annotations").path("summary").asText()).isEqualTo(SQL.getMessage());
                assertThat(first.path("annotations").path("description").asText()).contains("KB5044284");
                assertThat(first.path("status").path("state").asText()).isEqualTo("active");
                Instant firstEnd = Instant.parse(first.path("endsAt").asText());

                // Until three validity periods later, both stay active at every look, their end pushed
                // on by the re-sends.
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                JsonNode later = awaitAlerts(am, 2);
                while (!Instant.parse(find(later, "SQL-01").path("endsAt").asText()).isAfter(firstEnd.plusSeconds(6))) {
                    assertThat(later).allSatisfy(a -> assertThat(a.path("status").path("state").asText()).isEqualTo("active"));
                    assertThat(System.nanoTime()).as("SQL-01's end pushed 6 s on: " + later).isLessThan(deadline);
                    Thread.sleep(200);
                    later = awaitAlerts(am, 2);
                }
                assertThat(later).allSatisfy(a -> assertThat(a.path("status").path("state").asText()).isEqualTo("active"));

                RESOLVE.countDown();
                JsonNode after = awaitAlerts(am, 1);
                assertThat(after.get(0).path("labels").path("device").asText()).isEqualTo("WEB-01");
            } finally {
                RESOLVE.countDown();
                job.cancel();
            }
        }
    }

    private static JsonNode find(JsonNode alerts, String device) {
        for (JsonNode a : alerts) {
            if (device.equals(a.path("labels").path("device").asText())) {
                return a;
            }
        }
        throw new AssertionError("no alert for " + device + " in " + alerts);
    }

    private static JsonNode awaitAlerts(AlertmanagerServer am, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode alerts = JSON.createArrayNode();
        while (System.nanoTime() < deadline) {
            alerts = JSON.readTree(am.alerts());
            if (alerts.size() == count) {
                return alerts;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Alertmanager lists " + alerts.size() + " alerts, not " + count + ": " + alerts);
    }
}
