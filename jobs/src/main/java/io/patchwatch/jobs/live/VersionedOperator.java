package io.patchwatch.jobs.live;

import io.patchwatch.jobs.eventtime.StopAtEndOperator;
import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.fact.FactKind;
import java.util.List;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.SimpleTimerService;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * A keyed two-input operator downstream of the device tracker whose second input carries, among
 * its facts, the rules versions published while the job runs (one copy per key group, behind the
 * facts sent before them): it applies them to its function's versions, restores and snapshots them
 * with its state ({@link LiveRules}), and lets a subclass act per key. Its clock stops where a
 * streamed recording's does ({@link StopAtEndOperator}). The incidents and noise control are two.
 */
public abstract class VersionedOperator<I1, O> extends StopAtEndOperator<String, I1, DeviceFact, O> {
    private static final long serialVersionUID = 1L;
    private final String name;
    private transient LiveRules rules;
    private transient TimerService timers;

    protected <F extends KeyedCoProcessFunction<String, I1, DeviceFact, O> & StopAtEndOperator.Stoppable> VersionedOperator(
            F function, boolean stopAtEnd, String name) {
        super(function, stopAtEnd);
        this.name = name;
    }

    /** The versions the function decides with: new ones are offered to these. */
    protected abstract RuleVersions versions();

    /** The keyed states whose keys {@link #changed} is called for after a new version (none: not called). */
    protected List<String> keyedStates() {
        return List.of();
    }

    /** After a new version, for one key (the current key): see {@link LiveRules.PerKey}. */
    protected void changed(String key, TimerService timers, long notBefore) throws Exception {}

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        rules = new LiveRules(versions(), name, false);
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
        rules.apply(f.rulesText, this, timers, keyedStates(), this::changed);
    }
}
