package io.patchwatch.jobs.device;

import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.rules.RuleProfile;
import io.patchwatch.schemas.DeviceEvent;
import java.util.Arrays;
import org.apache.flink.api.common.state.ValueState;

/**
 * A device's patch session (ARCHITECTURE.md): opened by the first install or failure, open while
 * t &lt; lastInstall + W; its KBs and titled updates, its boot, its crashes (one crash logged twice
 * is one), and the one-shot rules that already started in it.
 */
final class PatchSessions {
    /** Unexpected shutdowns this close together are one crash (its 6008 and Kernel-Power 41). */
    static final long SAME_CRASH_MS = 10 * 60_000L;
    private static final long NONE = DeviceFact.NONE;

    private final ValueState<PatchSession> state;

    PatchSessions(ValueState<PatchSession> state) {
        this.state = state;
    }

    /** The open session, or null; read only when the device's record does not say there is none. */
    PatchSession current(DeviceState d) throws Exception {
        if (d.session == DeviceState.SESSION_NONE) {
            return null;
        }
        PatchSession s = state.value();
        d.session = s == null ? DeviceState.SESSION_NONE : DeviceState.SESSION_OPEN;
        return s;
    }

    void update(PatchSession s) throws Exception {
        state.update(s);
    }

    /** When the session closes under {@code profile}: W after its last install. */
    static long end(PatchSession s, RuleProfile profile) {
        return s.lastInstall + profile.sessionWindowMs();
    }

    /** Whether the session is over at {@code ts}. */
    static boolean over(PatchSession s, RuleProfile profile, long ts) {
        return ts >= end(s, profile);
    }

    /** Opens a session at this install with the device's critical services then. */
    PatchSession open(DeviceState d, DeviceEvent e, String[] critical) throws Exception {
        d.session = DeviceState.SESSION_OPEN;
        PatchSession s = new PatchSession();
        s.start = e.getTs();
        s.lastInstall = e.getTs();
        s.critical = critical;
        addUpdate(s, e);
        state.update(s);
        return s;
    }

    /** Adds an install or failure to the open session. */
    void join(PatchSession s, DeviceEvent e) throws Exception {
        s.lastInstall = Math.max(s.lastInstall, e.getTs());
        addUpdate(s, e);
        state.update(s);
    }

    void booted(PatchSession s, long ts) throws Exception {
        s.bootedAt = ts;
        state.update(s);
    }

    /**
     * Whether an unexpected shutdown at {@code ts} is a new crash. One crash is logged twice at the
     * next boot (EventLog 6008 and Kernel-Power 41): one fact, unless a boot came between (a boot
     * loop crashes again and again).
     */
    boolean newCrash(PatchSession s, long ts) throws Exception {
        if (s.lastUnexpectedShutdown != NONE && ts - s.lastUnexpectedShutdown <= SAME_CRASH_MS
                && (s.bootedAt == NONE || s.bootedAt < s.lastUnexpectedShutdown)) {
            return false;
        }
        s.lastUnexpectedShutdown = ts;
        state.update(s);
        return true;
    }

    void close(DeviceState d) {
        state.clear();
        d.session = DeviceState.SESSION_NONE;
    }

    /**
     * Of the one-shot rules {@code starting}, those that have not started in the session yet (they
     * are marked as started now).
     */
    String[] firstStarts(PatchSession s, String[] starting) throws Exception {
        String[] first = Arrays.stream(starting).filter(r -> !Arrays.asList(s.oneShotStarted).contains(r)).toArray(String[]::new);
        if (first.length > 0) {
            s.oneShotStarted = concat(s.oneShotStarted, first);
            state.update(s);
        }
        return first;
    }

    /** Adds an update to the session's KBs, or (no KB: a driver, a Store app) to its titled updates. */
    private static void addUpdate(PatchSession s, DeviceEvent e) {
        String kb = e.getKb();
        if (kb != null ? Arrays.asList(s.kbs).contains(kb) : Arrays.asList(s.updateIds).contains(updateOf(e))) {
            return;
        }
        if (s.kbs.length + s.updates.length >= PatchSession.MAX_KBS) {
            s.moreKbs++; // a repeat beyond the cap counts again: an estimate, never unbounded
        } else if (kb != null) {
            s.kbs = concat(s.kbs, new String[] {kb});
        } else {
            s.updateIds = concat(s.updateIds, new String[] {updateOf(e)});
            s.updates = concat(s.updates, new String[] {e.getTitle() != null ? e.getTitle() : updateOf(e)});
        }
    }

    /** The update's identity: its KB, else its update id. */
    static String updateOf(DeviceEvent e) {
        return e.getKb() != null ? e.getKb() : e.getUpdateId();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
