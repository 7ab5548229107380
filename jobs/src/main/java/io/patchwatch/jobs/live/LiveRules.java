package io.patchwatch.jobs.live;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;

/**
 * What the job's two versioned operators (the device tracker and the incidents) share: their rule
 * versions restored and snapshotted with their state ({@link RuleVersionsInput}), the {@link
 * StateLayout} check, and applying a rules record to every key that holds state, each at the
 * current key, never before the watermark.
 */
public final class LiveRules {
    /** What an operator does for one of its keys after a new version, at that key. */
    @FunctionalInterface
    public interface PerKey {
        void changed(String key, TimerService timers, long notBefore) throws Exception;
    }

    private final RuleVersionsInput input;
    private final String operator;

    /**
     * @param operator the operator's name in log lines and refusals
     * @param reports this instance logs and counts refusals (one per job)
     */
    public LiveRules(RuleVersions versions, String operator, boolean reports) {
        this.input = new RuleVersionsInput(versions, operator, reports);
        this.operator = operator;
    }

    /** Checks the restored state's layout, then restores the versions applied before. */
    public void initialize(StateInitializationContext ctx) throws Exception {
        StateLayout.check(ctx, operator);
        input.initialize(ctx);
    }

    public void registerMetrics(MetricGroup metrics) {
        input.registerMetrics(metrics);
    }

    public void snapshot() throws Exception {
        input.snapshot();
    }

    /**
     * Applies a rules record; when it brings new versions, calls {@code perKey} for every key with
     * any of {@code states}, as the current key, with the first moment a decision may still take.
     *
     * @return the versions applied (empty: nothing new, or refused)
     */
    public List<RuleVersion> apply(String record, AbstractStreamOperator<?> op, TimerService timers, List<String> states,
                                   PerKey perKey) throws Exception {
        List<RuleVersion> applied = input.apply(record);
        if (applied.isEmpty()) {
            return applied;
        }
        long notBefore = timers.currentWatermark() == Long.MIN_VALUE ? Long.MIN_VALUE : timers.currentWatermark() + 1;
        Set<String> keys = new LinkedHashSet<>();
        for (String state : states) {
            try (Stream<String> all = op.<String>getKeyedStateBackend().getKeys(state, VoidNamespace.INSTANCE)) {
                all.forEach(keys::add);
            }
        }
        Object previousKey = op.getCurrentKey();
        for (String key : keys) {
            op.setCurrentKey(key);
            perKey.changed(key, timers, notBefore);
        }
        if (previousKey != null) {
            op.setCurrentKey(previousKey);
        }
        return applied;
    }
}
