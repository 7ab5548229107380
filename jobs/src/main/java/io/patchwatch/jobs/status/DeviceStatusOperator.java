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
import io.patchwatch.jobs.metrics.JobMetrics;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;

/**
 * Keeps each device's {@link DeviceStatus} and hands it on when something an operator looks at
 * changed, at most once per {@code minInterval} of event time per device (the newest status then
 * goes when the interval is over): a patch night's flood of facts becomes a few records per device.
 * In event time, so a replay writes what the live job would.
 *
 * <p>A device not heard of for the device expiry (its last fact, and the tracker hands on one
 * {@link io.patchwatch.jobs.fact.FactKind#DEVICE_SEEN} per hour of signals) is forgotten: a
 * {@link StatusChange} without status, a tombstone on the compacted status topic.
 */
public final class DeviceStatusOperator extends KeyedCoProcessFunction<String, DeviceFact, IncidentChange, StatusChange>
        implements StopAtEndOperator.Stoppable {
    private static final long serialVersionUID = 1L;

    private final Inventory inventory;
    private final long minIntervalMs;
    private final long expiryMs;

    /** A replay's clock stop, once known: facts after it are dropped, as the incidents drop theirs. */
    private long stop;

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
    /** The newest fact's time: the device expires {@code expiryMs} after it. */
    private transient ValueState<Long> lastActive;
    /** The expiry timer set (moved on lazily when it fires early), or null. */
    private transient ValueState<Long> expiryAt;
    /** Package-private: the tests read them. */
    transient FleetGauges gauges;

    /** @param minIntervalMs 0: every change goes out at once (replay keeps the newest per device) */
    public DeviceStatusOperator(Inventory inventory, long minIntervalMs) {
        this(inventory, minIntervalMs, 0, Long.MAX_VALUE);
    }

    /**
     * @param expiryMs a device not heard of this long is forgotten; 0: never
     * @param clockStop a bounded run's clock stop (nothing expires past it); Long.MAX_VALUE live or learnt at the end
     */
    public DeviceStatusOperator(Inventory inventory, long minIntervalMs, long expiryMs, long clockStop) {
        this.inventory = inventory;
        this.minIntervalMs = minIntervalMs;
        this.expiryMs = expiryMs;
        this.stop = clockStop;
    }

    @Override
    public void open(OpenContext context) {
        status = getRuntimeContext().getState(statusDescriptor());
        lastSent = getRuntimeContext().getState(new ValueStateDescriptor<>("status-sent", Types.LONG));
        pendingAt = getRuntimeContext().getState(new ValueStateDescriptor<>("status-pending", Types.LONG));
        lastActive = getRuntimeContext().getState(new ValueStateDescriptor<>("status-active", Types.LONG));
        expiryAt = getRuntimeContext().getState(new ValueStateDescriptor<>("status-expiry", Types.LONG));
        ahead = getRuntimeContext().getListState(new ListStateDescriptor<>("status-facts-ahead", TypeInformation.of(DeviceFact.class)));
        gauges = new FleetGauges(JobMetrics.group(getRuntimeContext()));
    }

    static ValueStateDescriptor<DeviceStatus> statusDescriptor() {
        return new ValueStateDescriptor<>("status", new AvroTypeInfo<>(DeviceStatus.class));
    }

    /**
     * The operator: {@link StopAtEndOperator} that also counts, when it starts, the devices of its
     * restored state into the fleet gauges (a gauge is not in a checkpoint; the statuses are).
     */
    public static final class Runner extends StopAtEndOperator<String, DeviceFact, IncidentChange, StatusChange> {
        private static final long serialVersionUID = 1L;

        public Runner(DeviceStatusOperator function, boolean stopAtEnd) {
            super(function, stopAtEnd);
        }

        @Override
        public void open() throws Exception {
            super.open();
            DeviceStatusOperator function = (DeviceStatusOperator) getUserFunction();
            getKeyedStateBackend().applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, statusDescriptor(),
                    (key, state) -> function.gauges.move(null, FleetGauges.key(state.value())));
        }
    }

    @Override
    public void stopClockAt(long clockStop) {
        stop = clockStop;
    }

    @Override
    public void processElement1(DeviceFact fact, Context ctx, Collector<StatusChange> out) throws Exception {
        if (fact.ts > ctx.timerService().currentWatermark()) {
            ahead.add(fact);
            ctx.timerService().registerEventTimeTimer(fact.ts);
            return;
        }
        take(fact, ctx, out);
    }

    private void take(DeviceFact fact, Context ctx, Collector<StatusChange> out) throws Exception {
        DeviceStatus stored = status.value();
        boolean first = stored == null; // a device first heard of is news, even through a heartbeat
        DeviceStatus s = current(stored, ctx.getCurrentKey(), fact.site, fact.ts);
        String counted = first ? null : FleetGauges.key(s);
        active(fact.ts, ctx);
        if (DeviceStatusView.apply(s, fact) || first) {
            gauges.move(counted, FleetGauges.key(s));
            changed(s, fact.ts, ctx, out);
        }
    }

    /** The device was heard of at {@code ts}: its expiry moves (the timer set follows when it fires). */
    private void active(long ts, Context ctx) throws Exception {
        if (expiryMs <= 0) {
            return;
        }
        Long last = lastActive.value();
        if (last == null || ts > last) {
            lastActive.update(ts);
        }
        if (expiryAt.value() == null) {
            long at = ts + expiryMs;
            expiryAt.update(at);
            ctx.timerService().registerEventTimeTimer(at);
        }
    }

    @Override
    public void processElement2(IncidentChange change, Context ctx, Collector<StatusChange> out) throws Exception {
        DeviceStatus stored = status.value();
        boolean first = stored == null;
        DeviceStatus s = current(stored, ctx.getCurrentKey(), null, change.ts);
        String counted = first ? null : FleetGauges.key(s);
        active(change.ts, ctx);
        if (DeviceStatusView.apply(s, change) || first) {
            gauges.move(counted, FleetGauges.key(s));
            changed(s, change.ts, ctx, out);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<StatusChange> out) throws Exception {
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
            send(ctx.getCurrentKey(), status.value(), timestamp, out);
        }
        Long expiry = expiryAt.value();
        if (expiry != null && expiry == timestamp) {
            expire(timestamp, ctx, out);
        }
    }

    /** Forgets the device when nothing was heard of it for the expiry, else sets the timer to when it will be. */
    private void expire(long timestamp, OnTimerContext ctx, Collector<StatusChange> out) throws Exception {
        long due = lastActive.value() + expiryMs;
        if (due > timestamp) {
            expiryAt.update(due);
            ctx.timerService().registerEventTimeTimer(due);
            return;
        }
        if (timestamp > stop) {
            return; // the end of a recording is not a month of silence
        }
        boolean published = lastSent.value() != null;
        gauges.move(FleetGauges.key(status.value()), null);
        Long pending = pendingAt.value();
        if (pending != null) {
            ctx.timerService().deleteEventTimeTimer(pending);
        }
        status.clear();
        lastSent.clear();
        pendingAt.clear();
        lastActive.clear();
        expiryAt.clear();
        if (published) {
            out.collect(new StatusChange(ctx.getCurrentKey(), null));
        }
    }

    /** The device's status to change: the stored one, or a new one for a device first heard of. */
    private DeviceStatus current(DeviceStatus stored, String key, String site, long ts) {
        if (stored != null) {
            return DeviceStatusView.mutable(stored);
        }
        return DeviceStatusView.create(key, site,
                inventory == null ? null : inventory.lookup(DeviceKeys.tenantOf(key), DeviceKeys.deviceOf(key), site), ts);
    }

    private void changed(DeviceStatus s, long ts, Context ctx, Collector<StatusChange> out) throws Exception {
        status.update(s);
        if (pendingAt.value() != null) {
            return; // the pending record will carry this change too
        }
        Long last = lastSent.value();
        if (last == null || minIntervalMs == 0 || ts >= last + minIntervalMs) {
            send(ctx.getCurrentKey(), s, ts, out);
        } else {
            long at = last + minIntervalMs;
            pendingAt.update(at);
            ctx.timerService().registerEventTimeTimer(at);
        }
    }

    private void send(String key, DeviceStatus s, long ts, Collector<StatusChange> out) throws Exception {
        lastSent.update(ts);
        // A copy: the state's object changes with the next fact while this one is on its way.
        out.collect(new StatusChange(key, DeviceStatus.newBuilder(s).build()));
    }
}
