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
    /** Updates without a KB, by title. */
    public String[] updates = new String[0];
    /** Updates of the session beyond {@code kbs} and {@code updates}, counted only. */
    public int moreKbs;
    /** The service or update the incident is about (rules with subject service / update). */
    public String subject;
    public String service;
    /** The update's identity (KB or update id) of patch facts. */
    public String update;
    /** How the update is named in messages: its KB, else its title. */
    public String updateName;
    public String error;
    public long lastSeen = DeviceFact.NONE;
    public long bootedAt = DeviceFact.NONE;
    public long silentForS = DeviceFact.NONE;
    /** The window of the step that fired (the absence's, or the last step's), for {window}. */
    public long windowMs;
    /** The rules version the decision was taken under (0: the job's file, nothing published). */
    public int rulesVersion;

    public Trigger() {}

    /** A trigger for {@code rule} at {@code ts}, with the context of fact {@code f}. */
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
        t.updates = f.updates;
        t.moreKbs = f.moreKbs;
        t.lastSeen = f.lastSeen;
        t.bootedAt = f.bootedAt;
        t.silentForS = f.silentForS;
        t.update = f.update;
        t.updateName = f.kb != null ? f.kb : f.title != null ? f.title : f.update;
        t.error = f.error;
        return t;
    }

    @Override
    public String toString() {
        return rule + "@" + ts + " " + key + (subject != null ? " " + subject : "");
    }
}
