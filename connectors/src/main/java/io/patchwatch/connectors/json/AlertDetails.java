package io.patchwatch.connectors.json;

import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An alert's facts as flat name/value strings, in a fixed order, for the receivers whose
 * "details" are a string map (PagerDuty custom_details, Opsgenie details, ServiceNow
 * additional_info). Absent values are left out rather than sent empty.
 */
public final class AlertDetails {
    private AlertDetails() {}

    public static Map<String, String> of(Alert a) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("rule", a.getRule());
        d.put("status", a.getStatus().name());
        d.put("tenant", a.getTenant());
        put(d, "site", a.getSite());
        d.put("device", a.getDevice());
        d.put("severity", a.getSeverity());
        if (!a.getKbs().isEmpty()) {
            d.put("kbs", String.join(", ", a.getKbs()));
        }
        put(d, "service", a.getService());
        AlertContext c = a.getContext();
        put(d, "update", c.getUpdate());
        putTime(d, "installed_at", c.getInstalledAt());
        putTime(d, "last_seen", c.getLastSeen());
        putTime(d, "booted_at", c.getBootedAt());
        if (c.getSilentForS() != null) {
            d.put("silent_for_s", Long.toString(c.getSilentForS()));
        }
        put(d, "error", c.getError());
        putTime(d, "paged_at", c.getPagedAt());
        put(d, "held_by", c.getHeldBy());
        put(d, "maintenance", c.getMaintenance());
        put(d, "parent", c.getParent());
        if (!c.getSubjects().isEmpty()) {
            d.put("subjects", String.join(", ", c.getSubjects()) + (c.getSubjectCount() != null && c.getSubjectCount() > c.getSubjects().size()
                    ? " (" + c.getSubjectCount() + " in all)" : ""));
        }
        if (!c.getDevices().isEmpty()) {
            d.put("devices", String.join(", ", c.getDevices()));
        }
        if (c.getCount() != null) {
            d.put("count", Integer.toString(c.getCount()));
        }
        d.put("time", EventTimes.format(a.getTs()));
        d.put("dedup_key", a.getDedupKey());
        return d;
    }

    private static void put(Map<String, String> d, String key, String value) {
        if (value != null) {
            d.put(key, value);
        }
    }

    private static void putTime(Map<String, String> d, String key, Long epochMillis) {
        if (epochMillis != null) {
            d.put(key, EventTimes.format(epochMillis));
        }
    }
}
