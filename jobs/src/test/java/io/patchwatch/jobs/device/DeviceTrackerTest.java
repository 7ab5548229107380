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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeviceTrackerTest {
    private static final long N = Duration.ofMinutes(10).toMillis();
    private static final long W = Duration.ofHours(4).toMillis();

    private KeyedOneInputStreamOperatorTestHarness<String, DeviceEvent, DeviceFact> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new DeviceTracker(RuleSet.defaults(), Inventory.empty()), new PatchwatchJob.EventKey(), Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

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

    @Test
    void aBootInSessionCarriesTheCriticalServicesAndItsDeadlineComesAtBootPlusM() throws Exception {
        send(service("SRV-01", "01:00", "Spooler", ServiceState.running));
        send(service("SRV-01", "01:00", "W3SVC", ServiceState.running));
        send(service("SRV-01", "01:00", "Old", ServiceState.stopped));
        send(installed("SRV-01", "02:00", "KB1", true));
        send(booted("SRV-01", "02:10"));
        send(service("SRV-01", "02:12", "W3SVC", ServiceState.running));
        harness.processWatermark(at("02:19:59"));
        DeviceFact boot = facts().stream().filter(f -> f.kind == FactKind.BOOTED).findFirst().orElseThrow();
        assertThat(boot.critical).as("the learned baseline: running before the session").containsExactlyInAnyOrder("Spooler", "W3SVC");
        assertThat(boot.kbs).containsExactly("KB1");
        assertThat(facts()).as("the running service may continue the boot's match").extracting(f -> f.kind)
                .containsExactly(FactKind.PATCH_INSTALLED, FactKind.BOOTED, FactKind.SERVICE_STATE);
        assertThat(harness.numEventTimeTimers()).as("one timer for session, deadlines and silence").isEqualTo(1);

        assertThat(resolutions()).as("nothing can have fired yet: nothing to resolve").isEmpty();

        harness.processWatermark(at("02:21"));
        List<DeviceFact> deadlines = facts().stream().filter(f -> f.kind == FactKind.DEADLINE).toList();
        assertThat(deadlines).as("one per critical service; W3SVC ran at 02:12, so only the Spooler's is left")
                .extracting(f -> f.subject).containsExactly("Spooler");
        assertThat(deadlines.get(0).ts).as("boot + M").isEqualTo(at("02:20"));
        assertThat(deadlines.get(0).anchor).isEqualTo(at("02:10"));

        // A deadline passed, so an incident may be open: a running service may resolve it.
        send(service("SRV-01", "02:25", "Spooler", ServiceState.running));
        harness.processWatermark(at("02:26"));
        assertThat(resolutions()).extracting(f -> f.kind, f -> f.service)
                .contains(org.assertj.core.groups.Tuple.tuple(FactKind.SERVICE_STATE, "Spooler"));
    }

    @Test
    void aFeedCannotGrowADevicesServicesOrKbsWithoutBound() throws Exception {
        // A sender that calls a thousand names "running": only the first MAX_LEARNED_SERVICES become critical.
        for (int i = 0; i < 1000; i++) {
            send(service("SRV-01", "01:00", "Svc" + i, ServiceState.running));
        }
        for (int i = 0; i < PatchSession.MAX_KBS + 30; i++) {
            send(installed("SRV-01", "02:00", "KB" + (1000000 + i), true));
        }
        send(booted("SRV-01", "02:10"));
        harness.processWatermark(at("02:21"));

        DeviceFact boot = facts().stream().filter(f -> f.kind == FactKind.BOOTED).findFirst().orElseThrow();
        assertThat(boot.critical).hasSize(DeviceTracker.MAX_LEARNED_SERVICES);
        assertThat(boot.kbs).hasSize(PatchSession.MAX_KBS);
        assertThat(boot.moreKbs).isEqualTo(30);
    }

    @Test
    void aRestartWithoutABootWithinBIsHandedOverAtItsDeadlineAndABootInTimeIsNot() throws Exception {
        send(heartbeat("SRV-01", "02:00"));
        send(heartbeat("SRV-02", "02:00"));
        send(installed("SRV-01", "02:01", "KB1", false));
        send(installed("SRV-02", "02:01", "KB1", false));
        send(event("SRV-01", EventKind.reboot_initiated, "02:02").build());
        send(event("SRV-02", EventKind.reboot_initiated, "02:02").build());
        send(booted("SRV-02", "02:21:59"));
        harness.processWatermark(at("02:23"));

        List<DeviceFact> hung = facts().stream().filter(f -> f.kind == FactKind.DEADLINE).toList();
        assertThat(hung).as("the boot in time answered SRV-02's: CEP never sees it").extracting(f -> f.device)
                .containsExactly("SRV-01");
        assertThat(hung.get(0).ts).as("restart + B").isEqualTo(at("02:22"));
    }

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

    @Test
    void afterTheSessionClosesAQuietDeviceIsBackToItsMinimum() throws Exception {
        send(heartbeat("SRV-01", "01:59"));
        send(installed("SRV-01", "02:00", "KB1", false));
        send(booted("SRV-01", "02:05"));
        long t = at("02:06");
        // Heartbeats every minute through the session and beyond its end (02:00 + W).
        while (t <= at("02:00") + W + Duration.ofMinutes(30).toMillis()) {
            harness.processElement(heartbeatAt("SRV-01", t), t);
            harness.processWatermark(t - 5_000);
            t += 60_000;
        }

        assertThat(harness.numKeyedStateEntries()).as("device record only: session and buffer gone").isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).as("no timer once the session is over").isZero();
    }

    @Test
    void mixedCaseNamesAreOneDevice() throws Exception {
        send(heartbeat("SRV-01", "02:00"));
        send(installed("srv-01", "02:01", "KB1", false));
        harness.processWatermark(at("02:20"));

        assertThat(facts()).extracting(f -> f.kind).containsExactly(FactKind.DEVICE_SILENT);
        assertThat(facts().get(0).device).as("first spelling seen").isEqualTo("SRV-01");
    }

    private static DeviceEvent heartbeatAt(String device, long ts) {
        DeviceEvent e = heartbeat(device, "00:00");
        e.setTs(ts);
        return e;
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

    private static DeviceTracker tracker(KeyedOneInputStreamOperatorTestHarness<String, DeviceEvent, DeviceFact> h) {
        return (DeviceTracker) ((org.apache.flink.streaming.api.operators.AbstractUdfStreamOperator<?, ?>) h.getOperator()).getUserFunction();
    }

    private void send(DeviceEvent e) throws Exception {
        harness.processElement(e, e.getTs());
    }

    private List<DeviceFact> facts() {
        return harness.extractOutputValues();
    }

    private List<DeviceFact> resolutions() {
        var side = harness.getSideOutput(JobTags.RESOLUTIONS);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    private List<DeviceFact> backs() {
        var side = harness.getSideOutput(JobTags.RESOLUTIONS);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue)
                .filter(f -> f.kind == FactKind.DEVICE_BACK).collect(Collectors.toList());
    }
}
