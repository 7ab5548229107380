package io.patchwatch.jobs.fact;

import java.util.Locale;

/**
 * What the device tracker tells the rules about a device: every canonical event kind except
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
     * incidents (one per key group, see the device tracker's operator).
     */
    RULES_VERSION,
    /**
     * Not part of the rule language: a feed (input) went silent (ts = its last event +
     * feed_silence_after), on its way to noise control, one copy per key group.
     */
    FEED_SILENT,
    /** Not part of the rule language: a silent feed delivered again (ts = its first new event). */
    FEED_BACK,
    /**
     * Not part of the rule language: the device's first signal in an hour of event time, for its
     * status only (last seen; a device heard from is not forgotten), when the job reads the status.
     */
    DEVICE_SEEN;

    /** Whether rules can name it (the tracker's and noise control's own signals cannot). */
    boolean internal() {
        return this == DEADLINE || this == RULES_VERSION || this == FEED_SILENT || this == FEED_BACK || this == DEVICE_SEEN;
    }

    /** The fact an event of this kind becomes (null: heartbeats, and kinds no fact carries). */
    public static FactKind of(io.patchwatch.schemas.EventKind kind) {
        return switch (kind) {
            case patch_started -> PATCH_STARTED;
            case patch_installed -> PATCH_INSTALLED;
            case patch_failed -> PATCH_FAILED;
            case reboot_required -> REBOOT_REQUIRED;
            case reboot_initiated -> REBOOT_INITIATED;
            case booted -> BOOTED;
            case unexpected_shutdown -> UNEXPECTED_SHUTDOWN;
            case service_state -> SERVICE_STATE;
            case service_failed -> SERVICE_FAILED;
            case ping -> PING;
            default -> null;
        };
    }

    /** The name rules use. */
    public String ruleName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind a rule names, or null (deadlines cannot be named). */
    public static FactKind ofRuleName(String name) {
        for (FactKind k : values()) {
            if (!k.internal() && k.ruleName().equals(name)) {
                return k;
            }
        }
        return null;
    }
}
