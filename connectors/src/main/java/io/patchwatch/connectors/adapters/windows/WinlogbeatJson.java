package io.patchwatch.connectors.adapters.windows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patchwatch.connectors.adapters.JsonObjectAdapter;
import io.patchwatch.connectors.adapters.EventTimes;
import java.io.IOException;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses one Winlogbeat event (Elastic Common Schema JSON): {@code @timestamp}, {@code host.name} (or
 * {@code winlog.computer_name}), {@code winlog.provider_name}, {@code winlog.event_id}, {@code
 * winlog.record_id} and {@code winlog.event_data.*}; {@code winlog.event_data.Binary} is hex, as
 * Winlogbeat writes it.
 */
public final class WinlogbeatJson {
    private static final ObjectMapper MAPPER = JsonObjectAdapter.strictMapper();

    private WinlogbeatJson() {}

    /** @throws IllegalArgumentException with a sentence saying what is wrong */
    public static WindowsEvent parse(byte[] json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        JsonNode winlog = root.path("winlog");
        String provider = text(winlog.path("provider_name"));
        JsonNode id = winlog.path("event_id");
        String time = text(root.path("@timestamp"));
        String computer = text(winlog.path("computer_name"));
        if (computer == null) {
            computer = text(root.path("host").path("name"));
        }
        if (provider == null || id.isMissingNode() || time == null || computer == null) {
            throw new IllegalArgumentException("Winlogbeat event lacks " + (provider == null ? "winlog.provider_name"
                    : id.isMissingNode() ? "winlog.event_id" : time == null ? "@timestamp" : "host.name"));
        }
        int eventId;
        if (id.isInt()) {
            eventId = id.intValue();
        } else if (id.isTextual() && id.textValue().matches("\\d{1,9}")) {
            eventId = Integer.parseInt(id.textValue());
        } else {
            throw new IllegalArgumentException("winlog.event_id is not a number: " + id);
        }
        long ts;
        try {
            ts = EventTimes.parseIso(time);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("@timestamp is not ISO-8601: '" + time + "'");
        }
        Map<String, String> named = new LinkedHashMap<>();
        byte[] binary = new byte[0];
        for (Iterator<Map.Entry<String, JsonNode>> it = winlog.path("event_data").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String v = e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString();
            if (e.getKey().equals("Binary")) {
                binary = v.matches("([0-9A-Fa-f]{2})+") ? HexFormat.of().parseHex(v) : new byte[0];
            } else {
                named.put(e.getKey(), v);
            }
        }
        JsonNode recordId = winlog.path("record_id");
        return new WindowsEvent(provider, eventId, ts, computer, recordId.isMissingNode() ? null : recordId.asText(),
                named, new ArrayList<>(), binary);
    }

    private static String text(JsonNode n) {
        return n.isTextual() && !n.textValue().isBlank() ? n.textValue() : null;
    }
}
