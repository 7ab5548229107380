package io.patchwatch.connectors.sinks.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertContext;
import io.patchwatch.schemas.AlertStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertmanagerPayloadTest {
    private static final long NOW = 1_762_740_000_000L; // 2025-11-10T02:00:00Z

    private static Alert alert(AlertStatus status, long ts, String device) {
        return Alert.newBuilder().setRule("offline-after-patch").setStatus(status).setTs(ts).setSeverity("critical")
                .setTenant("acme").setSite(null).setDevice(device).setKbs(List.of()).setService(null)
                .setMessage(device + " is offline").setContext(AlertContext.newBuilder().build())
                .setDedupKey("acme/" + device + "/offline-after-patch/1/1").build();
    }

    @Test
    void aFiringAlertIsValidUntilNowPlusTheResendValidity() throws Exception {
        JsonNode a = new ObjectMapper().readTree(
                AlertmanagerPayload.json(List.of(alert(AlertStatus.firing, NOW - 60_000, "SRV-1")), NOW, Duration.ofMinutes(5))).get(0);
        assertThat(a.path("startsAt").asText()).isEqualTo("2025-11-10T01:59:00Z");
        assertThat(a.path("endsAt").asText()).isEqualTo("2025-11-10T02:05:00Z");
        assertThat(a.path("labels").has("site")).as("unknown labels are left out, not empty").isFalse();
        assertThat(a.path("labels").has("service")).isFalse();
    }

    @Test
    void aResolveEndsAtItsTimeButNeverInTheFuture() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode past = json.readTree(AlertmanagerPayload.json(
                List.of(alert(AlertStatus.resolved, NOW - 1_000, "SRV-1")), NOW, Duration.ofMinutes(5))).get(0);
        assertThat(past.path("endsAt").asText()).isEqualTo("2025-11-10T01:59:59Z");
        assertThat(past.path("startsAt").asText()).isEqualTo(past.path("endsAt").asText());
        JsonNode future = json.readTree(AlertmanagerPayload.json(
                List.of(alert(AlertStatus.resolved, NOW + 3_600_000, "SRV-1")), NOW, Duration.ofMinutes(5))).get(0);
        assertThat(future.path("endsAt").asText()).as("a device clock ahead must not keep it firing").isEqualTo("2025-11-10T02:00:00Z");
    }

    @Test
    void quotesAndNewlinesInNamesStayInsideTheirStrings() throws Exception {
        String device = "SRV\"},{\"labels\":{\"x\":\"y\n";
        JsonNode all = new ObjectMapper().readTree(
                AlertmanagerPayload.json(List.of(alert(AlertStatus.firing, NOW, device)), NOW, Duration.ofMinutes(5)));
        assertThat(all).hasSize(1);
        assertThat(all.get(0).path("labels").path("device").asText()).isEqualTo(device);
    }

    @Test
    void noiseControlsContextTravelsAsLabelsThatTheResolveRepeats() throws Exception {
        AlertContext context = AlertContext.newBuilder().setPagedAt(NOW - 30_000).setHeldBy("site-outage/site:hq")
                .setMaintenance("night").setParent("acme/site:hq/site-outage/1").setSubjects(List.of("MSSQLSERVER", "SQLSERVERAGENT")).build();
        Alert firing = Alert.newBuilder(alert(AlertStatus.firing, NOW - 60_000, "SRV-1")).setContext(context).build();
        Alert resolved = Alert.newBuilder(firing).setStatus(AlertStatus.resolved).setTs(NOW - 1_000).build();

        JsonNode both = new ObjectMapper().readTree(AlertmanagerPayload.json(List.of(firing, resolved), NOW, Duration.ofMinutes(5)));

        for (JsonNode a : both) {
            assertThat(a.path("labels").path("held_by").asText()).isEqualTo("site-outage/site:hq");
            assertThat(a.path("labels").path("maintenance").asText()).isEqualTo("night");
            assertThat(a.path("labels").path("parent").asText()).isEqualTo("acme/site:hq/site-outage/1");
            assertThat(a.path("annotations").path("subjects").asText()).isEqualTo("MSSQLSERVER, SQLSERVERAGENT");
        }
        assertThat(both.get(0).path("labels")).as("one alert for Alertmanager: the same labels").isEqualTo(both.get(1).path("labels"));
    }
}
