package io.patchwatch.jobs.noise;

/** A feed delivered an event this new (FLEET.md feed silence). A Flink POJO. */
public class FeedProgress {
    public String feed;
    public long ts;

    public FeedProgress() {}

    FeedProgress(String feed, long ts) {
        this.feed = feed;
        this.ts = ts;
    }
}
