package io.patchwatch.jobs.config;

import java.util.List;

/** The post-patch rules, by the id used in rules.yaml, alerts and dedup keys. */
public final class RuleIds {
    public static final String OFFLINE_AFTER_PATCH = "offline-after-patch";
    public static final String SERVICE_DOWN_AFTER_REBOOT = "service-down-after-reboot";
    public static final String REBOOT_HANG = "reboot-hang";
    public static final String REBOOT_PENDING_TOO_LONG = "reboot-pending-too-long";
    public static final String PATCH_FAILED = "patch-failed";
    public static final String UNEXPECTED_SHUTDOWN_AFTER_PATCH = "unexpected-shutdown-after-patch";

    public static final List<String> ALL = List.of(
            OFFLINE_AFTER_PATCH, SERVICE_DOWN_AFTER_REBOOT, REBOOT_HANG,
            REBOOT_PENDING_TOO_LONG, PATCH_FAILED, UNEXPECTED_SHUTDOWN_AFTER_PATCH);

    /** Which rule takes which window key (rules without one take none). */
    public static String windowKey(String ruleId) {
        return switch (ruleId) {
            case SERVICE_DOWN_AFTER_REBOOT -> "start_within";
            case REBOOT_HANG, REBOOT_PENDING_TOO_LONG -> "boot_within";
            default -> null;
        };
    }

    private RuleIds() {}
}
