package io.patchwatch.connectors.sinks.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertContext;
import io.patchwatch.schemas.AlertStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeefFormatTest {
    private static Alert alert(String device, String message, AlertStatus status) {
        return Alert.newBuilder().setRule("offline-after-patch").setStatus(status).setTs(1_762_741_620_000L)
                .setSeverity("critical").setTenant("acme").setDevice(device).setKbs(List.of("KB5044284"))
                .setMessage(message).setContext(AlertContext.newBuilder().build())
                .setDedupKey("acme/" + device + "/offline-after-patch/1/1").build();
    }

    /** Reads attributes back: split on tabs, the key up to the first '=', escapes undone. */
    private static Map<String, String> attributes(String line) {
        String[] header = line.split("(?<!\\\\)\\|", 6);
        Map<String, String> out = new LinkedHashMap<>();
        for (String kv : header[5].split("\t")) {
            int eq = kv.indexOf('=');
            out.put(kv.substring(0, eq), kv.substring(eq + 1).replace("\\t", "\t").replace("\\n", "\n")
                    .replace("\\r", "\r").replace("\\\\", "\\"));
        }
        return out;
    }

    @Test
    void headerAndAttributes() {
        String line = new LeefFormat("0.1.0").format(alert("SRV-SQL-01", "SRV-SQL-01 is offline", AlertStatus.firing));
        assertThat(line).startsWith("LEEF:1.0|patchwatch|patchwatch|0.1.0|offline-after-patch|devTime=1762741620000\tsev=10\t");
        Map<String, String> a = attributes(line);
        assertThat(a).containsEntry("dvchost", "SRV-SQL-01").containsEntry("act", "firing")
                .containsEntry("externalId", "acme/SRV-SQL-01/offline-after-patch/1/1").containsEntry("cs3", "KB5044284");
    }

    @Test
    void tabsLineBreaksAndBackslashesCannotForgeAttributes() {
        String message = "a\tcat=forged\nb \\ c = d";
        String line = new LeefFormat("0.1.0").format(alert("SRV\t01", message, AlertStatus.resolved));
        assertThat(line).doesNotContain("\n").doesNotContain("\tcat=forged");
        Map<String, String> a = attributes(line);
        assertThat(a.get("msg")).isEqualTo(message);
        assertThat(a.get("dvchost")).isEqualTo("SRV\t01");
        assertThat(a.get("sev")).isEqualTo("1");
    }
}
