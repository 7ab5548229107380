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

/**
 * A device tracker on Flink's keyed operator test harness, with the built-in rules: events go in
 * with their times, watermarks fire its one timer per device, facts and resolutions come out.
 */
abstract class TrackerHarness {
    static final long N = Duration.ofMinutes(10).toMillis();
    static final long W = Duration.ofHours(4).toMillis();

    KeyedOneInputStreamOperatorTestHarness<String, DeviceEvent, DeviceFact> harness;

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

    static DeviceTracker tracker(KeyedOneInputStreamOperatorTestHarness<String, DeviceEvent, DeviceFact> h) {
        return (DeviceTracker) ((org.apache.flink.streaming.api.operators.AbstractUdfStreamOperator<?, ?>) h.getOperator()).getUserFunction();
    }

    void send(DeviceEvent e) throws Exception {
        harness.processElement(e, e.getTs());
    }

    List<DeviceFact> facts() {
        return harness.extractOutputValues();
    }

    List<DeviceFact> resolutions() {
        var side = harness.getSideOutput(JobTags.RESOLUTIONS);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    List<DeviceFact> backs() {
        var side = harness.getSideOutput(JobTags.RESOLUTIONS);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue)
                .filter(f -> f.kind == FactKind.DEVICE_BACK).collect(Collectors.toList());
    }
}
