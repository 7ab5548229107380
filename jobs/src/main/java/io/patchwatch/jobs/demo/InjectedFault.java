package io.patchwatch.jobs.demo;

import java.util.List;

/** The faults the demo injects into a patch night, and the alerts (of the built-in rules) each one must raise. */
public enum InjectedFault {
    /** Restarts for the patch and never comes back. */
    NEVER_BACK("never came back", List.of("offline-after-patch", "reboot-hang")),
    /** Hangs on the reboot for 35-50 minutes, then boots. */
    REBOOT_HANG("hung on reboot", List.of("reboot-hang", "offline-after-patch")),
    /** A role service (Spooler, MSSQLSERVER, W3SVC, ...) stays stopped after the boot. */
    SERVICE_STOPPED("service stayed stopped", List.of("service-down-after-reboot")),
    /** A role service starts, then crashes within minutes (SCM 7031); an admin restarts it later. */
    SERVICE_CRASH("service crashed", List.of("service-down-after-reboot")),
    /** One update fails to install (0x80070643); half of them succeed on a retry. */
    PATCH_FAILED("patch failed", List.of("patch-failed")),
    /**
     * Boots after the patch, crashes (EventLog 6008), boots, crashes again, then stays up. The
     * built-in rules see each crash; a rules file with RULES.md's boot-loop-after-patch sees the loop.
     */
    BOOT_LOOP("boot loop after the reboot", List.of("unexpected-shutdown-after-patch", "boot-loop-after-patch"));

    /** The rule whose alerts name the service ({@code rule/service} in the report). */
    static final String SERVICE_DOWN = "service-down-after-reboot";

    private final String label;
    private final List<String> expectedRules;

    InjectedFault(String label, List<String> expectedRules) {
        this.label = label;
        this.expectedRules = expectedRules;
    }

    public String label() {
        return label;
    }

    public List<String> expectedRules() {
        return expectedRules;
    }
}
