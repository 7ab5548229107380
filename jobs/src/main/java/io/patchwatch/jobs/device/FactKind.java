package io.patchwatch.jobs.device;

/** What the {@link DeviceTracker} tells the rules and the incidents about a device. */
public enum FactKind {
    /** A monitored device had no liveness signal for N (ts = lastSignal + N). */
    DEVICE_SILENT,
    /** The first liveness signal after a silence. */
    DEVICE_BACK,
    PATCH_INSTALLED,
    PATCH_FAILED,
    REBOOT_INITIATED,
    BOOTED,
    UNEXPECTED_SHUTDOWN,
    /** At a boot inside a patch session: this critical service must run within M (tracker-internal). */
    SERVICE_WATCH,
    SERVICE_RUNNING,
    SERVICE_FAILED,
    /** B passed after a restart in a session without a boot (ts = restart + B). */
    REBOOT_HUNG,
    /** P passed after a reboot-requiring install without a boot (ts = install + P). */
    REBOOT_STILL_PENDING,
    /** M passed after a boot in a session and this critical service never ran (ts = boot + M). */
    SERVICE_NOT_STARTED
}
