package io.patchwatch.connectors.adapters.rmm;

import io.patchwatch.schemas.ServiceState;
import java.util.Locale;

/** Service status and start type words as RMMs write them ("running", "Automatic (Delayed Start)"). */
final class RmmServiceStates {
    private RmmServiceStates() {}

    static ServiceState of(String status) {
        if (status == null) {
            return null;
        }
        return switch (status.strip().toLowerCase(Locale.ROOT).replace(' ', '_')) {
            case "running" -> ServiceState.running;
            case "stopped" -> ServiceState.stopped;
            case "start_pending" -> ServiceState.start_pending;
            case "stop_pending" -> ServiceState.stop_pending;
            case "paused", "pause_pending", "continue_pending" -> ServiceState.paused;
            default -> null;
        };
    }

    static String startType(String raw) {
        if (raw == null) {
            return null;
        }
        String s = raw.toLowerCase(Locale.ROOT);
        return s.startsWith("auto") ? "auto" : s.startsWith("manual") ? "manual" : s.startsWith("disabled") ? "disabled" : s;
    }
}
