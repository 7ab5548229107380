package io.patchwatch.connectors.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patchwatch.connectors.sinks.pagerduty.PagerDutyEvents;
import io.patchwatch.connectors.sinks.servicenow.ServiceNowEvents;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertContext;
import io.patchwatch.schemas.AlertStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What noise control adds to an alert reaches the receivers whose details are a string map. */
class AlertDetailsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Alert grouped() {
        return Alert.newBuilder().setRule("service-down-after-reboot").setStatus(AlertStatus.firing).setTs(1_762_740_000_000L)
                .setSeverity("error").setTenant("acme").setSite("hq").setDevice("SQL-01").setKbs(List.of("KB1"))
                .setService("MSSQLSERVER").setMessage("m")
                .setContext(AlertContext.newBuilder().setPagedAt(1_762_740_030_000L).setHeldBy("offline-after-patch")
                        .setMaintenance("night").setParent("acme/SQL-01/offline-after-patch/1/1")
                        .setSubjects(List.of("MSSQLSERVER", "SQLSERVERAGENT\"}")).setSubjectCount(30).build())
                .setDedupKey("acme/SQL-01/service-down-after-reboot/1/1/MSSQLSERVER").build();
    }

    @Test
    void pagedAtHeldByMaintenanceParentAndSubjectsAreDetails() {
        assertThat(AlertDetails.of(grouped()))
                .containsEntry("paged_at", "2025-11-10T02:00:30Z")
                .containsEntry("held_by", "offline-after-patch")
                .containsEntry("maintenance", "night")
                .containsEntry("parent", "acme/SQL-01/offline-after-patch/1/1")
                .containsEntry("subjects", "MSSQLSERVER, SQLSERVERAGENT\"} (30 in all)");
    }

    @Test
    void pagerDutyAndServiceNowCarryThemInsideTheirDetails() throws Exception {
        JsonNode pd = JSON.readTree(PagerDutyEvents.body(grouped(), "key"));
        assertThat(pd.path("payload").path("custom_details").path("held_by").asText()).isEqualTo("offline-after-patch");
        assertThat(pd.path("payload").path("custom_details").path("subjects").asText()).startsWith("MSSQLSERVER, SQLSERVERAGENT\"}");

        JsonNode sn = JSON.readTree(ServiceNowEvents.body(grouped()));
        JsonNode info = JSON.readTree(sn.path("records").get(0).path("additional_info").asText());
        assertThat(info.path("maintenance").asText()).isEqualTo("night");
        assertThat(info.path("paged_at").asText()).isEqualTo("2025-11-10T02:00:30Z");
    }
}
