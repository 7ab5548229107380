package io.patchwatch.jobs.eventtime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToLongFunction;
import org.apache.flink.api.common.state.ListState;

/**
 * What an operator holds back until event time reaches it (events waiting for the watermark,
 * pending deadlines, triggers and resolving facts), taken out when a timer fires: the items due
 * by then in time order, stable (arrival order among equal times, which the decisions keep), and
 * the rest as they were, to store again.
 *
 * @param <T> the buffered items
 */
public final class EventTimeBuffer<T> {
    /** No time: nothing is left in the buffer. */
    public static final long NONE = Long.MIN_VALUE;

    private final List<T> due;
    private final List<T> later;
    private final long nextLater;

    private EventTimeBuffer(List<T> due, List<T> later, long nextLater) {
        this.due = due;
        this.later = later;
        this.nextLater = nextLater;
    }

    /** Splits {@code buffered} (null: empty) at {@code now}: due are those at or before it. */
    public static <T> EventTimeBuffer<T> split(Iterable<T> buffered, long now, ToLongFunction<T> time) {
        return split(buffered, now, Long.MAX_VALUE, time);
    }

    /**
     * As {@link #split(Iterable, long, ToLongFunction)}, and items after {@code dropAfter} are
     * neither due nor kept (past the end of a recording's clock: as if never received).
     */
    public static <T> EventTimeBuffer<T> split(Iterable<T> buffered, long now, long dropAfter, ToLongFunction<T> time) {
        List<T> due = new ArrayList<>();
        List<T> later = new ArrayList<>();
        if (buffered != null) {
            for (T item : buffered) {
                long ts = time.applyAsLong(item);
                if (ts > dropAfter) {
                    continue;
                }
                if (ts <= now) {
                    due.add(item);
                } else {
                    later.add(item);
                }
            }
        }
        due.sort(Comparator.comparingLong(time));
        return new EventTimeBuffer<>(due, later, earliest(later, time));
    }

    /** The earliest time among {@code items} (null: none), or {@link #NONE}: when a timer is next needed. */
    public static <T> long earliest(Iterable<T> items, ToLongFunction<T> time) {
        long earliest = NONE;
        if (items != null) {
            for (T item : items) {
                long ts = time.applyAsLong(item);
                earliest = earliest == NONE ? ts : Math.min(earliest, ts);
            }
        }
        return earliest;
    }

    /** The items due, in time order. */
    public List<T> due() {
        return due;
    }

    /** The items not due yet, in the order they were buffered. */
    public List<T> later() {
        return later;
    }

    /** The earliest time among {@link #later()}, or {@link #NONE}. */
    public long nextLater() {
        return nextLater;
    }

    /** Stores {@link #later()} as the whole of {@code state} (cleared when nothing is left). */
    public void keepLater(ListState<T> state) throws Exception {
        store(state, later);
    }

    /** Stores {@code items} as the whole of {@code state}; an empty list clears it. */
    public static <T> void store(ListState<T> state, List<T> items) throws Exception {
        if (items.isEmpty()) {
            state.clear();
        } else {
            state.update(items);
        }
    }
}
