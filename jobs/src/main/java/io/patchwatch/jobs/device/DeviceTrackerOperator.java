package io.patchwatch.jobs.device;

import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.fact.FactKind;

import io.patchwatch.jobs.fact.JobTags;
import io.patchwatch.jobs.metrics.JobMetrics;
import io.patchwatch.jobs.live.RuleVersion;
import io.patchwatch.jobs.live.LiveRules;
import io.patchwatch.jobs.live.RuleVersionsInput;
import io.patchwatch.schemas.DeviceEvent;
import java.util.List;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.SimpleTimerService;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Runs the {@link DeviceTracker}, and (live) takes the rules topic as a second, broadcast input:
 * each new version applies to every device at once, which a function cannot do (its timers belong to
 * the key at hand). For every device with pending deadlines or an open session the deadlines and
 * the one timer move to what the new version says ({@link DeviceTracker#retime}); then the record
 * goes on to the incidents, one copy per key group, behind every fact sent before it.
 *
 * <p>Event time is the events' alone: the rules input carries no watermark and never holds the
 * job's clock back. Without a rules input (replay, demo) it is a one-input operator.
 */
public final class DeviceTrackerOperator extends KeyedProcessOperator<String, DeviceEvent, DeviceFact>
        implements TwoInputStreamOperator<DeviceEvent, String, DeviceFact> {
    private static final long serialVersionUID = 1L;
    private final DeviceTracker tracker;
    private transient LiveRules rules;
    private transient TimerService timers;

    public DeviceTrackerOperator(DeviceTracker tracker) {
        super(tracker);
        this.tracker = tracker;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        rules = new LiveRules(tracker.versions(), "device tracker",
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0);
        rules.initialize(context);
    }

    @Override
    public void open() throws Exception {
        super.open();
        rules.registerMetrics(JobMetrics.group(getRuntimeContext()));
        timers = new SimpleTimerService(getInternalTimerService("user-timers", VoidNamespaceSerializer.INSTANCE, this));
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        rules.snapshot();
    }

    @Override
    public void processElement1(StreamRecord<DeviceEvent> element) throws Exception {
        processElement(element);
    }

    /** A record of the rules topic. */
    @Override
    public void processElement2(StreamRecord<String> element) throws Exception {
        List<RuleVersion> applied = rules.apply(element.getValue(), this, timers,
                List.of(DeviceTracker.States.DEADLINES.getName(), DeviceTracker.States.SESSION.getName()), tracker::retime);
        if (applied.isEmpty()) {
            return;
        }
        // On to the incidents (a disabled rule's incidents resolve there), to every key group.
        var task = getRuntimeContext().getTaskInfo();
        int maxParallelism = task.getMaxNumberOfParallelSubtasks();
        for (String key : RuleVersionsInput.keysFor(KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(
                maxParallelism, task.getNumberOfParallelSubtasks(), task.getIndexOfThisSubtask()), maxParallelism)) {
            DeviceFact f = new DeviceFact();
            f.key = key;
            f.kind = FactKind.RULES_VERSION;
            f.ts = Long.MIN_VALUE;
            f.rulesVersion = applied.get(applied.size() - 1).version();
            f.rulesText = element.getValue();
            output.collect(JobTags.RESOLUTIONS, new StreamRecord<>(f));
            output.collect(JobTags.LIVENESS, new StreamRecord<>(f)); // and to noise control's key groups
        }
    }

    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        processWatermark(mark);
    }

    @Override
    public void processWatermark2(Watermark mark) {
        // The rules input has no event time of its own.
    }

    /**
     * The tracker never tells downstream it is idle. Every instance sees the same event time (the
     * keyBy before it sends every source's watermarks and statuses to each), so an idle instance
     * holds nothing back that the others do not; but when time moves again after every input was
     * idle, an instance whose channel downstream is still marked idle would let another's new
     * watermark overtake the facts its timers are about to emit for the time in between (a silence
     * decided at 02:11 when time jumps to 02:30), and CEP would drop them as late.
     */
    @Override
    protected void processWatermarkStatus(WatermarkStatus status, int index) throws Exception {
        if (index == 0 && status.isActive()) {
            processWatermarkStatus(status);
        }
    }

    /** One input: the same, see above. */
    @Override
    public void processWatermarkStatus(WatermarkStatus status) throws Exception {
        if (status.isActive()) {
            super.processWatermarkStatus(status);
        }
    }
}
