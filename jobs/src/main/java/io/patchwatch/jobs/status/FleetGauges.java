package io.patchwatch.jobs.status;

import io.patchwatch.jobs.metrics.JobMetrics;
import io.patchwatch.schemas.DeviceStatus;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.MetricGroup;

/**
 * The fleet gauges (FLEET.md, Patch status): devices per (tenant, site, ring, state) on this
 * subtask, {@code sum by (tenant, site, ring, state)} for the fleet. Bounded: no label per device; a
 * combination is registered when its first device arrives and then stays (at 0 when emptied).
 */
final class FleetGauges {
    /** tenant, site ("" when none), ring, state; NUL-separated. */
    private final Map<String, long[]> counts = new HashMap<>();
    private final MetricGroup group;

    FleetGauges(MetricGroup group) {
        this.group = group;
    }

    /** The combination a status counts in, or null for none (no status). */
    static String key(DeviceStatus s) {
        if (s == null) {
            return null;
        }
        return s.getTenant() + "\u0000" + (s.getSite() == null ? "" : s.getSite()) + "\u0000" + s.getRing() + "\u0000" + s.getState().name();
    }

    /** A device moved from one combination to another (either null: it arrived, or was forgotten). */
    void move(String from, String to) {
        if (from != null && from.equals(to)) {
            return;
        }
        if (from != null) {
            counter(from)[0]--;
        }
        if (to != null) {
            counter(to)[0]++;
        }
    }

    long get(String key) {
        long[] c = counts.get(key);
        return c == null ? 0 : c[0];
    }

    private long[] counter(String key) {
        return counts.computeIfAbsent(key, k -> {
            long[] c = new long[1];
            String[] parts = k.split("\u0000", -1);
            group.addGroup("tenant", parts[0]).addGroup("site", parts[1]).addGroup("ring", parts[2]).addGroup("state", parts[3])
                    .gauge(JobMetrics.DEVICES, () -> c[0]);
            return c;
        });
    }
}
