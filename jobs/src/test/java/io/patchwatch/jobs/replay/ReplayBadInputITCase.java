package io.patchwatch.jobs.replay;

import static io.patchwatch.jobs.support.Scenario.summary;
import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.jobs.support.Scenario;
import io.patchwatch.schemas.DeadLetter;
import io.patchwatch.testkit.PatchwatchMiniCluster;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad records among good ones: each becomes a dead letter with its reason, the alerts stay right. */
class ReplayBadInputITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = PatchwatchMiniCluster.extension();

    private static final String GOOD = """
            02:00 SRV-01 heartbeat
            02:03 SRV-01 patch_installed kb=KB5044284
            02:04 SRV-01 heartbeat
            02:30 SRV-01 heartbeat
            """;

    @Test
    void badRecordsBecomeDeadLettersAndTheRunGoesOn() throws Exception {
        Scenario s = Scenario.of(GOOD)
                .raw("{\"ts\":\"2026-11-10T02:05:00Z\",\"device\":\"SRV-01\",\"kind\":\"rebooted\"}")
                .raw("{\"ts\":\"2026-11-10T02:05:00Z\",\"kind\":\"heartbeat\"}")
                .raw("{\"device\":\"SRV-01\",\"kind\":\"heartbeat\"}")
                .raw("{\"ts\":\"10 Nov 2026 02:05\",\"device\":\"SRV-01\",\"kind\":\"heartbeat\"}")
                .raw("{\"ts\":\"2026-11-18T02:05:00Z\",\"device\":\"SRV-01\",\"kind\":\"heartbeat\"}")
                .raw("{\"ts\":\"2026-11-10T02:05:00Z\",\"device\":\"SRV-01\",\"kind\":\"ping\",\"ok\":\"yes\"}")
                .raw("{\"ts\":\"2026-11-10T02:05:00Z\",\"device\":\"SRV-01\",\"kind\":\"heartbeat\",\"pad\":\""
                        + "x".repeat(1024 * 1024 + 10) + "\"}")
                .raw("this is not json")
                .raw("{\"ts\":\"2026-11-10T02:05:00Z\",\"device\":\"SRV-01\",");

        Replay.Result result = s.replay();

        assertThat(summary(result.alerts())).containsExactly(
                "02:14:00 firing offline-after-patch SRV-01 [KB5044284]",
                "02:30:00 resolved offline-after-patch SRV-01 [KB5044284]");
        Map<String, List<String>> byReason = result.deadLetters().stream().collect(
                Collectors.groupingBy(DeadLetter::getReason, Collectors.mapping(d -> String.valueOf(d.getField()), Collectors.toList())));
        assertThat(byReason).containsOnlyKeys(
                "invalid_value", "missing_field", "ts_in_future", "wrong_type", "too_large", "malformed");
        assertThat(byReason.get("invalid_value")).containsExactlyInAnyOrder("kind", "ts");
        assertThat(byReason.get("missing_field")).containsExactlyInAnyOrder("device", "ts");
        assertThat(byReason.get("ts_in_future")).containsExactly("ts");
        assertThat(byReason.get("wrong_type")).containsExactly("ok");
        assertThat(byReason.get("too_large")).hasSize(1);
        assertThat(byReason.get("malformed")).hasSize(2);
        assertThat(result.deadLetters()).allSatisfy(d -> {
            assertThat(d.getOrigin()).startsWith("scenario:");
            assertThat(d.getDetail()).isNotBlank();
        });
        DeadLetter big = result.deadLetters().stream().filter(d -> d.getReason().equals("too_large")).findFirst().orElseThrow();
        assertThat(big.getPayloadSize()).isGreaterThan(1024 * 1024);
        assertThat(big.getPayload().remaining()).as("only a bounded copy is kept").isEqualTo(64 * 1024);
        DeadLetter junk = result.deadLetters().stream()
                .filter(d -> text(d.getPayload()).equals("this is not json")).findFirst().orElseThrow();
        assertThat(junk.getReason()).isEqualTo("malformed");
    }

    @Test
    void anEventFarInTheFutureDoesNotDragTheClockForward() throws Exception {
        // Sorted, the 2099 event comes last and is refused; the clock stops at 02:30, not in 2099.
        Replay.Result result = Scenario.of(GOOD)
                .raw("{\"ts\":\"2099-01-01T00:00:00Z\",\"device\":\"SRV-01\",\"kind\":\"heartbeat\"}")
                .raw("{\"ts\":\"2026-11-10T02:00:00Z\",\"device\":\"NEW-01\",\"kind\":\"patch_installed\",\"kb\":\"KB1\",\"reboot_required\":true}")
                .replay();

        assertThat(result.clockStop()).isEqualTo(Scenario.time("02:30"));
        assertThat(result.deadLetters()).extracting(DeadLetter::getReason).containsExactly("ts_in_future");
        assertThat(summary(result.alerts())).as("NEW-01's pending reboot is not due by 02:30").hasSize(2);
    }

    private static String text(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] bytes = new byte[d.remaining()];
        d.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
