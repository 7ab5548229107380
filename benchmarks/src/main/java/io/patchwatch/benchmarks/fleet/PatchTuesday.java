package io.patchwatch.benchmarks.fleet;

import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import io.patchwatch.schemas.ServiceState;
import java.io.Serializable;
import java.time.Duration;

/**
 * The simulated Patch Tuesday: {@code devices} devices, each heartbeating once per event-minute.
 * 30 % are patched (a cumulative update, then a reboot), 3 % of all devices never come back after
 * their patch (monitoring keeps pinging them, in vain) and 2 % come back with their print spooler
 * left stopped. Everything is a function of the device number, so the ground truth is known without
 * running anything.
 *
 * <p>Timeline of a patched device (minute offsets from its install minute {@code i}): minute 0: the
 * RMM's service inventory (Spooler running), i: patch installed, i+1: restart, i+2: booted, i+3:
 * Spooler running (or stopped). A never-back device only fails pings after i.
 *
 * <p>Two profiles:
 * <ul>
 *   <li>{@link Profile#COMPRESSED}: a night squeezed into {@value #MIN_MINUTES} event-minutes (more
 *       for a small fleet, so that every run has at least {@value #MIN_EVENTS} events), installs at
 *       minute 1 or 2, rules with N = M = 3 min ({@link #RULES}): a quarter of all events are patch
 *       facts. It stresses the rules.
 *   <li>{@link Profile#NIGHT}: what users have. 4 event-hours, installs spread over the first three
 *       of them, the shipped rules (N = M = 10 min), and the feeds' mix ({@link #MIXED}): besides the
 *       heartbeats, every device's periodic service-state inventory (10.5 % of its minutes) and the
 *       monitoring's pings (5 %).
 *   <li>{@link Profile#FEEDS}: a day and a half (36 event-hours) of the same mix, the patch night
 *       in its hours 24-27: the recording replay is measured on ({@code bench replay --feeds}).
 * </ul>
 */
public record PatchTuesday(int devices, Profile profile) implements Serializable {
    public static final int MIN_MINUTES = 10;
    public static final long MIN_EVENTS = 1_000_000L;
    /** The event time of minute 0. */
    public static final long BASE = java.time.Instant.parse("2026-11-10T02:00:00Z").toEpochMilli();
    public static final String SERVICE = "Spooler";
    public static final String KB = "KB5044284";
    /** The compressed profile's rules: the default rules with N and M shortened to 3 minutes. */
    public static final String RULES = "silence_after: 3m / start_within: 3m";
    /** The realistic night: 4 event-hours; installs in its first three, so every deadline passes before its end. */
    static final int NIGHT_MINUTES = 240;
    private static final int NIGHT_INSTALL_SPREAD = 180;

    public enum Profile {
        COMPRESSED,
        NIGHT,
        FEEDS;

        /** N and M of the rules the profile runs with. */
        Duration window() {
            return this == COMPRESSED ? Duration.ofMinutes(3) : Duration.ofMinutes(10);
        }

        /** Besides heartbeats and patch facts, the periodic inventories and pings real feeds send. */
        boolean mixed() {
            return this != COMPRESSED;
        }
    }

    /** The feeds' mix: of every 200 of a device's minutes, this many are a ping, then this many an inventory entry. */
    static final int MIX_PINGS = 10;
    static final int MIX_INVENTORY = 21;
    private static final int FEEDS_MINUTES = 36 * 60;
    private static final int FEEDS_PATCH_NIGHT = 24 * 60;

    public enum Role { QUIET, PATCHED, NEVER_BACK, SERVICE_STOPPED }

    public PatchTuesday(int devices) {
        this(devices, Profile.COMPRESSED);
    }

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

    public int installMinute(long device) {
        int spread = (int) ((device / 100 * 7919 + device % 100) % NIGHT_INSTALL_SPREAD);
        if (profile == Profile.NIGHT) {
            // Spread over the first three hours (from minute 5, after the service inventory).
            return 5 + spread;
        }
        if (profile == Profile.FEEDS) {
            return FEEDS_PATCH_NIGHT + spread;
        }
        return 1 + (int) ((device / 100) % 2);
    }

    public int minutes() {
        if (profile == Profile.NIGHT) {
            return NIGHT_MINUTES;
        }
        if (profile == Profile.FEEDS) {
            return FEEDS_MINUTES;
        }
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

    /** The share of events that are not heartbeats (patch facts, service states, pings). */
    public double nonHeartbeatShare() {
        long other = 0;
        long sample = Math.min(devices, 2_000);
        DeviceEvent e = new DeviceEvent();
        for (long d = 0; d < sample; d++) {
            for (int m = 0; m < minutes(); m++) {
                fill(e, d, m, BASE);
                other += e.getKind() == EventKind.heartbeat ? 0 : 1;
            }
        }
        return other / (double) (sample * minutes());
    }

    /**
     * Device {@code device}'s event of minute {@code minute}, at {@code ts}, into {@code e} (every
     * field the scenario sets is set or cleared): the one home of the scenario's events.
     */
    public void fill(DeviceEvent e, long device, int minute, long ts) {
        e.setTenant("bench");
        e.setDevice("dev-" + device);
        e.setTs(ts);
        e.setKb(null);
        e.setService(null);
        e.setState(null);
        e.setOk(null);
        e.setRebootRequired(null);
        Role role = role(device);
        int install = installMinute(device);
        EventKind kind = EventKind.heartbeat;
        boolean patchEvent = true;
        if (role != Role.QUIET && minute == 0) {
            kind = EventKind.service_state;
            e.setService(SERVICE);
            e.setState(ServiceState.running);
        } else if (role != Role.QUIET && minute == install) {
            kind = EventKind.patch_installed;
            e.setKb(KB);
            e.setRebootRequired(role != Role.NEVER_BACK);
        } else if (role == Role.NEVER_BACK && minute > install) {
            kind = EventKind.ping;
            e.setOk(false);
        } else if (role != Role.QUIET && minute == install + 1) {
            kind = EventKind.reboot_initiated;
        } else if (role != Role.QUIET && minute == install + 2) {
            kind = EventKind.booted;
        } else if (role != Role.QUIET && minute == install + 3) {
            kind = EventKind.service_state;
            e.setService(SERVICE);
            e.setState(role == Role.SERVICE_STOPPED ? ServiceState.stopped : ServiceState.running);
        } else {
            patchEvent = false;
        }
        if (!patchEvent && profile.mixed()) {
            int slot = (int) ((minute + device * 7) % 200);
            if (slot < MIX_PINGS) {
                kind = EventKind.ping;
                e.setOk(true);
            } else if (slot < MIX_PINGS + MIX_INVENTORY) {
                // The periodic inventory reports the service as it is: a stopped Spooler stays stopped.
                kind = EventKind.service_state;
                e.setService(SERVICE);
                e.setState(role == Role.SERVICE_STOPPED && minute > install ? ServiceState.stopped : ServiceState.running);
            }
        }
        e.setKind(kind);
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
