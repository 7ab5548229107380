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

/** The tracker orchestrating its parts: event-time order, identity, fleet gauges. */
class DeviceTrackerTest extends TrackerHarness {
    @Test
    void outOfOrderEventsWithinTheBoundAreDecidedInEventTimeOrder() throws Exception {
        // The boot arrives before the install it follows: decided in arrival order, the install's
        // pending reboot would never see its boot and be reported 24 h later.
        List<DeviceEvent> night = List.of(heartbeat("SRV-01", "02:00"), booted("SRV-01", "02:05:02"),
                installed("SRV-01", "02:05", "KB1", true));
        List<String> outOfOrder = decide(night);
        // The control: the same events in time order.
        List<String> inOrder = decide(List.of(night.get(0), night.get(2), night.get(1)));

        assertThat(outOfOrder).as("the same facts as in time order").isEqualTo(inOrder)
                .as("the boot answered the install's pending reboot").contains("BOOTED " + at("02:05:02"))
                .as("no deadline at install + P").doesNotContain("DEADLINE " + (at("02:05") + Duration.ofHours(24).toMillis()));
    }

    @Test
    void mixedCaseNamesAreOneDevice() throws Exception {
        send(heartbeat("SRV-01", "02:00"));
        send(installed("srv-01", "02:01", "KB1", false));
        harness.processWatermark(at("02:20"));

        assertThat(facts()).extracting(f -> f.kind).containsExactly(FactKind.DEVICE_SILENT);
        assertThat(facts().get(0).device).as("first spelling seen").isEqualTo("SRV-01");
    }

    @Test
    void fleetGaugesFollowDevicesSessionsAndSilencesAndSurviveARestore() throws Exception {
        send(heartbeat("SRV-01", "02:00"));
        send(heartbeat("SRV-02", "02:00"));
        send(heartbeat("SRV-03", "02:00"));
        send(installed("SRV-01", "02:03", "KB5044284", false));
        send(installed("SRV-02", "02:04", "KB5044284", false));
        send(heartbeat("SRV-02", "02:10"));
        send(heartbeat("SRV-03", "02:10"));
        harness.processWatermark(at("02:16"));

        DeviceCounts counts = tracker(harness).counts();
        assertThat(counts.devices).isEqualTo(3);
        assertThat(counts.openSessions).isEqualTo(2);
        assertThat(counts.silent).as("SRV-01 silent since 02:10").isEqualTo(1);

        // A restart from a checkpoint keeps them (they are operator state).
        var snapshot = harness.snapshot(1, at("02:16"));
        harness.close();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new org.apache.flink.streaming.api.operators.KeyedProcessOperator<>(
                        new DeviceTracker(RuleSet.defaults(), Inventory.empty())),
                new PatchwatchJob.EventKey(), Types.STRING);
        harness.initializeState(snapshot);
        harness.open();
        counts = tracker(harness).counts();
        assertThat(counts.devices).isEqualTo(3);
        assertThat(counts.openSessions).isEqualTo(2);
        assertThat(counts.silent).isEqualTo(1);

        // SRV-01 comes back; both sessions end after W.
        send(heartbeat("SRV-01", "02:18"));
        send(heartbeat("SRV-02", "02:18"));
        send(heartbeat("SRV-03", "02:18"));
        harness.processWatermark(at("02:19"));
        assertThat(counts.silent).isZero();
        for (int m = 0; m <= 6 * 60; m += 5) {
            String t = String.format("%02d:%02d", 2 + (20 + m) / 60, (20 + m) % 60);
            send(heartbeat("SRV-01", t));
            send(heartbeat("SRV-02", t));
            send(heartbeat("SRV-03", t));
            harness.processWatermark(at(t) + 1000);
        }
        assertThat(counts.openSessions).isZero();
        assertThat(counts.devices).isEqualTo(3);
    }

    /** The facts (kind and time) a fresh tracker hands over for these events, then a day of silence. */
    private List<String> decide(List<DeviceEvent> events) throws Exception {
        harness.close();
        setUp();
        for (DeviceEvent e : events) {
            send(e);
        }
        harness.processWatermark(at("02:06"));
        harness.processWatermark(at("02:06") + Duration.ofHours(25).toMillis());
        return facts().stream().map(f -> f.kind + " " + f.ts).toList();
    }
}
