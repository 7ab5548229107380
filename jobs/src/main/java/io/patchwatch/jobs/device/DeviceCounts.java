package io.patchwatch.jobs.device;

import io.patchwatch.jobs.metrics.JobMetrics;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;

/**
 * The fleet gauges of one DeviceTracker subtask: devices tracked, open patch sessions, silent
 * devices. Kept up to date on each transition (no scan of the keyed state) and checkpointed as
 * operator state, so they survive a restart; on a rescale the entries are dealt out among the new
 * subtasks, each summing what it gets, so the job-wide sums stay right.
 */
final class DeviceCounts {
    static final ListStateDescriptor<Tuple3<Long, Long, Long>> STATE =
            new ListStateDescriptor<>("device-counts", Types.TUPLE(Types.LONG, Types.LONG, Types.LONG));

    private ListState<Tuple3<Long, Long, Long>> state;
    long devices;
    long openSessions;
    long silent;

    void initialize(FunctionInitializationContext ctx) throws Exception {
        state = ctx.getOperatorStateStore().getListState(STATE);
        if (ctx.isRestored()) {
            for (Tuple3<Long, Long, Long> t : state.get()) {
                devices += t.f0;
                openSessions += t.f1;
                silent += t.f2;
            }
        }
    }

    void snapshot() throws Exception {
        state.update(List.of(Tuple3.of(devices, openSessions, silent)));
    }

    void register(MetricGroup group) {
        group.gauge(JobMetrics.DEVICES_TRACKED, (Gauge<Long>) () -> devices);
        group.gauge(JobMetrics.OPEN_SESSIONS, (Gauge<Long>) () -> openSessions);
        group.gauge(JobMetrics.SILENT_DEVICES, (Gauge<Long>) () -> silent);
    }
}
