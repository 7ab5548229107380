package io.patchwatch.connectors.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.patchwatch.schemas.DeviceStatus;
import io.patchwatch.schemas.OpenIncident;
import io.patchwatch.schemas.SessionStatus;
import io.patchwatch.schemas.StatusStep;

/**
 * The JSON form of a device's status (one object per line, times as ISO-8601, escaped as alerts
 * are): what {@code replay --status-out} writes and {@code patchwatch status --json} prints.
 */
public final class StatusJson {
    private StatusJson() {}

    public static String toJson(DeviceStatus s) {
        return AlertJson.write(toNode(s));
    }

    /** The status as a JSON object, to be put in a larger document. */
    public static ObjectNode toNode(DeviceStatus s) {
        ObjectNode o = AlertJson.object();
        o.put("tenant", s.getTenant());
        o.put("device", s.getDevice());
        o.put("site", s.getSite());
        o.put("group", s.getGroup());
        o.put("ring", s.getRing());
        AlertJson.putTime(o, "ts", s.getTs());
        o.put("state", s.getState().name());
        o.put("online", s.getOnline());
        AlertJson.putTime(o, "last_seen", s.getLastSeen());
        AlertJson.putTime(o, "silent_since", s.getSilentSince());
        SessionStatus session = s.getSession();
        if (session == null) {
            o.putNull("session");
        } else {
            ObjectNode n = o.putObject("session");
            AlertJson.putTime(n, "opened", session.getOpened());
            AlertJson.putTime(n, "closed", session.getClosed());
            ArrayNode installed = n.putArray("installed");
            session.getInstalled().forEach(installed::add);
            ObjectNode failed = n.putObject("failed");
            session.getFailed().forEach(failed::put);
        }
        o.put("reboot", s.getReboot().name());
        AlertJson.putTime(o, "reboot_at", s.getRebootAt());
        ArrayNode down = o.putArray("services_down");
        s.getServicesDown().forEach(down::add);
        ArrayNode incidents = o.putArray("incidents");
        for (OpenIncident i : s.getIncidents()) {
            ObjectNode n = incidents.addObject();
            n.put("rule", i.getRule());
            AlertJson.putTime(n, "since", i.getSince());
            n.put("paged", i.getPaged());
            n.put("held_by", i.getHeldBy());
            n.put("dedup_key", i.getDedupKey());
        }
        if (s.getRulesVersion() == null) {
            o.putNull("rules_version");
        } else {
            o.put("rules_version", s.getRulesVersion());
        }
        ArrayNode timeline = o.putArray("timeline");
        for (StatusStep step : s.getTimeline()) {
            ObjectNode n = timeline.addObject();
            AlertJson.putTime(n, "ts", step.getTs());
            n.put("what", step.getWhat());
            n.put("detail", step.getDetail());
        }
        return o;
    }
}
