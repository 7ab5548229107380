package io.patchwatch.jobs.noise;

import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Taps the normalized events for each feed's progress: per instance and feed, one record when the
 * newest event time moves by a second or more, so the feed watch sees a feed's clock without a
 * record per event.
 */
public final class FeedProgressTap implements FlatMapFunction<DeviceEvent, FeedProgress> {
    private static final long serialVersionUID = 1L;
    /** Event time a feed must move before it is reported again. */
    static final long STEP_MS = 1_000;

    private transient Map<String, Long> reported;
    /** Feeds already reported as carrying heartbeats or pings. */
    private transient java.util.Set<String> monitoring;

    @Override
    public void flatMap(DeviceEvent e, Collector<FeedProgress> out) {
        if (e.getFeed() == null) {
            return;
        }
        if (reported == null) {
            reported = new HashMap<>();
            monitoring = new java.util.HashSet<>();
        }
        boolean liveness = e.getKind() == EventKind.heartbeat || e.getKind() == EventKind.ping;
        Long last = reported.get(e.getFeed());
        if (last == null || e.getTs() >= last + STEP_MS || (liveness && !monitoring.contains(e.getFeed()))) {
            reported.put(e.getFeed(), Math.max(e.getTs(), last == null ? Long.MIN_VALUE : last));
            if (liveness) {
                monitoring.add(e.getFeed());
            }
            out.collect(new FeedProgress(e.getFeed(), e.getTs(), liveness));
        }
    }
}
