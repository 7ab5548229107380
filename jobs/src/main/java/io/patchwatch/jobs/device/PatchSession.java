package io.patchwatch.jobs.device;

/** An open patch session of one device; absent (null state) when none is open. */
public class PatchSession {
    /** The first install or failure: the session's id in dedup keys. */
    public long start;
    /** The newest install or failure: the session closes at lastInstall + W. */
    public long lastInstall;
    /** KBs installed or attempted in the session, in order, without repeats. */
    public String[] kbs = new String[0];
    /** Updates without a KB (drivers, Store apps) of the session, by title, in order. */
    public String[] updates = new String[0];
    /** The update ids of {@link #updates}, which tell repeats apart. */
    public String[] updateIds = new String[0];
    /** Updates of the session beyond the first {@link #MAX_KBS}: counted, not kept ("+N more"). */
    public int moreKbs;
    /** The one-shot rules (by id) that already started in this session. */
    public String[] oneShotStarted = new String[0];
    /** A session keeps at most this many updates: a feed cannot grow a device's state without end. */
    public static final int MAX_KBS = 50;
    /** Critical services of this session: configured for the group plus the learned baseline. */
    public String[] critical = new String[0];
    public long bootedAt = DeviceState.NONE;
    /** The last unexpected shutdown reported in this session. */
    public long lastUnexpectedShutdown = DeviceState.NONE;

    public PatchSession() {}
}
