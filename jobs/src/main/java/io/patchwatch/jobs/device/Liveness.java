package io.patchwatch.jobs.device;

import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.rules.RuleProfile;
import org.apache.flink.metrics.Counter;

/**
 * A device's liveness (ARCHITECTURE.md "silence"): its last signal (heartbeat or successful ping),
 * when it was first monitored, and its silence, which starts at lastSignal + N once the watermark
 * passes it and ends with the next signal. Silence is judged only inside a patch session, for a
 * device monitored before its silence would start.
 */
final class Liveness {
    private static final long NONE = DeviceFact.NONE;

    private final Counter silences;
    private final DeviceCounts counts;

    Liveness(Counter silences, DeviceCounts counts) {
        this.silences = silences;
        this.counts = counts;
    }

    /** A heartbeat or ping seen at {@code ts}; whether the record changed. The earliest counts, whatever the arrival order. */
    static boolean monitored(DeviceState d, long ts) {
        if (d.monitoredSince == NONE || ts < d.monitoredSince) {
            d.monitoredSince = ts;
            return true;
        }
        return false;
    }

    /**
     * The hot path: a signal within N of one already applied cannot hide a silence, whatever order
     * such signals arrive in, so it only moves the last signal. A first signal, or one past the
     * deadline, must wait for its turn in event time (an earlier one may still come).
     */
    static boolean absorbs(DeviceState d, long ts, long silenceAfterMs) {
        return d.silentSince == NONE && d.lastSignal != NONE && ts < d.lastSignal + silenceAfterMs;
    }

    /** Alive, with a last signal, and monitored before its silence would start. */
    static boolean watched(DeviceState d, RuleProfile profile) {
        return d.silentSince == NONE && d.lastSignal != NONE && d.monitoredSince != NONE
                && d.monitoredSince <= d.lastSignal + profile.silenceAfterMs();
    }

    /** When the device falls silent if nothing comes (NONE: it is not watched). */
    static long silenceDeadline(DeviceState d, RuleProfile profile) {
        return watched(d, profile) ? d.lastSignal + profile.silenceAfterMs() : NONE;
    }

    /**
     * At {@code now}, inside a session: starts the silence if it is due, and returns when it started
     * (NONE: not silent). A silence_after tightened live counts from when it is in force
     * ({@code effectiveFrom}), never from before.
     */
    long startSilence(DeviceState d, PatchSession s, RuleProfile profile, long now, long effectiveFrom) {
        if (s == null || !watched(d, profile) || d.lastSignal + profile.silenceAfterMs() > now) {
            return NONE;
        }
        long silentAt = Math.max(d.lastSignal + profile.silenceAfterMs(), effectiveFrom);
        d.silentSince = silentAt;
        d.silentInSession = silentAt < PatchSessions.end(s, profile);
        silences.inc();
        counts.silent++;
        return silentAt;
    }

    /** Whether a signal at {@code ts} ends the current silence. */
    static boolean ends(DeviceState d, long ts) {
        return d.silentSince != NONE && ts >= d.silentSince;
    }

    /** The silence is over. */
    void back(DeviceState d) {
        d.silentSince = NONE;
        d.silentInSession = false;
        counts.silent--;
    }

    /** A signal applied in event-time order. */
    static void signal(DeviceState d, long ts) {
        d.lastSignal = Math.max(d.lastSignal, ts);
    }
}
