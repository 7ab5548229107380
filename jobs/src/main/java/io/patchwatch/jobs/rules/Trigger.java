package io.patchwatch.jobs.rules;

import io.patchwatch.jobs.device.DeviceFact;

/**
 * A rule's verdict that an incident should fire at {@link #ts}; the incident manager decides whether
 * it is new (a new episode) or already firing (deduplicated). A Flink POJO.
 */
public class Trigger {
    public String key;
    public String rule;
    public String tenant;
    public String site;
    public String device;
    public long ts;
    public long sessionStart = DeviceFact.NONE;
    public String[] kbs = new String[0];
    /** Updates of the session beyond {@code kbs}, counted only. */
    public int moreKbs;
    /** The service (service-down-after-reboot) or update (patch-failed) the incident is about. */
    public String subject;
    public String service;
    public String update;
    public String error;
    public long lastSeen = DeviceFact.NONE;
    public long bootedAt = DeviceFact.NONE;
    public long windowMs;

    public Trigger() {}

    /** A trigger for {@code rule} at {@code ts}, with the context of the fact that started it. */
    public static Trigger of(String rule, DeviceFact f, long ts) {
        Trigger t = new Trigger();
        t.key = f.key;
        t.rule = rule;
        t.tenant = f.tenant;
        t.site = f.site;
        t.device = f.device;
        t.ts = ts;
        t.sessionStart = f.sessionStart;
        t.kbs = f.kbs;
        t.moreKbs = f.moreKbs;
        t.lastSeen = f.lastSeen;
        t.bootedAt = f.bootedAt;
        t.windowMs = f.windowMs;
        return t;
    }

    @Override
    public String toString() {
        return rule + "@" + ts + " " + key + (subject != null ? " " + subject : "");
    }
}
