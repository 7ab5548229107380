package io.patchwatch.benchmarks;

import io.patchwatch.jobs.PatchwatchJob;
import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.device.DeviceTracker;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * DeviceTracker per heartbeat, through Flink's keyed operator test harness on the heap state
 * backend: {@code devices} devices heartbeating in turn every 10 s of event time, a watermark every
 * 1,000 events; {@code patched} makes every device carry an open patch session (and so a timer).
 * One operation = one heartbeat, harness overhead (key context, stream record) included.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgs = {"-Xmx1g", "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.patchwatch",
        "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED"})
public class DeviceTrackerBenchmark {
    private static final long BASE = 1_762_740_000_000L;

    @Param({"100000"})
    public int devices;

    @Param({"false", "true"})
    public boolean patched;

    /** The state expiry of devices gone for good ({@code time.device_expiry}), or "off". */
    @Param({"30d", "off"})
    public String expiry;

    private KeyedOneInputStreamOperatorTestHarness<String, DeviceEvent, DeviceFact> harness;
    private DeviceEvent[] heartbeats;
    private long n;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new DeviceTracker(RuleSet.defaults(), Inventory.empty(),
                        expiry.equals("off") ? null : io.patchwatch.connectors.config.Durations.parse(expiry)),
                new PatchwatchJob.EventKey(), Types.STRING);
        heartbeats = new DeviceEvent[devices];
        for (int d = 0; d < devices; d++) {
            heartbeats[d] = DeviceEvent.newBuilder().setTenant("bench").setDevice("dev-" + d)
                    .setKind(EventKind.heartbeat).setTs(BASE).build();
            harness.processElement(new StreamRecord<>(heartbeats[d], BASE));
            if (patched) {
                DeviceEvent install = DeviceEvent.newBuilder(heartbeats[d]).setKind(EventKind.patch_installed)
                        .setKb("KB5044284").setRebootRequired(false).setTs(BASE + 1).build();
                harness.processElement(new StreamRecord<>(install, BASE + 1));
            }
        }
        harness.processWatermark(BASE + 2);
        harness.getOutput().clear();
        n = devices * 2L;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        harness.close();
    }

    @Benchmark
    public void heartbeat() throws Exception {
        int d = (int) (n % devices);
        long ts = BASE + (n / devices) * 10_000L + d;
        DeviceEvent e = heartbeats[d];
        e.setTs(ts);
        harness.processElement(new StreamRecord<>(e, ts));
        if (++n % 1000 == 0) {
            harness.processWatermark(ts - 5_000);
            harness.getOutput().clear();
        }
    }
}
