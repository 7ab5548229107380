package io.patchwatch.jobs.fact;

/** A feed delivered an event this new (FLEET.md feed silence). A Flink POJO. */
public class FeedProgress {
    public String feed;
    public long ts;
    /** The feed carries heartbeats or pings: devices may be heard through it alone. */
    public boolean liveness;

    public FeedProgress() {}

    public FeedProgress(String feed, long ts, boolean liveness) {
        this.feed = feed;
        this.ts = ts;
        this.liveness = liveness;
    }
}
