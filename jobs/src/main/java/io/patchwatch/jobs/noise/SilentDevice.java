package io.patchwatch.jobs.noise;

/** A device of the site that is silent now. A Flink POJO. */
public class SilentDevice {
    public long since;
    /** The KBs of its patch session. */
    public String[] kbs = new String[0];
    /** The feed of its last liveness signal. */
    public String feed;
    /** Its feed was silent when it went silent: the feed explains it, not the site (FLEET.md). */
    public boolean explainedByFeed;
    /** Counted in the site's outage. */
    public boolean covered;

    public SilentDevice() {}
}
