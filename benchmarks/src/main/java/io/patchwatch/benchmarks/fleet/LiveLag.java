package io.patchwatch.benchmarks.fleet;

import io.patchwatch.connectors.adapters.AdapterSettings;
import io.patchwatch.connectors.adapters.Adapters;
import io.patchwatch.connectors.adapters.RawRecord;
import io.patchwatch.jobs.settings.JobSettings;
import io.patchwatch.jobs.LocalFlink;
import io.patchwatch.jobs.PatchwatchJob;
import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Detection lag on the wall clock: {@code devices} devices heartbeat every second, stamped with the
 * wall clock as they are generated; 10 % are patched in second 3 and then fall silent. With N = 5 s
 * the offline alerts fire at lastSignal + 5 s; the lag is the wall time at which each alert leaves
 * the job (reaches its sink) minus that deadline. Watermarks: out-of-orderness 100 ms, emitted every
 * 200 ms (Flink's default interval).
 */
public final class LiveLag {
    static final List<Long> LAGS = Collections.synchronizedList(new ArrayList<>());
    private static final int SECONDS = 15;

    private LiveLag() {}

    /** p50, p99, max (ms) and the number of alerts. */
    public record Result(long p50, long p99, long max, int alerts, int expected) {}

    public static Result run(int devices, int parallelism) throws Exception {
        LAGS.clear();
        StreamExecutionEnvironment env = LocalFlink.environment(parallelism);
        var adapter = Adapters.create("avro", AdapterSettings.defaults());
        JobSettings settings = new JobSettings(Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofMinutes(1),
                Long.MAX_VALUE, JobSettings.DEFAULT_MAX_FUTURE, JobSettings.DEFAULT_MAX_PAST,
                JobSettings.DEFAULT_MAX_RECORD_BYTES, parallelism, JobSettings.DEFAULT_DEVICE_EXPIRY);
        var source = new DataGeneratorSource<>(new Heartbeats(devices), (long) devices * SECONDS,
                RateLimiterStrategy.perSecond(devices), TypeInformation.of(RawRecord.class));
        var records = env.fromSource(source, WatermarkStrategy.noWatermarks(), "Live fleet").setParallelism(1);
        PatchwatchJob.defineWorkflow(List.of(new PatchwatchJob.Input("live", records, adapter, false)), settings,
                        Variant.defaultRulesWith("silence_after: 10m", "silence_after: 5s"), Inventory.empty())
                .alerts().map(new Lag(), Types.LONG).sinkTo(new DiscardingSink<>());
        env.execute("patchwatch live lag");
        List<Long> lags = new ArrayList<>(LAGS);
        Collections.sort(lags);
        int expected = devices / 10;
        if (lags.isEmpty()) {
            return new Result(-1, -1, -1, 0, expected);
        }
        return new Result(lags.get(lags.size() / 2), lags.get((int) Math.min(lags.size() - 1, Math.ceil(lags.size() * 0.99) - 1)),
                lags.get(lags.size() - 1), lags.size(), expected);
    }

    private static final class Lag implements MapFunction<Alert, Long> {
        @Override
        public Long map(Alert a) {
            long lag = System.currentTimeMillis() - a.getTs();
            if ("offline-after-patch".equals(a.getRule())) {
                LAGS.add(lag);
            }
            return lag;
        }
    }

    /** Record i: device i % devices in round i / devices, stamped with the wall clock. */
    private static final class Heartbeats implements GeneratorFunction<Long, RawRecord> {
        private final int devices;
        private transient DeviceEvent event;

        Heartbeats(int devices) {
            this.devices = devices;
        }

        @Override
        public RawRecord map(Long index) throws Exception {
            long device = index % devices;
            long round = index / devices;
            if (event == null) {
                event = new DeviceEvent();
                event.setTenant("live");
            }
            event.setDevice("live-" + device);
            event.setTs(System.currentTimeMillis());
            event.setKb(null);
            event.setOk(null);
            event.setRebootRequired(null);
            boolean patched = device % 10 == 0;
            if (patched && round == 3) {
                event.setKind(EventKind.patch_installed);
                event.setKb("KB5044284");
                event.setRebootRequired(false);
            } else if (patched && round > 3) {
                event.setKind(EventKind.ping);
                event.setOk(false);
            } else {
                event.setKind(EventKind.heartbeat);
            }
            ByteBuffer b = DeviceEvent.getEncoder().encode(event);
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return new RawRecord("live", out);
        }
    }
}
