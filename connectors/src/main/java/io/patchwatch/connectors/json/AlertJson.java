package io.patchwatch.connectors.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import io.patchwatch.connectors.text.SafeText;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertContext;
import io.patchwatch.schemas.AlertStatus;
import io.patchwatch.schemas.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The JSON form of alerts and dead letters (one object per line), as documented in the README:
 *
 * <pre>{@code
 * {"rule":"offline-after-patch","status":"firing","ts":"2026-11-10T02:27:41Z","severity":"critical",
 *  "tenant":"acme","site":"hq","device":"SRV-SQL-01","kbs":["KB5044284"],"service":null,
 *  "message":"...","context":{"installed_at":"...","last_seen":"...","booted_at":null,"silent_for_s":600},
 *  "dedup_key":"acme/SRV-SQL-01/offline-after-patch/1731204180000/1"}
 * }</pre>
 *
 * Jackson escapes every string, so device names or messages cannot break the framing.
 */
public final class AlertJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static {
        MAPPER.getFactory().setCharacterEscapes(new UnsafeCharacterEscapes());
    }

    /**
     * JSON escapes only what is below U+0020; a dead letter's payload (the original bytes) may hold
     * C1 controls (NEL), DEL, line separators or bidirectional overrides. They are written as
     * backslash-u escapes: still the same JSON string, but no raw control character reaches a file
     * or a terminal.
     */
    private static final class UnsafeCharacterEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] ascii = CharacterEscapes.standardAsciiEscapesForJSON();

        UnsafeCharacterEscapes() {
            ascii[0x7F] = CharacterEscapes.ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            if (ch <= 0xFFFF && SafeText.isUnsafe((char) ch)) {
                return new SerializedString(String.format("\\u%04x", ch));
            }
            return null;
        }
    }

    private AlertJson() {}

    public static String toJson(Alert a) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("rule", a.getRule());
        o.put("status", a.getStatus().name());
        o.put("ts", EventTimes.format(a.getTs()));
        o.put("severity", a.getSeverity());
        o.put("tenant", a.getTenant());
        o.put("site", a.getSite());
        o.put("device", a.getDevice());
        ArrayNode kbs = o.putArray("kbs");
        a.getKbs().forEach(kbs::add);
        o.put("service", a.getService());
        o.put("message", a.getMessage());
        AlertContext c = a.getContext();
        ObjectNode ctx = o.putObject("context");
        putTime(ctx, "installed_at", c.getInstalledAt());
        putTime(ctx, "last_seen", c.getLastSeen());
        putTime(ctx, "booted_at", c.getBootedAt());
        if (c.getSilentForS() == null) {
            ctx.putNull("silent_for_s");
        } else {
            ctx.put("silent_for_s", c.getSilentForS());
        }
        if (c.getUpdate() != null) {
            ctx.put("update", c.getUpdate());
        }
        if (c.getError() != null) {
            ctx.put("error", c.getError());
        }
        if (c.getUpdates() != null && !c.getUpdates().isEmpty()) {
            // Updates without a KB (drivers, Store apps), by title: kbs names KBs only.
            c.getUpdates().forEach(ctx.putArray("updates")::add);
        }
        if (c.getRuleVersion() != null) {
            ctx.put("rule_version", c.getRuleVersion());
        }
        // Noise control (FLEET.md): when it was sent, what held it, and a parent's facts.
        if (c.getPagedAt() != null) {
            ctx.put("paged_at", EventTimes.format(c.getPagedAt()));
        }
        if (c.getHeldBy() != null) {
            ctx.put("held_by", c.getHeldBy());
        }
        if (c.getMaintenance() != null) {
            ctx.put("maintenance", c.getMaintenance());
        }
        if (c.getParent() != null) {
            ctx.put("parent", c.getParent());
        }
        if (!c.getSubjects().isEmpty()) {
            c.getSubjects().forEach(ctx.putArray("subjects")::add);
            ctx.put("subject_count", c.getSubjectCount());
        }
        if (!c.getDevices().isEmpty()) {
            c.getDevices().forEach(ctx.putArray("devices")::add);
        }
        if (c.getCount() != null) {
            ctx.put("count", c.getCount());
        }
        if (c.getPercent() != null) {
            ctx.put("percent", c.getPercent());
        }
        if (!c.getKbCounts().isEmpty()) {
            ObjectNode kbCounts = ctx.putObject("kb_counts");
            new java.util.TreeMap<>(c.getKbCounts()).forEach(kbCounts::put);
        }
        if (!c.getEpisodes().isEmpty()) {
            c.getEpisodes().forEach(ts -> ctx.withArray("episodes").add(EventTimes.format(ts)));
        }
        o.put("dedup_key", a.getDedupKey());
        if (a.getReason() != null) {
            o.put("reason", a.getReason());
        }
        return write(o);
    }

    /**
     * A flat record (a held incident's step) as one JSON object, fields in the map's order, escaped
     * as alerts are; Long values named {@code *_at} or {@code ts} are written as times.
     */
    public static String toJson(java.util.Map<String, Object> fields) {
        ObjectNode o = MAPPER.createObjectNode();
        fields.forEach((k, v) -> {
            if (v == null) {
                o.putNull(k);
            } else if (v instanceof Long l && (k.equals("ts") || k.endsWith("_at"))) {
                o.put(k, EventTimes.format(l));
            } else if (v instanceof Number n) {
                o.put(k, n.longValue());
            } else {
                o.put(k, v.toString());
            }
        });
        return write(o);
    }

    public static String toJson(DeadLetter d) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("reason", d.getReason());
        o.put("field", d.getField());
        o.put("detail", d.getDetail());
        o.put("origin", d.getOrigin());
        o.put("received_at", EventTimes.format(d.getReceivedAt()));
        o.put("payload_size", d.getPayloadSize());
        ByteBuffer buf = d.getPayload().duplicate();
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);
        o.put("payload", new String(bytes, StandardCharsets.UTF_8));
        return write(o);
    }

    /**
     * An alert back from its JSON form (a failed delivery's {@code alert}), for re-sending it.
     *
     * @throws IllegalArgumentException naming the first field that is missing or wrong
     */
    public static Alert fromJson(JsonNode o) {
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        AlertContext.Builder context = AlertContext.newBuilder();
        JsonNode c = o.path("context");
        context.setInstalledAt(optionalTime(c, "installed_at"));
        context.setLastSeen(optionalTime(c, "last_seen"));
        context.setBootedAt(optionalTime(c, "booted_at"));
        context.setSilentForS(c.hasNonNull("silent_for_s") ? c.get("silent_for_s").asLong() : null);
        context.setUpdate(optionalText(c, "update"));
        context.setError(optionalText(c, "error"));
        java.util.List<String> updates = new java.util.ArrayList<>();
        c.path("updates").forEach(u -> updates.add(u.asText()));
        context.setUpdates(updates);
        context.setRuleVersion(c.hasNonNull("rule_version") ? c.get("rule_version").asInt() : null);
        context.setPagedAt(optionalTime(c, "paged_at"));
        context.setHeldBy(optionalText(c, "held_by"));
        context.setMaintenance(optionalText(c, "maintenance"));
        context.setParent(optionalText(c, "parent"));
        java.util.List<String> subjects = new java.util.ArrayList<>();
        c.path("subjects").forEach(v -> subjects.add(v.asText()));
        context.setSubjects(subjects);
        context.setSubjectCount(c.hasNonNull("subject_count") ? c.get("subject_count").asInt() : null);
        java.util.List<String> devices = new java.util.ArrayList<>();
        c.path("devices").forEach(v -> devices.add(v.asText()));
        context.setDevices(devices);
        context.setCount(c.hasNonNull("count") ? c.get("count").asInt() : null);
        context.setPercent(c.hasNonNull("percent") ? c.get("percent").asDouble() : null);
        java.util.Map<String, Integer> kbCounts = new java.util.LinkedHashMap<>();
        c.path("kb_counts").fields().forEachRemaining(e -> kbCounts.put(e.getKey(), e.getValue().asInt()));
        context.setKbCounts(kbCounts);
        java.util.List<Long> episodes = new java.util.ArrayList<>();
        c.path("episodes").forEach(v -> episodes.add(EventTimes.parseIso(v.asText())));
        context.setEpisodes(episodes);
        java.util.List<String> kbs = new java.util.ArrayList<>();
        o.path("kbs").forEach(k -> kbs.add(k.asText()));
        String status = text(o, "status");
        if (!status.equals("firing") && !status.equals("resolved")) {
            throw new IllegalArgumentException("status: '" + status + "' is not firing or resolved");
        }
        return Alert.newBuilder()
                .setRule(text(o, "rule"))
                .setStatus(AlertStatus.valueOf(status))
                .setTs(EventTimes.parseIso(text(o, "ts")))
                .setSeverity(text(o, "severity"))
                .setTenant(text(o, "tenant"))
                .setSite(optionalText(o, "site"))
                .setDevice(text(o, "device"))
                .setKbs(kbs)
                .setService(optionalText(o, "service"))
                .setMessage(text(o, "message"))
                .setContext(context.build())
                .setDedupKey(text(o, "dedup_key"))
                .setReason(optionalText(o, "reason"))
                .build();
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(field + ": missing or not a string");
        }
        return v.asText();
    }

    private static String optionalText(JsonNode o, String field) {
        return o.hasNonNull(field) ? o.get(field).asText() : null;
    }

    private static Long optionalTime(JsonNode o, String field) {
        return o.hasNonNull(field) ? EventTimes.parseIso(o.get(field).asText()) : null;
    }

    public static void putTime(ObjectNode o, String field, Long epochMs) {
        if (epochMs == null) {
            o.putNull(field);
        } else {
            o.put(field, EventTimes.format(epochMs));
        }
    }

    /** A new object node of the writer that escapes as alerts are escaped ({@link #write}). */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static String write(ObjectNode o) {
        try {
            return MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON", e);
        }
    }
}
