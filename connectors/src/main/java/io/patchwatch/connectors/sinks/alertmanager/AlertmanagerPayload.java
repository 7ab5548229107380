package io.patchwatch.connectors.sinks.alertmanager;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertContext;
import io.patchwatch.schemas.AlertStatus;
import java.time.Duration;
import java.util.List;

/**
 * The body of Prometheus Alertmanager's {@code POST /api/v2/alerts} for patchwatch alerts.
 *
 * <p>Labels identify the incident: {@code alertname} (the rule), {@code rule}, {@code tenant},
 * {@code device}, {@code severity}, {@code site} and {@code service} when known, and
 * {@code dedup_key}, so that each incident (and each episode of it) is one Alertmanager alert.
 * Annotations: {@code summary} (the message) and {@code description}. A firing alert starts at its
 * time and is valid until now + {@code validity}: Alertmanager resolves an alert nobody re-sends, so
 * the sender must re-send firing alerts within that time. A resolve ends at its time (never later
 * than now) and, as Alertmanager refuses an end before the start, starts there too: Alertmanager
 * keeps the start it already has.
 */
public final class AlertmanagerPayload {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AlertmanagerPayload() {}

    public static String json(List<Alert> alerts, long nowMillis, Duration validity) {
        ArrayNode array = MAPPER.createArrayNode();
        for (Alert a : alerts) {
            ObjectNode o = array.addObject();
            ObjectNode labels = o.putObject("labels");
            labels.put("alertname", a.getRule());
            labels.put("rule", a.getRule());
            labels.put("tenant", a.getTenant());
            labels.put("device", a.getDevice());
            labels.put("severity", a.getSeverity());
            if (a.getSite() != null) {
                labels.put("site", a.getSite());
            }
            if (a.getService() != null) {
                labels.put("service", a.getService());
            }
            labels.put("dedup_key", a.getDedupKey());
            // Noise control (FLEET.md): a resolve repeats what was paged, so these labels match the firing's.
            AlertContext c = a.getContext();
            if (c.getMaintenance() != null) {
                labels.put("maintenance", c.getMaintenance());
            }
            if (c.getHeldBy() != null) {
                labels.put("held_by", c.getHeldBy());
            }
            if (c.getParent() != null) {
                labels.put("parent", c.getParent());
            }
            ObjectNode annotations = o.putObject("annotations");
            annotations.put("summary", a.getMessage());
            annotations.put("description", description(a));
            if (c.getPagedAt() != null) {
                annotations.put("paged_at", EventTimes.format(c.getPagedAt()));
            }
            if (!c.getSubjects().isEmpty()) {
                annotations.put("subjects", String.join(", ", c.getSubjects()));
            }
            if (a.getStatus() == AlertStatus.firing) {
                o.put("startsAt", EventTimes.format(a.getTs()));
                o.put("endsAt", EventTimes.format(nowMillis + validity.toMillis()));
            } else {
                String end = EventTimes.format(Math.min(a.getTs(), nowMillis));
                o.put("startsAt", end);
                o.put("endsAt", end);
            }
        }
        try {
            return MAPPER.writeValueAsString(array);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String description(Alert a) {
        StringBuilder b = new StringBuilder(a.getMessage());
        if (!a.getKbs().isEmpty()) {
            b.append("; updates ").append(String.join(", ", a.getKbs()));
        }
        if (a.getContext().getInstalledAt() != null) {
            b.append("; installed ").append(EventTimes.format(a.getContext().getInstalledAt()));
        }
        if (a.getContext().getLastSeen() != null) {
            b.append("; last seen ").append(EventTimes.format(a.getContext().getLastSeen()));
        }
        return b.toString();
    }
}
