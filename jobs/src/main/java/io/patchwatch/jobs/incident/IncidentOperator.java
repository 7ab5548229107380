package io.patchwatch.jobs.incident;

import io.patchwatch.jobs.eventtime.StopAtEndOperator;
import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.fact.FactKind;
import io.patchwatch.jobs.live.LiveRules;
import io.patchwatch.jobs.fact.Trigger;
import io.patchwatch.schemas.Alert;
import java.util.List;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.SimpleTimerService;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Runs {@link IncidentManager}, with its clock stopped where a streamed recording's is ({@link
 * StopAtEndOperator}). Live, rules versions reach it from the device tracker (one copy per key group, behind the facts
 * sent before them): it applies them and, for every device whose
 * firing incident's rule a version disables, schedules that incident's resolve.
 */
public final class IncidentOperator extends StopAtEndOperator<String, Trigger, DeviceFact, Alert> {
    private static final long serialVersionUID = 1L;
    private final IncidentManager incidents;
    private transient LiveRules rules;
    private transient TimerService timers;

    public IncidentOperator(IncidentManager incidents, boolean stopAtEnd) {
        super(incidents, stopAtEnd);
        this.incidents = incidents;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        rules = new LiveRules(incidents.versions(), "incidents", false);
        rules.initialize(context);
    }

    @Override
    public void open() throws Exception {
        super.open();
        timers = new SimpleTimerService(getInternalTimerService("user-timers", VoidNamespaceSerializer.INSTANCE, this));
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        rules.snapshot();
    }

    @Override
    public void processElement2(StreamRecord<DeviceFact> element) throws Exception {
        DeviceFact f = element.getValue();
        if (f.kind != FactKind.RULES_VERSION) {
            super.processElement2(element);
            return;
        }
        // One copy per key group: the first applies it, the others find it known.
        rules.apply(f.rulesText, this, timers, List.of(IncidentManager.States.INCIDENTS.getName()), incidents::rulesChanged);
    }
}
