package io.patchwatch.jobs.device;

import io.patchwatch.jobs.rules.RuleProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.MapState;

/**
 * A device's learned baseline of services (ARCHITECTURE.md: the configured critical services plus
 * those seen running within {@code baseline_lookback} before a session opened): when each service
 * was last seen running.
 */
final class ServiceBaseline {
    /**
     * Services a device may learn as running, at most: a Windows server runs 80-150, so a real
     * baseline fits; a feed inventing thousands does not.
     */
    static final int MAX_LEARNED_SERVICES = 256;

    private final MapState<String, Long> lastRunning;

    ServiceBaseline(MapState<String, Long> lastRunning) {
        this.lastRunning = lastRunning;
    }

    /** A service reported running at {@code ts}. */
    void running(String service, long ts) throws Exception {
        Long prev = lastRunning.get(service);
        if (prev == null ? learnsAnotherService() : prev < ts) {
            lastRunning.put(service, ts);
        }
    }

    /**
     * Whether the device may learn one more service: at most {@link #MAX_LEARNED_SERVICES}, so a
     * feed that calls a thousand names "running" cannot make a thousand critical services (and a
     * thousand alerts) of one device. Counting walks the map, but only for a name not seen before.
     */
    private boolean learnsAnotherService() throws Exception {
        int n = 0;
        for (String ignored : lastRunning.keys()) {
            if (++n >= MAX_LEARNED_SERVICES) {
                return false;
            }
        }
        return true;
    }

    /**
     * The critical services of a session opening at {@code sessionStart}: the configured ones plus
     * those seen running within the lookback before it. Services not seen for longer are forgotten.
     */
    String[] criticalServices(RuleProfile profile, long sessionStart) throws Exception {
        List<String> critical = new ArrayList<>(profile.criticalServices());
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, Long> run : lastRunning.entries()) {
            if (run.getValue() < sessionStart - profile.baselineLookbackMs()) {
                stale.add(run.getKey());
            } else if (run.getValue() <= sessionStart
                    && critical.stream().noneMatch(run.getKey()::equalsIgnoreCase)) {
                critical.add(run.getKey());
            }
        }
        for (String service : stale) {
            lastRunning.remove(service);
        }
        return critical.toArray(new String[0]);
    }
}
