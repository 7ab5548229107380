package io.patchwatch.jobs.demo;

import io.patchwatch.jobs.config.RuleIds;
import java.util.List;

/** The faults the demo injects into a patch night, and the alerts each one must raise. */
public enum InjectedFault {
    /** Restarts for the patch and never comes back. */
    NEVER_BACK("never came back", List.of(RuleIds.OFFLINE_AFTER_PATCH, RuleIds.REBOOT_HANG)),
    /** Hangs on the reboot for 35-50 minutes, then boots. */
    REBOOT_HANG("hung on reboot", List.of(RuleIds.REBOOT_HANG, RuleIds.OFFLINE_AFTER_PATCH)),
    /** A role service (Spooler, MSSQLSERVER, W3SVC, ...) stays stopped after the boot. */
    SERVICE_STOPPED("service stayed stopped", List.of(RuleIds.SERVICE_DOWN_AFTER_REBOOT)),
    /** A role service starts, then crashes within minutes (SCM 7031); an admin restarts it later. */
    SERVICE_CRASH("service crashed", List.of(RuleIds.SERVICE_DOWN_AFTER_REBOOT)),
    /** One update fails to install (0x80070643); half of them succeed on a retry. */
    PATCH_FAILED("patch failed", List.of(RuleIds.PATCH_FAILED));

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
