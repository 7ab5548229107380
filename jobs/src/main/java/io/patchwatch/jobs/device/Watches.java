package io.patchwatch.jobs.device;

import java.util.ArrayList;
import java.util.List;

/**
 * The absences a device is being watched for, each waiting for an awaited event until its deadline:
 * a boot after a restart (B), a boot after a reboot-requiring install (P), a critical service
 * running after a boot (M). Each holds the fact that started it; when a deadline passes first, that
 * fact becomes a deadline fact for the rules. Absent (null state) when nothing is watched, so a
 * quiet device keeps none. Kept apart from the session: P may outlast the session.
 */
public class Watches {
    /** The earliest restart still waiting for a boot. */
    public DeviceFact reboot;
    /** The earliest reboot-requiring install still waiting for a boot. */
    public DeviceFact pendingReboot;
    /** Critical services still waiting to run after the latest boot, one fact per service. */
    public List<DeviceFact> services = new ArrayList<>();

    public Watches() {}

    boolean isEmpty() {
        return reboot == null && pendingReboot == null && services.isEmpty();
    }

    /** The earliest deadline, or {@link DeviceState#NONE}. */
    long nextDeadline() {
        long next = DeviceState.NONE;
        for (DeviceFact f : all()) {
            long d = f.ts + f.windowMs;
            next = next == DeviceState.NONE ? d : Math.min(next, d);
        }
        return next;
    }

    private List<DeviceFact> all() {
        List<DeviceFact> all = new ArrayList<>(services);
        if (reboot != null) {
            all.add(reboot);
        }
        if (pendingReboot != null) {
            all.add(pendingReboot);
        }
        return all;
    }
}
