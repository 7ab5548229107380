package io.patchwatch.jobs.noise;

import io.patchwatch.jobs.eventtime.StopAtEndOperator;
import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.fact.FactKind;
import io.patchwatch.jobs.live.LiveRules;
import io.patchwatch.schemas.Alert;
import java.util.List;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.SimpleTimerService;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Runs {@link NoiseControl} with its clock stopped where a streamed recording's is, and, live, with
 * the rules versions published while the job runs (a window added with {@code maintenance add
 * --publish}, a new group_wait): they reach it from the device tracker, one copy per key group,
 * and each decision then uses the version in force at its time.
 */
public final class NoiseOperator extends StopAtEndOperator<String, Alert, DeviceFact, Alert> {
    private static final long serialVersionUID = 1L;
    private final NoiseControl noise;
    private transient LiveRules rules;
    private transient TimerService timers;

    public NoiseOperator(NoiseControl noise, boolean stopAtEnd) {
        super(noise, stopAtEnd);
        this.noise = noise;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        rules = new LiveRules(noise.versions(), "noise control", false);
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
        // One copy per key group: the first applies it, the others find it known. Nothing per key:
        // every decision reads the version in force at its own time.
        rules.apply(f.rulesText, this, timers, List.of(), (key, t, notBefore) -> { });
    }
}
