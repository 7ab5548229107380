package io.patchwatch.benchmarks;

import io.patchwatch.jobs.PatchwatchJob;
import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.device.DeviceTracker;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.storage.JobManagerCheckpointStorage;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;

/**
 * Keyed state of the DeviceTracker per quiet device (monitored, no open session), on the heap state
 * backend, measured two ways:
 *
 * <ul>
 *   <li>checkpointed bytes: the size of a snapshot of the keyed state, divided by the devices;
 *   <li>heap bytes: the retained heap after a full GC, divided by the devices; this includes what a
 *       snapshot leaves out (the key, state map entries, the one pending timer).
 * </ul>
 *
 * Half of the devices only ever heartbeat; the other half went through a whole patch session
 * (install, reboot, boot, services) that closed: both must come back to the same small footprint.
 *
 * <pre>{@code
 * java -cp ... io.patchwatch.benchmarks.StateSizeBenchmark [devices]
 * }</pre>
 */
public final class StateSizeBenchmark {
    private static final long START = Instant.parse("2026-11-10T00:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000L;

    public static void main(String[] args) throws Exception {
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        long before = usedHeap();
        KeyedOneInputStreamOperatorTestHarness<String, DeviceEvent, DeviceFact> harness =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new DeviceTracker(RuleSet.defaults(), Inventory.empty()), new PatchwatchJob.EventKey(), Types.STRING);
        // The default in-memory checkpoint storage refuses snapshots over 5 MB.
        harness.setCheckpointStorage(new JobManagerCheckpointStorage(Integer.MAX_VALUE));
        harness.open();
        long afterOpen = usedHeap();

        // Patched half: a session at 00:05, closed 4 h later; everyone heartbeats once a minute.
        long sessionEnd = START + 5 * MINUTE + Duration.ofHours(4).toMillis();
        for (int d = 0; d < devices; d += 2) {
            String name = name(d);
            send(harness, event(name, EventKind.patch_installed, START + 5 * MINUTE).setKb("KB5044284").setUpdateId("KB5044284").setRebootRequired(true));
            send(harness, event(name, EventKind.reboot_initiated, START + 6 * MINUTE));
            send(harness, event(name, EventKind.booted, START + 8 * MINUTE));
        }
        for (long t = START; t <= sessionEnd + 10 * MINUTE; t += MINUTE) {
            for (int d = 0; d < devices; d++) {
                send(harness, event(name(d), EventKind.heartbeat, t + d % 60 * 1000L));
            }
            if ((t - START) % (10 * MINUTE) == 0) {
                harness.processWatermark(t - 5_000);
            }
        }
        // Only the operator's state should remain: drop what the harness collected as output.
        harness.getOutput().clear();
        var resolutions = harness.getSideOutput(io.patchwatch.jobs.fact.JobTags.RESOLUTIONS);
        if (resolutions != null) {
            resolutions.clear();
        }
        long used = usedHeap();

        OperatorSubtaskState snapshot = harness.snapshot(1, sessionEnd);
        long checkpointed = 0;
        for (KeyedStateHandle h : snapshot.getManagedKeyedState()) {
            checkpointed += h.getStateSize();
        }
        System.out.printf("devices                      %,d (half of them after a closed patch session)%n", devices);
        System.out.printf("keyed state entries          %,d%n", harness.numKeyedStateEntries());
        System.out.printf("pending timers               %,d%n", harness.numEventTimeTimers());
        System.out.printf("checkpointed bytes / device  %.0f%n", (double) checkpointed / devices);
        System.out.printf("heap bytes / device          %.0f (key, state, map entry, timer; heap backend)%n",
                (double) (used - afterOpen) / devices);
        System.out.printf("(harness itself              %,d bytes)%n", afterOpen - before);
        if (System.getenv("PATCHWATCH_BENCH_PAUSE") != null) {
            Thread.sleep(Long.parseLong(System.getenv("PATCHWATCH_BENCH_PAUSE"))); // time for jcmd GC.class_histogram
        }
        harness.close();
    }

    private static String name(int d) {
        return String.format("SRV-%07d", d);
    }

    private static DeviceEvent.Builder event(String device, EventKind kind, long ts) {
        // Fresh strings per event, as a deserializer would make them.
        return DeviceEvent.newBuilder().setTenant(new String("acme")).setSite(new String("hq"))
                .setDevice(new String(device)).setKind(kind).setTs(ts);
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, DeviceEvent, DeviceFact> h, DeviceEvent.Builder b)
            throws Exception {
        DeviceEvent e = b.build();
        h.processElement(e, e.getTs());
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private StateSizeBenchmark() {}
}
