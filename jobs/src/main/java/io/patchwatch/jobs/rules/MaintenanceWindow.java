package io.patchwatch.jobs.rules;

import io.patchwatch.jobs.inventory.DeviceInfo;
import java.io.Serializable;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;

/**
 * A declared maintenance window (FLEET.md "Maintenance windows"): for the devices it matches, the
 * firings of its rules are held while it lasts and decided {@code settle} after its end. Either one
 * occurrence ({@code start} .. {@code end}) or a weekly one ({@code every: "WED 01:00"} for
 * {@code duration} in {@code zone}): a local start time, so the window opens at 01:00 Berlin time on
 * both sides of a DST change, and lasts {@code duration} of real time.
 *
 * @param rules the rules held; null: every rule (mode mute) or every device rule (mode expected)
 * @param days recurring: the days it opens (empty for a one-off)
 */
public record MaintenanceWindow(String name, DeviceMatch match, long startMs, long endMs, Set<DayOfWeek> days,
                                LocalTime at, long durationMs, ZoneId zone, Mode mode, List<String> rules, long settleMs)
        implements Serializable {

    public enum Mode { EXPECTED, MUTE }

    /** One opening of the window: [start, end). */
    public record Occurrence(String window, long start, long end, long settleMs) implements Serializable {
        /** When its held incidents are decided. */
        public long decideAt() {
            return end + settleMs;
        }
    }

    public boolean recurring() {
        return !days.isEmpty();
    }

    /**
     * Whether the window holds {@code rule}'s firings on {@code device}: the rules it lists, or
     * without a list every rule of the file (mode expected) or every incident (mode mute).
     *
     * @param fileRule the rule is one of the rules file's (not site-outage, flapping, ...)
     */
    public boolean holds(String rule, boolean fileRule, DeviceInfo device) {
        boolean listed = rules != null ? rules.contains(rule) : fileRule || mode == Mode.MUTE;
        return listed && match.matches(device);
    }

    /** The opening that contains {@code ts}, or null. */
    public Occurrence at(long ts) {
        if (!recurring()) {
            return ts >= startMs && ts < endMs ? new Occurrence(name, startMs, endMs, settleMs) : null;
        }
        LocalDate day = Instant.ofEpochMilli(ts).atZone(zone).toLocalDate();
        long daysBack = durationMs / 86_400_000L + 1;
        for (long back = 0; back <= daysBack; back++) {
            LocalDate d = day.minusDays(back);
            if (!days.contains(d.getDayOfWeek())) {
                continue;
            }
            // A start in a DST gap moves forward by the gap; in an overlap it takes the earlier offset.
            long start = ZonedDateTime.of(d, at, zone).toInstant().toEpochMilli();
            if (ts >= start && ts < start + durationMs) {
                return new Occurrence(name, start, start + durationMs, settleMs);
            }
        }
        return null;
    }
}
