package io.patchwatch.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patchwatch.jobs.support.Scenario;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replay --status-out}: a night with one device of each outcome, and every device's final
 * status as an operator asks the morning after (FLEET.md, Patch status).
 */
class ReplayStatusITCase {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Every 5 minutes from 02:05 to 02:45, from every device but GONE-1 (no silence of theirs to judge). */
    private static String heartbeats() {
        StringBuilder b = new StringBuilder();
        for (int minute = 5; minute <= 45; minute += 5) {
            for (String device : new String[] {"OK-1", "FAIL-1", "PEND-1", "SVC-1"}) {
                b.append(String.format("02:%02d %s heartbeat%n", minute, device));
            }
        }
        return b.toString();
    }

    @Test
    void everyDeviceEndsInTheStateItsNightLeftItIn() throws Exception {
        Path events = dir.resolve("night.jsonl");
        Files.write(events, Scenario.of("""
                02:00 OK-1 heartbeat
                02:00 FAIL-1 heartbeat
                02:00 GONE-1 heartbeat
                02:00 PEND-1 heartbeat
                02:00 SVC-1 heartbeat
                02:00 OK-1 patch_installed kb=KB1 reboot_required=true
                02:00 FAIL-1 patch_failed kb=KB2 error=0x80070002
                02:00 GONE-1 patch_installed kb=KB3
                02:00 PEND-1 patch_installed kb=KB4 reboot_required=true
                02:00 SVC-1 patch_installed kb=KB5
                02:01 GONE-1 reboot_initiated
                02:01 OK-1 reboot_initiated
                02:01 SVC-1 reboot_initiated
                02:03 OK-1 booted
                02:03 SVC-1 booted
                02:04 SVC-1 service_state service=MSSQLSERVER state=stopped
                """ + heartbeats()).jsonLines());
        Path status = dir.resolve("status.jsonl");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = PatchwatchCli.run(new String[] {"replay", "--events", events.toString(), "--out", dir.resolve("alerts.jsonl").toString(),
                        "--status-out", status.toString(), "--quiet"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        Map<String, JsonNode> byDevice = new LinkedHashMap<>();
        for (String line : Files.readAllLines(status)) {
            JsonNode n = JSON.readTree(line);
            byDevice.put(n.get("device").asText(), n);
        }
        assertThat(byDevice.keySet()).containsExactly("FAIL-1", "GONE-1", "OK-1", "PEND-1", "SVC-1");
        assertThat(byDevice).allSatisfy((device, s) -> assertThat(s.get("tenant").asText()).isEqualTo("acme"));
        assertThat(byDevice.get("OK-1").get("state").asText()).as(Files.readString(status)).isEqualTo("healthy");
        assertThat(byDevice.get("OK-1").get("reboot").asText()).isEqualTo("booted");
        assertThat(byDevice.get("OK-1").get("session").get("installed").toString()).isEqualTo("[\"KB1\"]");
        assertThat(byDevice.get("FAIL-1").get("state").asText()).isEqualTo("failed");
        assertThat(byDevice.get("FAIL-1").get("session").get("failed").get("KB2").asText()).isEqualTo("0x80070002");
        assertThat(byDevice.get("PEND-1").get("state").asText()).isEqualTo("pending_reboot");
        assertThat(byDevice.get("SVC-1").get("state").asText()).isEqualTo("service_down");
        assertThat(byDevice.get("SVC-1").get("services_down").toString()).isEqualTo("[\"MSSQLSERVER\"]");
        JsonNode gone = byDevice.get("GONE-1");
        assertThat(gone.get("state").asText()).isEqualTo("offline");
        assertThat(gone.get("online").asBoolean()).isFalse();
        assertThat(gone.get("incidents").findValuesAsText("rule")).contains("offline-after-patch");
        assertThat(gone.get("incidents").get(0).get("paged").asBoolean()).isTrue();
    }
}
