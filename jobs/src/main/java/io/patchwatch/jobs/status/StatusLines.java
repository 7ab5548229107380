package io.patchwatch.jobs.status;

import io.patchwatch.schemas.DeviceStatus;
import io.patchwatch.schemas.OpenIncident;
import io.patchwatch.schemas.RebootState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A device's status in words, as the command and the page show it. */
public final class StatusLines {
    private StatusLines() {}

    /** The one line an operator reads about a device in trouble. */
    public static String why(DeviceStatus d) {
        List<String> parts = new ArrayList<>();
        if (d.getSilentSince() != null) {
            parts.add("silent since " + Instant.ofEpochMilli(d.getSilentSince()));
        }
        if (d.getSession() != null) {
            if (!d.getSession().getInstalled().isEmpty()) {
                parts.add("installed " + String.join(", ", d.getSession().getInstalled()));
            }
            d.getSession().getFailed().forEach((kb, error) -> parts.add(kb + " failed" + (error.isEmpty() ? "" : " (" + error + ")")));
        }
        if (d.getReboot() != RebootState.none) {
            parts.add("reboot " + d.getReboot());
        }
        if (!d.getServicesDown().isEmpty()) {
            parts.add("down: " + String.join(", ", d.getServicesDown()));
        }
        for (OpenIncident i : d.getIncidents()) {
            parts.add(i.getRule() + (i.getPaged() ? " (paged)" : " (held" + (i.getHeldBy() == null ? "" : ": " + i.getHeldBy()) + ")"));
        }
        return String.join("; ", parts);
    }
}
