package io.patchwatch.jobs.device;

import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.fact.DeviceKeys;
import io.patchwatch.jobs.fact.FactKind;
import io.patchwatch.schemas.DeviceEvent;

/** The facts a device's state and events make: the session's context at the fact's time, and the event's own fields. */
final class DeviceFacts {
    private static final long NONE = DeviceFact.NONE;

    private DeviceFacts() {}

    /** The fact an event becomes, with its own fields. */
    static DeviceFact ofEvent(String key, DeviceState d, PatchSession s, FactKind kind, DeviceEvent e) {
        DeviceFact f = of(key, d, s, kind, e.getTs());
        eventFields(f, e);
        return f;
    }

    /** A ping as the fact it would be, to ask whether some rule wants it. */
    static DeviceFact ofPing(DeviceEvent e) {
        DeviceFact f = new DeviceFact();
        f.kind = FactKind.PING;
        f.ts = e.getTs();
        eventFields(f, e);
        return f;
    }

    private static void eventFields(DeviceFact f, DeviceEvent e) {
        f.service = e.getService();
        f.state = e.getState() == null ? null : e.getState().name();
        f.startType = e.getStartType();
        f.update = PatchSessions.updateOf(e);
        f.kb = e.getKb();
        f.title = e.getTitle();
        f.error = e.getError();
        f.reason = e.getReason();
        f.source = e.getSource();
        f.rebootRequired = e.getRebootRequired();
        f.ok = e.getOk();
        f.rttMs = e.getRttMs();
        f.lossPct = e.getLossPct();
    }

    static DeviceFact of(String key, DeviceState d, PatchSession s, FactKind kind, long ts) {
        DeviceFact f = new DeviceFact();
        f.key = key;
        f.tenant = DeviceKeys.tenantOf(key);
        f.site = d.site;
        f.device = DeviceKeys.displayName(key, d.name);
        f.kind = kind;
        f.ts = ts;
        // What was true at the fact's time: heartbeats ahead of the watermark are already counted
        // in lastSignal, and must not leak into the context of an earlier fact.
        f.lastSeen = d.lastSignal == NONE ? NONE : Math.min(d.lastSignal, ts);
        if (s != null) {
            f.inSession = true;
            f.sessionStart = s.start;
            f.kbs = s.kbs;
            f.updates = s.updates;
            f.moreKbs = s.moreKbs;
            f.bootedAt = s.bootedAt;
            f.critical = s.critical;
        }
        return f;
    }
}
