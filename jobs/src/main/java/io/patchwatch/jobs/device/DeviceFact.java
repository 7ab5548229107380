package io.patchwatch.jobs.device;

import java.util.Arrays;

/**
 * One fact the {@link DeviceTracker} derived, with the patch session's context at that moment. Facts
 * are rare (no heartbeats): they are what the CEP rules and the incidents see.
 *
 * <p>A Flink POJO (public fields, no-arg constructor) so it is serialized without Kryo.
 */
public class DeviceFact {
    public static final long NONE = Long.MIN_VALUE;

    public String key;
    public String tenant;
    public String site;
    public String device;
    public FactKind kind;
    public long ts;
    /** Whether a patch session was open at ts. */
    public boolean inSession;
    /** Start of the session the fact belongs to (its id), or NONE. */
    public long sessionStart = NONE;
    public String[] kbs = new String[0];
    /** Updates of the session beyond {@code kbs}, counted only. */
    public int moreKbs;
    public long lastSeen = NONE;
    public long bootedAt = NONE;
    public String service;
    /** The update (KB, or update id when it has no KB) of patch facts. */
    public String update;
    public String error;
    public boolean rebootRequired;
    /** The window of the rule this fact starts (M, B or P), which picks the CEP pattern variant. */
    public long windowMs;

    public DeviceFact() {}

    public DeviceFact copy() {
        DeviceFact f = new DeviceFact();
        f.key = key;
        f.tenant = tenant;
        f.site = site;
        f.device = device;
        f.kind = kind;
        f.ts = ts;
        f.inSession = inSession;
        f.sessionStart = sessionStart;
        f.kbs = kbs;
        f.moreKbs = moreKbs;
        f.lastSeen = lastSeen;
        f.bootedAt = bootedAt;
        f.service = service;
        f.update = update;
        f.error = error;
        f.rebootRequired = rebootRequired;
        f.windowMs = windowMs;
        return f;
    }

    @Override
    public String toString() {
        return kind + "@" + ts + " " + key + (service != null ? " service=" + service : "")
                + (update != null ? " update=" + update : "") + " session=" + sessionStart + " kbs=" + Arrays.toString(kbs);
    }
}
