package io.patchwatch.connectors.sinks.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertContext;
import io.patchwatch.schemas.AlertStatus;
import io.patchwatch.testkit.alertmanager.AlertmanagerServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** patchwatch alerts posted to a real Alertmanager: fired ones are listed with their labels, resolved ones leave. */
class AlertmanagerITCase {
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

    @Test
    void firedAlertsAppearWithTheirLabelsAndLeaveAfterTheResolve() throws Exception {
        long firedAt = System.currentTimeMillis() - 60_000;
        Alert sql = alert("SQL-01", "MSSQLSERVER", AlertStatus.firing, firedAt);
        Alert web = alert("WEB-01", "W3SVC", AlertStatus.firing, firedAt);
        try (AlertmanagerServer am = AlertmanagerServer.start(dir)) {
            AlertmanagerClient client = new AlertmanagerClient(am.url(), null, Duration.ofMinutes(5), Duration.ofSeconds(5));

            assertThat(client.post(List.of(sql, web))).isEqualTo(200);
            JsonNode listed = awaitAlerts(am, 2);
            JsonNode first = find(listed, "SQL-01");
            assertThat(first.path("labels").path("alertname").asText()).isEqualTo("service-down-after-reboot");
            assertThat(first.path("labels").path("tenant").asText()).isEqualTo("acme");
            assertThat(first.path("labels").path("severity").asText()).isEqualTo("error");
            assertThat(first.path("labels").path("service").asText()).isEqualTo("MSSQLSERVER");
            assertThat(first.path("labels").path("dedup_key").asText()).isEqualTo(sql.getDedupKey());
            assertThat(first.path("annotations").path("summary").asText()).isEqualTo(sql.getMessage());
            assertThat(first.path("status").path("state").asText()).isEqualTo("active");

            // The resolve of one (as patchwatch makes it: the firing alert with status and time
            // changed, so the same labels): it leaves, the other stays.
            Alert resolved = Alert.newBuilder(sql).setStatus(AlertStatus.resolved).setTs(System.currentTimeMillis()).build();
            assertThat(client.post(List.of(resolved))).isEqualTo(200);
            JsonNode after = awaitAlerts(am, 1);
            assertThat(after).hasSize(1);
            assertThat(after.get(0).path("labels").path("device").asText()).isEqualTo("WEB-01");
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
