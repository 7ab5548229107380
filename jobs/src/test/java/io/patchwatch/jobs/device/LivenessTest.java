package io.patchwatch.jobs.device;

import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.fact.FactKind;

import static io.patchwatch.jobs.support.Events.at;
import static io.patchwatch.jobs.support.Events.booted;
import static io.patchwatch.jobs.support.Events.event;
import static io.patchwatch.jobs.support.Events.heartbeat;
import static io.patchwatch.jobs.support.Events.installed;
import static io.patchwatch.jobs.support.Events.ping;
import static io.patchwatch.jobs.support.Events.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.jobs.fact.JobTags;
import io.patchwatch.jobs.PatchwatchJob;
import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import io.patchwatch.schemas.ServiceState;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** A device's liveness ({@link Liveness}): its one coalesced timer, silence at lastSignal + N inside a session, and its end. */
class LivenessTest extends TrackerHarness {
    @Test
    void aQuietDeviceOutsideAPatchSessionKeepsNoTimerAndEmitsNothing() throws Exception {
        for (int minute = 0; minute < 60; minute++) {
            send(heartbeat("SRV-01", String.format("01:%02d", minute)));
            harness.processWatermark(at(String.format("01:%02d:30", minute)));
        }

        assertThat(facts()).isEmpty();
        assertThat(harness.numEventTimeTimers()).as("silence matters only in a session: no timer").isZero();
        assertThat(harness.numKeyedStateEntries()).as("only the device record").isEqualTo(1);
    }

    @Test
    void heartbeatsInsideASessionKeepOneCoalescedTimer() throws Exception {
        send(heartbeat("SRV-01", "01:59"));
        send(installed("SRV-01", "02:00", "KB1", false));
        for (int minute = 1; minute < 60; minute++) {
            send(heartbeat("SRV-01", String.format("02:%02d", minute)));
            harness.processWatermark(at(String.format("02:%02d:30", minute)));
        }

        assertThat(facts()).as("alive all along").noneMatch(f -> f.kind == FactKind.DEVICE_SILENT);
        assertThat(harness.numEventTimeTimers()).as("one coalesced timer").isEqualTo(1);
    }

    @Test
    void aMonitoredDeviceGoesSilentAtLastSignalPlusNInsideASession() throws Exception {
        send(heartbeat("SRV-01", "02:00"));
        send(installed("SRV-01", "02:03", "KB5044284", false));
        send(heartbeat("SRV-01", "02:05"));

        harness.processWatermark(at("02:14:59"));
        assertThat(facts()).as("not yet silent at 02:14:59").isEmpty();

        harness.processWatermark(at("02:15:00"));
        List<DeviceFact> facts = facts();
        assertThat(facts).hasSize(1);
        DeviceFact silent = facts.get(0);
        assertThat(silent.kind).isEqualTo(FactKind.DEVICE_SILENT);
        assertThat(silent.ts).isEqualTo(at("02:05") + N);
        assertThat(silent.lastSeen).isEqualTo(at("02:05"));
        assertThat(silent.sessionStart).isEqualTo(at("02:03"));
        assertThat(silent.kbs).containsExactly("KB5044284");

        send(heartbeat("SRV-01", "02:30"));
        harness.processWatermark(at("02:31"));
        assertThat(backs()).extracting(f -> f.ts).containsExactly(at("02:30"));
    }

    @Test
    void aHeartbeatPastTheDeadlineArrivingEarlyStillLeavesTheSilenceVisible() throws Exception {
        send(heartbeat("SRV-01", "02:00"));
        send(installed("SRV-01", "02:01", "KB1", false));
        // 02:11:01 is past the 02:11 deadline; it arrives before the watermark reaches 02:11.
        harness.processWatermark(at("02:10:50"));
        send(heartbeat("SRV-01", "02:11:01"));
        harness.processWatermark(at("02:12"));

        assertThat(facts()).extracting(f -> f.kind).containsExactly(FactKind.DEVICE_SILENT);
        assertThat(facts().get(0).ts).isEqualTo(at("02:11"));
        assertThat(backs()).extracting(f -> f.ts).containsExactly(at("02:11:01"));
    }

    @Test
    void aFailedPingIsNoSignOfLife() throws Exception {
        send(ping("SRV-01", "02:00", true));
        send(installed("SRV-01", "02:01", "KB1", false));
        for (int m = 2; m < 20; m++) {
            send(ping("SRV-01", String.format("02:%02d", m), false));
        }
        harness.processWatermark(at("02:20"));

        assertThat(facts()).extracting(f -> f.kind).containsExactly(FactKind.DEVICE_SILENT);
        assertThat(facts().get(0).ts).isEqualTo(at("02:11"));
    }

    @Test
    void aDeviceKnownOnlyFromItsEventLogIsNeverSilent() throws Exception {
        send(installed("SRV-01", "02:01", "KB1", false));
        harness.processWatermark(at("05:00"));

        assertThat(facts()).isEmpty();
    }

    @Test
    void aSilenceAfterTheSessionEndedIsNotReported() throws Exception {
        send(installed("SRV-01", "01:00", "KB1", false));
        send(heartbeat("SRV-01", "04:55"));
        // Session closes at 05:00; the silence starts at 05:05.
        harness.processWatermark(at("06:00"));

        assertThat(facts()).isEmpty();
    }
}
