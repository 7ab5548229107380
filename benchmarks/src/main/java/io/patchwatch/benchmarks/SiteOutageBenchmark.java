package io.patchwatch.benchmarks;

import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.fact.FactKind;
import io.patchwatch.jobs.inventory.DeviceInfo;
import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.jobs.live.RuleVersions;
import io.patchwatch.jobs.noise.HeldIncident;
import io.patchwatch.jobs.noise.NoiseControl;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertContext;
import io.patchwatch.schemas.AlertStatus;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.storage.JobManagerCheckpointStorage;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;

/**
 * A site outage of many devices (FLEET.md): {@code DEVICES} devices of one site, all in a patch
 * session, go silent within one minute (their uplink drops), each with its offline incident, fed
 * to noise control as the job does (silences and firings at their event times, the watermark moving
 * every second). What it pages, when the outage was decided against the moment the threshold-th
 * device went silent, how many offline incidents it held, the time it took, and the state it keeps
 * for the outage (checkpointed bytes and retained heap, per device).
 *
 * <pre>{@code bin/patchwatch bench site-outage [DEVICES]}</pre>
 */
public final class SiteOutageBenchmark {
    private static final long T0 = Instant.parse("2026-11-10T02:15:00Z").toEpochMilli();

    public static void main(String[] args) throws Exception {
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        List<DeviceInfo> infos = new ArrayList<>();
        for (int d = 0; d < devices; d++) {
            infos.add(new DeviceInfo("acme", name(d), "branch", null, null));
        }
        RuleSet rules = RuleSet.defaults();
        long before = usedHeap();
        KeyedTwoInputStreamOperatorTestHarness<String, Alert, DeviceFact, Alert> harness = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
                new NoiseControl(new RuleVersions(rules), Inventory.of(infos), Long.MAX_VALUE),
                a -> NoiseControl.siteKey(a.getTenant(), a.getSite()), f -> NoiseControl.siteKey(f.tenant, f.site), Types.STRING);
        harness.setCheckpointStorage(new JobManagerCheckpointStorage(Integer.MAX_VALUE));
        harness.open();
        long afterOpen = usedHeap();

        long started = System.nanoTime();
        long watermark = T0 - 1;
        for (int d = 0; d < devices; d++) {
            // Last heartbeats spread over a minute: silences (and offline firings) from 02:15:00 to 02:15:59.
            long ts = T0 + (long) d * 60_000 / devices;
            while (watermark < ts - 1_000) {
                watermark += 1_000;
                harness.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(watermark));
            }
            harness.processElement2(new StreamRecord<>(silence(d, ts), ts));
            harness.processElement1(new StreamRecord<>(offline(d, ts), ts));
        }
        long end = T0 + 2 * 60_000 + 30_000; // past the last firing + group_wait
        for (; watermark < end; watermark += 1_000) {
            harness.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(watermark));
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        List<Alert> pages = new ArrayList<>();
        for (Object o : harness.getOutput()) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof Alert a) {
                pages.add(a);
            }
        }
        var heldSteps = harness.getSideOutput(NoiseControl.HELD);
        long held = heldSteps == null ? 0 : heldSteps.stream().filter(r -> r.getValue().step == HeldIncident.Step.held).count();
        int threshold = rules.noise().siteOutage().threshold(devices);
        long thresholdSilence = T0 + (long) (threshold - 1) * 60_000 / devices;
        harness.getOutput().clear();
        if (heldSteps != null) {
            heldSteps.clear();
        }
        long used = usedHeap();
        OperatorSubtaskState snapshot = harness.snapshot(1, end);
        long checkpointed = 0;
        for (KeyedStateHandle h : snapshot.getManagedKeyedState()) {
            checkpointed += h.getStateSize();
        }

        System.out.printf("devices silent within 1 min   %,d of %,d at one site (threshold max(5, 20 %%) = %,d)%n", devices, devices, threshold);
        System.out.printf("pages                         %d: %s%n", pages.size(),
                String.join(", ", pages.stream().map(a -> a.getRule() + " " + a.getDevice() + " at " + EventTimes.format(a.getTs())
                        + " (" + (a.getContext().getCount() == null ? "" : a.getContext().getCount() + " devices, ")
                        + a.getContext().getDevices().size() + " listed)").toList()));
        pages.stream().filter(a -> a.getRule().equals("site-outage")).findFirst().ifPresent(a -> System.out.printf(
                "decided after the %,d-th silence %d ms of event time (group_wait %d s)%n", threshold, a.getTs() - thresholdSilence,
                rules.noise().groupWaitMs() / 1000));
        System.out.printf("offline incidents held        %,d (paged: %d)%n", held,
                pages.stream().filter(a -> a.getRule().equals("offline-after-patch")).count());
        System.out.printf("time                          %.2f s (%,.0f silences + firings / s)%n", seconds, 2.0 * devices / seconds);
        System.out.printf("checkpointed bytes            %,d (%.0f per device)%n", checkpointed, (double) checkpointed / devices);
        System.out.printf("heap bytes                    %,d (%.0f per device; heap backend)%n", used - afterOpen,
                (double) (used - afterOpen) / devices);
        System.out.printf("(harness itself               %,d bytes)%n", afterOpen - before);
        harness.close();
    }

    private static String name(int d) {
        return String.format("SRV-%05d", d);
    }

    private static DeviceFact silence(int d, long ts) {
        DeviceFact f = new DeviceFact();
        f.key = "acme/" + name(d).toLowerCase();
        f.tenant = "acme";
        f.site = "branch";
        f.device = name(d);
        f.kind = FactKind.DEVICE_SILENT;
        f.ts = ts;
        f.inSession = true;
        f.kbs = new String[] {"KB5044284"};
        f.feed = "rmm";
        return f;
    }

    private static Alert offline(int d, long ts) {
        return Alert.newBuilder().setRule("offline-after-patch").setStatus(AlertStatus.firing).setTs(ts).setSeverity("critical")
                .setTenant("acme").setSite("branch").setDevice(name(d)).setKbs(List.of("KB5044284"))
                .setMessage(name(d) + " is offline following a scheduled patch installation (KB5044284)")
                .setContext(AlertContext.newBuilder().setInstalledAt(T0 - 900_000).setLastSeen(ts - 600_000).setSilentForS(600L).build())
                .setDedupKey("acme/" + name(d) + "/offline-after-patch/" + (T0 - 900_000) + "/1")
                .build();
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private SiteOutageBenchmark() {}
}
