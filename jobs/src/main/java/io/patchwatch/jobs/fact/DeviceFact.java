package io.patchwatch.jobs.fact;

import java.util.Arrays;

/**
 * One fact the device tracker derived, with the patch session's context at that moment. Facts
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
    /** KBs of the session so far. */
    public String[] kbs = new String[0];
    /** Updates of the session without a KB (drivers, Store apps), by title. */
    public String[] updates = new String[0];
    /** Updates of the session beyond {@code kbs} and {@code updates}, counted only. */
    public int moreKbs;
    /** The session's critical services (configured plus learned), the subjects of per-service rules. */
    public String[] critical = new String[0];
    public long lastSeen = NONE;
    public long bootedAt = NONE;
    /** device_silent / device_back: how long the device had been silent, in seconds. */
    public long silentForS = NONE;

    // The event's own fields (null when it has none).
    public String service;
    public String state;
    public String startType;
    /** The update's identity: its KB, or its update id when it has none. */
    public String update;
    public String kb;
    public String title;
    public String error;
    public String reason;
    public String source;
    /** Liveness facts: the feed of the device's last signal (FLEET.md feed silence); feed signals: the feed. */
    public String feed;
    public Boolean rebootRequired;
    public Boolean ok;
    public Double rttMs;
    public Double lossPct;

    /** Set by a rule run per critical service: the service this copy of the fact is about. */
    public String subject;

    /** No rule: the shared empty value of {@link #firstStartOf}. */
    public static final String[] NO_RULES = new String[0];

    /** The one-shot rules (by id) for which this fact is the session's first start. */
    public String[] firstStartOf = NO_RULES;
    /** DEADLINE: the pattern whose absence ran out. */
    public PatternRef awaits;
    /** DEADLINE: the time of the fact that started the match (the deadline is anchor + window). */
    public long anchor = NONE;
    /** The rules version in force at {@code ts} (0: the job's file, nothing published). */
    public int rulesVersion;
    /**
     * The windows CEP checks itself for this device at {@code ts}, or null when the rules have none.
     * Written and read by the compiled rule plan alone ({@code RulePlan#cepWindows}, {@code
     * CompiledStep#windowOn}): a CEP condition cannot read the job's rule versions, so the tracker
     * hands it the device's windows on the fact, as compact as a fact on every hot path must be.
     */
    public long[] windows;
    /** RULES_VERSION: the version's hash and text (else null). */
    public String rulesHash;
    public String rulesText;

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
        f.updates = updates;
        f.moreKbs = moreKbs;
        f.critical = critical;
        f.lastSeen = lastSeen;
        f.bootedAt = bootedAt;
        f.silentForS = silentForS;
        f.service = service;
        f.state = state;
        f.startType = startType;
        f.update = update;
        f.kb = kb;
        f.title = title;
        f.error = error;
        f.reason = reason;
        f.source = source;
        f.rebootRequired = rebootRequired;
        f.ok = ok;
        f.rttMs = rttMs;
        f.lossPct = lossPct;
        f.subject = subject;
        f.firstStartOf = firstStartOf;
        f.awaits = awaits;
        f.anchor = anchor;
        f.rulesVersion = rulesVersion;
        f.windows = windows;
        return f;
    }

    /** Whether this fact is the session's first start of the one-shot rule {@code rule}. */
    public boolean startsFirst(String rule) {
        for (String r : firstStartOf) {
            if (r.equals(rule)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return kind + "@" + ts + " " + key + (service != null ? " service=" + service : "")
                + (update != null ? " update=" + update : "") + " session=" + sessionStart + " kbs=" + Arrays.toString(kbs);
    }
}
