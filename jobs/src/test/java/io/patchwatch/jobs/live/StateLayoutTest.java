package io.patchwatch.jobs.live;

import static io.patchwatch.jobs.support.Events.at;
import static io.patchwatch.jobs.support.Events.event;
import static io.patchwatch.jobs.support.Events.heartbeat;
import static io.patchwatch.jobs.support.Events.installed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchwatch.jobs.PatchwatchJob;
import io.patchwatch.jobs.device.DeviceTracker;
import io.patchwatch.jobs.device.DeviceTrackerOperator;
import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.fact.FactKind;
import io.patchwatch.jobs.fact.PatternRef;
import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** A savepoint restores its pending deadlines, or is refused with what to do: never a silent loss. */
class StateLayoutTest {

    @Test
    void aPendingDeadlineSurvivesASnapshotOfThisLayoutAndAnEarlierLayoutIsRefusedSayingWhatToDo() throws Exception {
        OperatorSubtaskState snapshot;
        try (var before = harness()) {
            before.open();
            before.processElement(new StreamRecord<>(heartbeat("SRV-01", "02:00"), at("02:00")));
            before.processElement(new StreamRecord<>(installed("SRV-01", "02:01", "KB1", true), at("02:01")));
            before.processElement(new StreamRecord<>(event("SRV-01", EventKind.reboot_initiated, "02:05").build(), at("02:05")));
            before.processWatermark(at("02:10"));
            assertThat(facts(before)).as("the restart started reboot-hang's wait for a boot")
                    .anyMatch(f -> f.kind == FactKind.REBOOT_INITIATED);
            snapshot = before.snapshot(1, at("02:10"));
        }

        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processWatermark(at("02:30"));
            assertThat(facts(restored)).as("boot_within (20m) after the restart, restored from the snapshot")
                    .anySatisfy(f -> {
                        assertThat(f.kind).isEqualTo(FactKind.DEADLINE);
                        assertThat(f.awaits).isEqualTo(new PatternRef("reboot-hang", 0));
                        assertThat(f.ts).isEqualTo(at("02:25"));
                    });
        }

        // A savepoint of layout 1 carries keyed state but no layout marker.
        OperatorSubtaskState earlierLayout = OperatorSubtaskState.builder()
                .setManagedKeyedState(snapshot.getManagedKeyedState())
                .build();
        try (var refused = harness()) {
            assertThatThrownBy(() -> refused.initializeState(earlierLayout))
                    .hasStackTraceContaining("the device tracker state in it has layout 1")
                    .hasStackTraceContaining("this version reads layout " + StateLayout.CURRENT)
                    .hasStackTraceContaining("without a savepoint");
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, DeviceEvent, DeviceFact> harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new DeviceTrackerOperator(new DeviceTracker(RuleSet.defaults(), Inventory.empty())),
                new PatchwatchJob.EventKey(), Types.STRING);
    }

    private static List<DeviceFact> facts(KeyedOneInputStreamOperatorTestHarness<String, DeviceEvent, DeviceFact> h) {
        return h.extractOutputValues();
    }
}
