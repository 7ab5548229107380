package io.patchwatch.jobs.device;

import java.util.Locale;

/**
 * What the {@link DeviceTracker} tells the rules about a device: every canonical event kind except
 * heartbeats (pings only when a rule asks for them), plus what the tracker derives from time
 * (silence, sessions, deadlines). Rules name them in lower case ({@code device_silent}).
 */
public enum FactKind {
    PATCH_STARTED,
    PATCH_INSTALLED,
    PATCH_FAILED,
    REBOOT_REQUIRED,
    REBOOT_INITIATED,
    BOOTED,
    UNEXPECTED_SHUTDOWN,
    SERVICE_STATE,
    SERVICE_FAILED,
    /** A ping, forwarded only when it meets the condition of some rule's step (healthy pings stay out). */
    PING,
    /** A monitored device had no liveness signal for N (ts = lastSignal + N). */
    DEVICE_SILENT,
    /** The first liveness signal after a silence. */
    DEVICE_BACK,
    SESSION_OPENED,
    SESSION_CLOSED,
    /**
     * Not part of the rule language: the window of an absence step ran out (ts = anchor + window),
     * from the tracker's one timer. It ends the CEP match of a {@code not} step exactly, whatever
     * window each device has.
     */
    DEADLINE,
    /**
     * Not part of the rule language: a rules version the tracker applied, on its way to the
     * incidents (one per key group, see {@link io.patchwatch.jobs.rules.RuleVersionFanOut}).
     */
    RULES_VERSION;

    /** The name rules use. */
    public String ruleName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind a rule names, or null (deadlines cannot be named). */
    public static FactKind ofRuleName(String name) {
        for (FactKind k : values()) {
            if (k != DEADLINE && k != RULES_VERSION && k.ruleName().equals(name)) {
                return k;
            }
        }
        return null;
    }
}
