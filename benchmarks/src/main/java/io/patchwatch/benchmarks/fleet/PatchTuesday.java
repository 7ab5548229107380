package io.patchwatch.benchmarks.fleet;

import java.io.Serializable;

/**
 * The simulated Patch Tuesday: {@code devices} devices, each heartbeating once per event-minute
 * for {@link #minutes()} minutes (at least {@value #MIN_MINUTES}, more for a small fleet so that
 * every run has at least {@value #MIN_EVENTS} events and start-up costs do not dominate). 30 % are patched (a cumulative update, then a reboot), 3 % of all
 * devices never come back after their patch (monitoring keeps pinging them, in vain) and 2 % come
 * back with their print spooler left stopped. Everything is a function of the device number, so the
 * ground truth is known without running anything.
 *
 * <p>Timeline of a patched device (minute offsets from its install minute {@code i}, 1 or 2):
 * minute 0: the RMM's service inventory (Spooler running), i: patch installed, i+1: restart,
 * i+2: booted, i+3: Spooler running (or stopped). A never-back device only fails pings after i.
 * The rules run with N = 3 min and M = 3 min ({@link #RULES}), so every deadline passes before the
 * end.
 */
public record PatchTuesday(int devices) implements Serializable {
    public static final int MIN_MINUTES = 10;
    public static final long MIN_EVENTS = 1_000_000L;
    /** The event time of minute 0. */
    public static final long BASE = java.time.Instant.parse("2026-11-10T02:00:00Z").toEpochMilli();
    public static final String SERVICE = "Spooler";
    public static final String KB = "KB5044284";
    /** The default rules with N and M shortened to 3 minutes (the scenario's length). */
    public static final String RULES = "silence_after: 3m / start_within: 3m";

    public enum Role { QUIET, PATCHED, NEVER_BACK, SERVICE_STOPPED }

    public static Role role(long device) {
        long r = device % 100;
        if (r < 3) {
            return Role.NEVER_BACK;
        }
        if (r < 5) {
            return Role.SERVICE_STOPPED;
        }
        return r < 30 ? Role.PATCHED : Role.QUIET;
    }

    public static int installMinute(long device) {
        return 1 + (int) ((device / 100) % 2);
    }

    public int minutes() {
        return (int) Math.max(MIN_MINUTES, (MIN_EVENTS + devices - 1) / devices);
    }

    public long events() {
        return (long) devices * minutes();
    }

    /** The newest event time of the scenario: the clock stops there. */
    public long clockStop() {
        return BASE + (minutes() - 1) * 60_000L + 59_999L;
    }

    public long expectedOffline() {
        return count(Role.NEVER_BACK);
    }

    public long expectedServiceDown() {
        return count(Role.SERVICE_STOPPED);
    }

    private long count(Role role) {
        long n = 0;
        for (long d = 0; d < devices; d++) {
            if (role(d) == role) {
                n++;
            }
        }
        return n;
    }
}
