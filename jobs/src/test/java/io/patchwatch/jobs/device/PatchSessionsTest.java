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

/** A device's patch sessions ({@link PatchSessions}): opened by an install, closed W after the last, their KBs and crashes. */
class PatchSessionsTest extends TrackerHarness {
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

    private static DeviceEvent heartbeatAt(String device, long ts) {
        DeviceEvent e = heartbeat(device, "00:00");
        e.setTs(ts);
        return e;
    }

    @Test
    void oneCrashLoggedTwiceIsOneFactAndABootBetweenMakesTwo() throws Exception {
        send(heartbeat("SRV-01", "02:00"));
        send(installed("SRV-01", "02:01", "KB1", true));
        // EventLog 6008 and Kernel-Power 41 for one crash, logged at the next boot.
        send(event("SRV-01", EventKind.unexpected_shutdown, "02:10").build());
        send(event("SRV-01", EventKind.unexpected_shutdown, "02:11").build());
        send(booted("SRV-01", "02:15"));
        // A boot came between: a second crash, however close.
        send(event("SRV-01", EventKind.unexpected_shutdown, "02:18").build());
        harness.processWatermark(at("02:30"));

        assertThat(facts()).filteredOn(f -> f.kind == FactKind.UNEXPECTED_SHUTDOWN).extracting(f -> f.ts)
                .containsExactly(at("02:10"), at("02:18"));
    }

    @Test
    void aSessionNamesEachUpdateOnceKbsAndTitledUpdatesApart() throws Exception {
        send(heartbeat("SRV-01", "02:00"));
        send(installed("SRV-01", "02:01", "KB1", true));
        send(installed("SRV-01", "02:02", "KB1", true));
        send(event("SRV-01", EventKind.patch_installed, "02:03").setUpdateId("drv-7").setTitle("Intel NIC driver").build());
        send(event("SRV-01", EventKind.patch_installed, "02:04").setUpdateId("drv-7").setTitle("Intel NIC driver").build());
        send(installed("SRV-01", "02:05", "KB2", false));
        send(event("SRV-01", EventKind.reboot_initiated, "02:06").build());
        harness.processWatermark(at("02:07"));

        DeviceFact restart = facts().stream().filter(f -> f.kind == FactKind.REBOOT_INITIATED).findFirst().orElseThrow();
        assertThat(restart.kbs).containsExactly("KB1", "KB2");
        assertThat(restart.updates).containsExactly("Intel NIC driver");
        assertThat(restart.sessionStart).isEqualTo(at("02:01"));
    }

    @Test
    void aSessionStaysOpenWAfterItsLastInstall() throws Exception {
        // SRV-01 installs again at 03:00: its session is open until 07:00; SRV-02's closed at 06:00.
        for (String device : List.of("SRV-01", "SRV-02")) {
            send(heartbeat(device, "01:59"));
            send(installed(device, "02:00", "KB1", false));
        }
        send(installed("SRV-01", "03:00", "KB2", false));
        for (String device : List.of("SRV-01", "SRV-02")) {
            send(event(device, EventKind.reboot_initiated, "06:59").build());
        }
        harness.processWatermark(at("07:00"));

        assertThat(facts()).filteredOn(f -> f.kind == FactKind.REBOOT_INITIATED)
                .as("a restart in session starts reboot-hang; outside one it starts nothing and stays")
                .extracting(f -> f.device, f -> f.sessionStart)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("SRV-01", at("02:00")));
    }
}
