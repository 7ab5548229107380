package io.patchwatch.connectors.sinks.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertContext;
import io.patchwatch.schemas.AlertStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookTemplateTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Alert alert(String device, String message) {
        return Alert.newBuilder().setRule("offline-after-patch").setStatus(AlertStatus.firing).setTs(1_762_741_620_000L)
                .setSeverity("critical").setTenant("acme").setDevice(device).setKbs(List.of("KB5044284"))
                .setMessage(message).setContext(AlertContext.newBuilder().setInstalledAt(1_762_740_060_000L).build())
                .setDedupKey("acme/" + device + "/offline-after-patch/1/1").build();
    }

    @Test
    void valuesAreEscapedInsideTheirJsonString() throws Exception {
        WebhookTemplate t = WebhookTemplate.compile("{\"text\": \"{{device}}: {{message}}\", \"at\": \"{{installed_at}}\", "
                + "\"site\": \"{{site}}\"}");
        String tricky = "quote \" backslash \\ newline\n tab\t \"}, \"injected\": true, \"x\": \"";
        JsonNode body = JSON.readTree(t.render(alert("SRV-01", tricky)));
        assertThat(body.get("text").asText()).isEqualTo("SRV-01: " + tricky);
        assertThat(body.has("injected")).isFalse();
        assertThat(body.get("at").asText()).isEqualTo("2025-11-10T02:01:00Z");
        assertThat(body.get("site").asText()).isEmpty();
    }

    @Test
    void jsonPlaceholdersInsertValues() throws Exception {
        WebhookTemplate t = WebhookTemplate.compile("{\"kbs\": {{kbs_json}}, \"alert\": {{ alert_json }}}");
        JsonNode body = JSON.readTree(t.render(alert("SRV-01", "m")));
        assertThat(body.get("kbs").get(0).asText()).isEqualTo("KB5044284");
        assertThat(body.get("alert").get("dedup_key").asText()).isEqualTo("acme/SRV-01/offline-after-patch/1/1");
    }

    @Test
    void mistakesAreFoundWhenTheConfigIsRead() {
        assertThatThrownBy(() -> WebhookTemplate.compile("{\"text\": \"{{hostname}}\"}"))
                .hasMessageContaining("unknown placeholder {{hostname}}").hasMessageContaining("device");
        assertThatThrownBy(() -> WebhookTemplate.compile("{\"text\": {{message}}}"))
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> WebhookTemplate.compile("{\"text\": \"{{message\"}"))
                .hasMessageContaining("never closed");
        assertThatThrownBy(() -> WebhookTemplate.compile(" ")).hasMessageContaining("needs a template");
    }
}
