package io.patchwatch.connectors.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertContext;
import io.patchwatch.schemas.AlertStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anAlertReadsBackFromItsJson() throws Exception {
        Alert full = Alert.newBuilder().setRule("patch-failed").setStatus(AlertStatus.resolved).setTs(1_762_741_620_123L)
                .setSeverity("error").setTenant("acme").setSite("hq").setDevice("SRV \"01\"").setKbs(List.of("KB1", "KB2"))
                .setService("Spooler").setMessage("line\nbreak")
                .setContext(AlertContext.newBuilder().setInstalledAt(1L).setLastSeen(2_000L).setBootedAt(3_000L)
                        .setSilentForS(600L).setUpdate("KB2").setError("0x80070643").build())
                .setDedupKey("acme/SRV/patch-failed/1/1/KB2").build();
        Alert sparse = Alert.newBuilder(full).setSite(null).setService(null).setKbs(List.of())
                .setContext(AlertContext.newBuilder().build()).build();
        for (Alert a : List.of(full, sparse)) {
            assertThat(AlertJson.fromJson(JSON.readTree(AlertJson.toJson(a)))).isEqualTo(a);
        }
    }

    @Test
    void whatIsNotAnAlertSaysWhichField() throws Exception {
        assertThatThrownBy(() -> AlertJson.fromJson(JSON.readTree("[1]"))).hasMessage("not a JSON object");
        assertThatThrownBy(() -> AlertJson.fromJson(JSON.readTree("{\"rule\":\"r\",\"status\":\"firing\"}")))
                .hasMessage("ts: missing or not a string");
        assertThatThrownBy(() -> AlertJson.fromJson(JSON.readTree("{\"rule\":\"r\",\"status\":\"open\"}")))
                .hasMessage("status: 'open' is not firing or resolved");
    }

    @Test
    void aDeadLettersPayloadCarriesNoRawControlCharacterIntoItsJson() throws Exception {
        byte[] payload = "{\"device\":\"A\u0085B\u2028C\u202eD\u001bE\u007fF\"} é".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        io.patchwatch.schemas.DeadLetter d = io.patchwatch.connectors.adapters.DeadLetters.of(
                io.patchwatch.connectors.adapters.DeadLetterReason.MALFORMED, null, "x", "f:1", payload, 0);

        String json = AlertJson.toJson(d);

        assertThat(json.chars().filter(c -> io.patchwatch.connectors.text.SafeText.isUnsafe((char) c))).isEmpty();
        assertThat(json).contains("A\\u0085B\\u2028C\\u202eD", "é");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).get("payload").asText())
                .isEqualTo(new String(payload, java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void noiseControlsContextReadsBackFromItsJson() throws Exception {
        Alert held = Alert.newBuilder().setRule("reboot-hang").setStatus(AlertStatus.firing).setTs(1_762_741_620_000L)
                .setSeverity("critical").setTenant("acme").setSite("hq").setDevice("SRV-01").setKbs(List.of("KB1"))
                .setService(null).setMessage("m (still broken at the end of maintenance window \"night\")")
                .setContext(AlertContext.newBuilder().setPagedAt(1_762_745_000_000L).setHeldBy("maintenance/night")
                        .setMaintenance("night").setParent("acme/site:hq/site-outage/1").setSubjects(List.of("A", "B\nC"))
                        .setSubjectCount(2).setDevices(List.of("SRV-01")).setCount(5).setPercent(50.0)
                        .setKbCounts(java.util.Map.of("KB1", 5)).setEpisodes(List.of(1_762_741_620_000L)).build())
                .setDedupKey("acme/SRV-01/reboot-hang/1/1").build();

        String json = AlertJson.toJson(held);

        assertThat(AlertJson.fromJson(JSON.readTree(json))).isEqualTo(held);
        assertThat(json).contains("\"paged_at\":\"2025-11-10T03:23:20Z\"", "\"held_by\":\"maintenance/night\"",
                "\"kb_counts\":{\"KB1\":5}", "\"subjects\":[\"A\",\"B\\nC\"]");
    }
}
