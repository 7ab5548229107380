package io.patchwatch.jobs.device;

import io.patchwatch.jobs.fact.FeedProgress;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Each feed's progress as one tracker instance sees it (FLEET.md feed silence): a record when a
 * feed's newest event time moves by a second or more, or when it first carries a heartbeat or ping,
 * so the feed watch sees every feed's clock without a record per event. Kept by the tracker, which
 * reads every event anyway (a separate operator beside it would get a copy of each).
 */
final class FeedClocks {
    /** Event time a feed must move before it is reported again. */
    static final long STEP_MS = 1_000;

    private final Map<String, Long> reported = new HashMap<>();
    /** Feeds already reported as carrying heartbeats or pings. */
    private final Set<String> monitoring = new HashSet<>();
    /** The feed of events that carry none (the job's only input), or null. */
    private final String soleFeed;

    FeedClocks(String soleFeed) {
        this.soleFeed = soleFeed;
    }

    /** The progress to report for this event, or null. */
    FeedProgress observe(DeviceEvent e) {
        String feed = e.getFeed() != null ? e.getFeed() : soleFeed;
        if (feed == null) {
            return null;
        }
        boolean liveness = e.getKind() == EventKind.heartbeat || e.getKind() == EventKind.ping;
        Long last = reported.get(feed);
        if (last != null && e.getTs() < last + STEP_MS && (!liveness || monitoring.contains(feed))) {
            return null;
        }
        reported.put(feed, last == null ? e.getTs() : Math.max(last, e.getTs()));
        if (liveness) {
            monitoring.add(feed);
        }
        return new FeedProgress(feed, e.getTs(), liveness);
    }
}
