package io.patchwatch.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patchwatch.jobs.support.StatusNight;
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
 * {@code replay --status-out}: a night with one device of each outcome ({@link StatusNight}), and every device's final
 * status as an operator asks the morning after (FLEET.md, Patch status).
 */
class ReplayStatusITCase {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void everyDeviceEndsInTheStateItsNightLeftItIn() throws Exception {
        Path events = dir.resolve("night.jsonl");
        Files.write(events, StatusNight.NIGHT.jsonLines());
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
        // RETIRED-1, heard of once at 00:50, is healthy: a replay forgets after the default 30 days.
        assertThat(byDevice.keySet()).containsExactly("FAIL-1", "GONE-1", "OK-1", "PEND-1", "RETIRED-1", "SVC-1");
        assertThat(byDevice.get("RETIRED-1").get("state").asText()).isEqualTo("healthy");
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
