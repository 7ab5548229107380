package io.patchwatch.jobs.status;

import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.fact.DeviceKeys;
import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.schemas.DeviceStatus;
import io.patchwatch.jobs.eventtime.StopAtEndOperator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps each device's {@link DeviceStatus} and hands it on when something an operator looks at
 * changed, at most once per {@code minInterval} of event time per device (the newest status then
 * goes when the interval is over): a patch night's flood of facts becomes a few records per device.
 * In event time, so a replay writes what the live job would.
 */
public final class DeviceStatusOperator extends KeyedCoProcessFunction<String, DeviceFact, IncidentChange, DeviceStatus>
        implements StopAtEndOperator.Stoppable {
    private static final long serialVersionUID = 1L;

    private final Inventory inventory;
    private final long minIntervalMs;

    /** A replay's clock stop, once known: facts after it are dropped, as the incidents drop theirs. */
    private long stop = Long.MAX_VALUE;

    private transient ValueState<DeviceStatus> status;
    /**
     * Facts ahead of this operator's watermark: the tracker's timers hand them on when its own
     * watermark passes them, and at the end of a recording that is the end of time, beyond its clock
     * stop; they are taken when the watermark here passes them (or dropped past the stop).
     */
    private transient ListState<DeviceFact> ahead;
    /** When the last record went out (event time), or null. */
    private transient ValueState<Long> lastSent;
    /** When the pending record goes out (a timer is set), or null. */
    private transient ValueState<Long> pendingAt;

    /** @param minIntervalMs 0: every change goes out at once (replay keeps the newest per device) */
    public DeviceStatusOperator(Inventory inventory, long minIntervalMs) {
        this.inventory = inventory;
        this.minIntervalMs = minIntervalMs;
    }

    @Override
    public void open(OpenContext context) {
        status = getRuntimeContext().getState(new ValueStateDescriptor<>("status", new AvroTypeInfo<>(DeviceStatus.class)));
        lastSent = getRuntimeContext().getState(new ValueStateDescriptor<>("status-sent", Types.LONG));
        pendingAt = getRuntimeContext().getState(new ValueStateDescriptor<>("status-pending", Types.LONG));
        ahead = getRuntimeContext().getListState(new ListStateDescriptor<>("status-facts-ahead", TypeInformation.of(DeviceFact.class)));
    }

    @Override
    public void stopClockAt(long clockStop) {
        stop = clockStop;
    }

    @Override
    public void processElement1(DeviceFact fact, Context ctx, Collector<DeviceStatus> out) throws Exception {
        if (fact.ts > ctx.timerService().currentWatermark()) {
            ahead.add(fact);
            ctx.timerService().registerEventTimeTimer(fact.ts);
            return;
        }
        take(fact, ctx, out);
    }

    private void take(DeviceFact fact, Context ctx, Collector<DeviceStatus> out) throws Exception {
        DeviceStatus s = current(ctx.getCurrentKey(), fact.site, fact.ts);
        if (DeviceStatusView.apply(s, fact)) {
            changed(s, fact.ts, ctx, out);
        }
    }

    @Override
    public void processElement2(IncidentChange change, Context ctx, Collector<DeviceStatus> out) throws Exception {
        DeviceStatus s = current(ctx.getCurrentKey(), null, change.ts);
        if (DeviceStatusView.apply(s, change)) {
            changed(s, change.ts, ctx, out);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<DeviceStatus> out) throws Exception {
        List<DeviceFact> due = new ArrayList<>();
        List<DeviceFact> later = new ArrayList<>();
        for (DeviceFact f : ahead.get()) {
            (f.ts <= timestamp ? due : later).add(f);
        }
        if (!due.isEmpty()) {
            ahead.update(later);
            due.sort(Comparator.comparingLong(f -> f.ts));
            for (DeviceFact f : due) {
                if (f.ts <= stop) {
                    take(f, ctx, out);
                }
            }
        }
        Long pending = pendingAt.value();
        if (pending != null && pending == timestamp) {
            pendingAt.clear();
            send(status.value(), timestamp, out);
        }
    }

    private DeviceStatus current(String key, String site, long ts) throws Exception {
        DeviceStatus s = status.value();
        if (s == null) {
            s = DeviceStatusView.create(key, site,
                    inventory == null ? null : inventory.lookup(DeviceKeys.tenantOf(key), DeviceKeys.deviceOf(key), site), ts);
        }
        return s;
    }

    private void changed(DeviceStatus s, long ts, Context ctx, Collector<DeviceStatus> out) throws Exception {
        status.update(s);
        if (pendingAt.value() != null) {
            return; // the pending record will carry this change too
        }
        Long last = lastSent.value();
        if (last == null || minIntervalMs == 0 || ts >= last + minIntervalMs) {
            send(s, ts, out);
        } else {
            long at = last + minIntervalMs;
            pendingAt.update(at);
            ctx.timerService().registerEventTimeTimer(at);
        }
    }

    private void send(DeviceStatus s, long ts, Collector<DeviceStatus> out) throws Exception {
        lastSent.update(ts);
        // A copy: the state's object changes with the next fact while this one is on its way.
        out.collect(DeviceStatus.newBuilder(s).build());
    }
}
