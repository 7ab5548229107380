package io.patchwatch.jobs.config;

import java.io.Serializable;

/**
 * One rule's parameters as they apply to one device.
 *
 * @param windowMs the rule's window (M for service-down-after-reboot, B for reboot-hang, P for
 *     reboot-pending-too-long), 0 for rules without one
 */
public record RuleParams(String ruleId, boolean enabled, String severity, String message, long windowMs)
        implements Serializable {}
