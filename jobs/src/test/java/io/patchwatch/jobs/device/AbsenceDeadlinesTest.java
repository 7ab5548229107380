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

/** The absences the rules await ({@link AbsenceDeadlines}), on the tracker's one timer. */
class AbsenceDeadlinesTest extends TrackerHarness {
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
    void aDeadlineLeavesExactlyAtItsTimeAndOnlyABootAfterTheRestartAnswersIt() throws Exception {
        for (String device : List.of("SRV-01", "SRV-02")) {
            send(heartbeat(device, "02:00"));
            send(installed(device, "02:01", "KB1", false));
        }
        // SRV-01 booted before its restart: that boot cannot answer it.
        send(booted("SRV-01", "02:01:30"));
        send(event("SRV-01", EventKind.reboot_initiated, "02:02").build());
        send(event("SRV-02", EventKind.reboot_initiated, "02:02").build());
        send(booted("SRV-02", "02:10"));
        harness.processWatermark(at("02:21:59"));
        assertThat(facts()).as("not before restart + boot_within").noneMatch(f -> f.kind == FactKind.DEADLINE);
        assertThat(harness.numEventTimeTimers()).as("one timer per device in a session").isEqualTo(2);

        harness.processWatermark(at("02:22"));
        assertThat(facts()).filteredOn(f -> f.kind == FactKind.DEADLINE)
                .extracting(f -> f.device, f -> f.ts, f -> f.awaits.rule)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("SRV-01", at("02:22"), "reboot-hang"));
    }
}
