package io.patchwatch.jobs.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.fact.FactKind;
import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.schemas.DeviceStatus;
import io.patchwatch.schemas.PatchState;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A device's status records: taken at the watermark, at most one per interval, the newest when it is over. */
class DeviceStatusOperatorTest {
    private static final long T = 1_794_276_000_000L;
    private KeyedTwoInputStreamOperatorTestHarness<String, DeviceFact, IncidentChange, StatusChange> harness;

    /** The status records sent so far. */
    private List<DeviceStatus> sent() {
        return harness.extractOutputValues().stream().filter(c -> !c.forgotten()).map(c -> c.status).toList();
    }

    /** The devices forgotten so far (their tombstones). */
    private List<String> forgotten() {
        return harness.extractOutputValues().stream().filter(StatusChange::forgotten).map(c -> c.key).toList();
    }

    private DeviceStatusOperator open(long minIntervalMs) throws Exception {
        DeviceStatusOperator function = new DeviceStatusOperator(Inventory.empty(), minIntervalMs);
        harness = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(function, f -> f.key, c -> c.key, Types.STRING);
        harness.open();
        return function;
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void fact(FactKind kind, long ts, String kb) throws Exception {
        fact("SRV-01", kind, ts, kb);
    }

    private void fact(String device, FactKind kind, long ts, String kb) throws Exception {
        DeviceFact f = new DeviceFact();
        f.key = "acme/" + device.toLowerCase(java.util.Locale.ROOT);
        f.tenant = "acme";
        f.device = device;
        f.kind = kind;
        f.ts = ts;
        f.kb = kb;
        harness.processElement1(new StreamRecord<>(f, ts));
    }

    @Test
    void aDeviceNotHeardOfForTheExpiryIsForgottenWithATombstone() throws Exception {
        long hour = 3_600_000;
        DeviceStatusOperator function = new DeviceStatusOperator(Inventory.empty(), 10_000, hour, Long.MAX_VALUE);
        harness = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(function, f -> f.key, c -> c.key, Types.STRING);
        harness.open();
        fact("GONE-1", FactKind.DEVICE_SEEN, T, null);
        fact("LIVE-1", FactKind.DEVICE_SEEN, T, null);
        harness.processBothWatermarks(new Watermark(T));
        assertThat(sent()).as("a device first heard of is news").extracting(DeviceStatus::getDevice)
                .containsExactlyInAnyOrder("GONE-1", "LIVE-1");
        fact("LIVE-1", FactKind.DEVICE_SEEN, T + 50 * 60_000, null); // the next hour's first heartbeat
        harness.processBothWatermarks(new Watermark(T + hour + 1));
        assertThat(forgotten()).containsExactly("acme/gone-1");
        assertThat(sent()).as("last seen alone sends nothing").hasSize(2);

        harness.processBothWatermarks(new Watermark(T + 2 * hour));
        assertThat(forgotten()).containsExactly("acme/gone-1", "acme/live-1");
    }

    @Test
    void theFleetGaugesFollowEachDevicesStateAndAreRebuiltFromARestoredCheckpoint() throws Exception {
        long hour = 3_600_000;
        DeviceStatusOperator function = new DeviceStatusOperator(Inventory.empty(), 0, hour, Long.MAX_VALUE);
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(new DeviceStatusOperator.Runner(function, false),
                f -> f.key, c -> c.key, Types.STRING);
        harness.open();
        String failed = "acme\u0000\u0000all\u0000failed";
        String healthy = "acme\u0000\u0000all\u0000healthy";
        fact("SRV-01", FactKind.DEVICE_SEEN, T, null);
        fact("SRV-02", FactKind.DEVICE_SEEN, T, null);
        harness.processBothWatermarks(new Watermark(T));
        assertThat(function.gauges.get(healthy)).isEqualTo(2);
        fact("SRV-01", FactKind.PATCH_FAILED, T + 1_000, "KB1");
        harness.processBothWatermarks(new Watermark(T + 1_000));
        assertThat(function.gauges.get(healthy)).isEqualTo(1);
        assertThat(function.gauges.get(failed)).isEqualTo(1);

        var snapshot = harness.snapshot(1, T + 2_000);
        harness.close();
        DeviceStatusOperator restored = new DeviceStatusOperator(Inventory.empty(), 0, hour, Long.MAX_VALUE);
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(new DeviceStatusOperator.Runner(restored, false),
                f -> f.key, c -> c.key, Types.STRING);
        harness.initializeState(snapshot);
        harness.open();
        assertThat(restored.gauges.get(healthy)).as("counted from the restored statuses").isEqualTo(1);
        assertThat(restored.gauges.get(failed)).isEqualTo(1);

        // A restored status is changed in place like a new one (its lists were Avro's).
        harness.processBothWatermarks(new Watermark(T + 3_000));
        fact("SRV-01", FactKind.PATCH_INSTALLED, T + 3_000, "KB1");
        IncidentChange opened = new IncidentChange();
        opened.key = "acme/srv-01";
        opened.dedupKey = "acme/SRV-01/patch-failed/1";
        opened.rule = "patch-failed";
        opened.ts = T + 3_000;
        opened.firedAt = T + 3_000;
        opened.open = true;
        opened.paged = true;
        harness.processElement2(new StreamRecord<>(opened, T + 3_000));
        var closed = snapshotAndRestoreClosing(opened, hour);
        assertThat(closed.getIncidents()).isEmpty();
        assertThat(closed.getSession().getFailed()).isEmpty();
        assertThat(closed.getTimeline()).extracting(step -> step.getWhat())
                .containsSubsequence("install_failed", "installed", "incident_paged", "incident_closed");
        restored = lastRestored;

        assertThat(restored.gauges.get(healthy)).as("SRV-01 installed what had failed").isEqualTo(2);
        assertThat(restored.gauges.get(failed)).isZero();

        // SRV-02 heard of again, SRV-01 not: SRV-01 is forgotten and leaves the gauges.
        fact("SRV-02", FactKind.DEVICE_SEEN, T + hour, null);
        harness.processBothWatermarks(new Watermark(T + hour + 5_000));
        assertThat(forgotten()).containsExactly("acme/srv-01");
        assertThat(restored.gauges.get(healthy)).isEqualTo(1);
    }

    private DeviceStatusOperator lastRestored;

    /** Restores the harness from a snapshot, then closes {@code opened}: the status after it. */
    private DeviceStatus snapshotAndRestoreClosing(IncidentChange opened, long expiryMs) throws Exception {
        var snapshot = harness.snapshot(2, opened.ts);
        harness.close();
        lastRestored = new DeviceStatusOperator(Inventory.empty(), 0, expiryMs, Long.MAX_VALUE);
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(new DeviceStatusOperator.Runner(lastRestored, false),
                f -> f.key, c -> c.key, Types.STRING);
        harness.initializeState(snapshot);
        harness.open();
        IncidentChange closing = new IncidentChange();
        closing.key = opened.key;
        closing.dedupKey = opened.dedupKey;
        closing.rule = opened.rule;
        closing.ts = opened.ts + 1_000;
        closing.firedAt = opened.firedAt;
        closing.open = false;
        harness.processBothWatermarks(new Watermark(closing.ts));
        harness.processElement2(new StreamRecord<>(closing, closing.ts));
        List<DeviceStatus> sent = sent();
        return sent.get(sent.size() - 1);
    }

    @Test
    void changesWithinTheIntervalGoOutOnceWithTheNewestStatus() throws Exception {
        open(10_000);
        fact(FactKind.PATCH_INSTALLED, T, "KB1");
        fact(FactKind.PATCH_INSTALLED, T + 2_000, "KB2");
        fact(FactKind.PATCH_FAILED, T + 4_000, "KB3");
        harness.processBothWatermarks(new Watermark(T + 5_000));
        List<DeviceStatus> out = sent();
        assertThat(out).as("the first at once, the next two held").hasSize(1);
        assertThat(out.get(0).getSession().getInstalled()).containsExactly("KB1");

        harness.processBothWatermarks(new Watermark(T + 10_000));
        out = sent();
        assertThat(out).hasSize(2);
        assertThat(out.get(1).getSession().getInstalled()).containsExactly("KB1", "KB2");
        assertThat(out.get(1).getState()).isEqualTo(PatchState.failed);
        assertThat(out.get(1).getTs()).isEqualTo(T + 4_000);

        harness.processBothWatermarks(new Watermark(T + 60_000));
        assertThat(sent()).as("nothing changed since").hasSize(2);
    }

    @Test
    void aFactAheadOfTheWatermarkWaitsForItAndNothingPastAClockStopIsTaken() throws Exception {
        DeviceStatusOperator function = open(0);
        harness.processBothWatermarks(new Watermark(T));
        fact(FactKind.PATCH_INSTALLED, T, "KB1");
        fact(FactKind.DEVICE_SILENT, T + 600_000, null); // ahead of the watermark: taken when it passes
        assertThat(sent()).hasSize(1);
        harness.processBothWatermarks(new Watermark(T + 600_000));
        assertThat(sent()).hasSize(2);
        assertThat(sent().get(1).getState()).isEqualTo(PatchState.offline);

        // A replay ends: its clock stopped at T + 700 s; the return at T + 900 s is past it.
        fact(FactKind.DEVICE_BACK, T + 900_000, null);
        function.stopClockAt(T + 700_000);
        harness.processBothWatermarks(new Watermark(Long.MAX_VALUE));
        assertThat(sent()).hasSize(2);
    }
}
