package io.patchwatch.jobs.live;

import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateInitializationContext;

/**
 * The layout of the state the job's versioned operators (device tracker, incidents) keep, written
 * with every snapshot so that a savepoint this version cannot read is refused with a message
 * naming what to do, never restored into a silent loss of pending deadlines.
 *
 * <ol>
 *   <li>Rules referred to by their position in the file (deadlines as {@code position * 64 +
 *       pattern}, one-shot marks as bits); triggers copying the fact's fields. No marker was written.
 *   <li>The compiled rule plan: deadlines name their pattern ({@code PatternRef}), one-shot marks
 *       name their rules, triggers carry the fact.
 * </ol>
 */
public final class StateLayout {
    /** The layout this version writes and reads. */
    public static final int CURRENT = 2;

    private static final ListStateDescriptor<Integer> LAYOUT = new ListStateDescriptor<>("state-layout", Types.INT);

    private StateLayout() {}

    /**
     * Checks the layout of a restored snapshot and marks this one's: every snapshot carries {@link
     * #CURRENT} from now on.
     *
     * @throws IllegalStateException for a snapshot of another layout, with what to do
     */
    public static void check(StateInitializationContext ctx, String operator) throws Exception {
        ListState<Integer> state = ctx.getOperatorStateStore().getUnionListState(LAYOUT);
        if (ctx.isRestored()) {
            int restored = 1; // written by every version since the marker exists: none means the first
            for (Integer layout : state.get()) {
                restored = layout;
            }
            if (restored != CURRENT) {
                throw new IllegalStateException(refusal(operator, restored));
            }
        }
        state.update(List.of(CURRENT));
    }

    static String refusal(String operator, int restored) {
        return "patchwatch cannot restore this savepoint: the " + operator + " state in it has layout " + restored
                + (restored < CURRENT ? " (an earlier patchwatch, which referred to rules by their position in the file)" : "")
                + ", and this version reads layout " + CURRENT + ". Its pending deadlines, open sessions and incidents"
                + " cannot be carried over without being lost, so it is refused. Either keep the job on the version that"
                + " took the savepoint until no patch session is open (after the patch night), then start this version"
                + " without a savepoint, or start this version without a savepoint now and accept that what was pending"
                + " is not decided (its devices are learned again from their next events).";
    }
}
