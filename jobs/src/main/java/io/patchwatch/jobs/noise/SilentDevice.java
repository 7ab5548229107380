package io.patchwatch.jobs.noise;

/** A device of the site that is silent now. A Flink POJO. */
public class SilentDevice {
    public long since;
    /** The KBs of its patch session. */
    public String[] kbs = new String[0];
    /** Counted in the site's outage. */
    public boolean covered;

    public SilentDevice() {}
}
