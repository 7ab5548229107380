package io.patchwatch.connectors.sinks.webhook;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.connectors.json.AlertJson;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertContext;
import io.patchwatch.schemas.AlertStatus;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The body of a generic JSON webhook: the user's JSON text with {@code {{field}}} placeholders, for
 * Slack, Teams or any ticketing tool. A placeholder stands inside a JSON string
 * ({@code "text": "{{device}}: {{message}}"}) and its value is inserted JSON-escaped, so a device
 * name or message cannot break out of the string; {@code {{alert_json}}} and {@code {{kbs_json}}}
 * stand where a JSON value goes and insert the alert object or the KB array.
 *
 * <p>Checked when job.yaml is read: an unknown placeholder is an error, and the template filled
 * with an alert full of quotes, backslashes and line breaks must be valid JSON.
 */
public final class WebhookTemplate implements Serializable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Placeholders inserted as escaped string contents. */
    static final Map<String, Function<Alert, String>> STRING_FIELDS = new TreeMap<>(Map.ofEntries(
            Map.entry("rule", Alert::getRule),
            Map.entry("status", a -> a.getStatus().name()),
            Map.entry("ts", a -> EventTimes.format(a.getTs())),
            Map.entry("severity", Alert::getSeverity),
            Map.entry("tenant", Alert::getTenant),
            Map.entry("site", a -> orEmpty(a.getSite())),
            Map.entry("device", Alert::getDevice),
            Map.entry("kbs", a -> String.join(", ", a.getKbs())),
            Map.entry("service", a -> orEmpty(a.getService())),
            Map.entry("message", Alert::getMessage),
            Map.entry("dedup_key", Alert::getDedupKey),
            Map.entry("update", a -> orEmpty(a.getContext().getUpdate())),
            Map.entry("installed_at", a -> time(a.getContext().getInstalledAt())),
            Map.entry("last_seen", a -> time(a.getContext().getLastSeen())),
            Map.entry("booted_at", a -> time(a.getContext().getBootedAt()))));

    /** Placeholders inserted as JSON values. */
    static final Map<String, Function<Alert, String>> JSON_FIELDS = Map.of(
            "alert_json", AlertJson::toJson,
            "kbs_json", WebhookTemplate::kbsJson);

    /** Fills the template for the validity check: every field set, with quotes, backslashes and line breaks. */
    private static final Alert AWKWARD = Alert.newBuilder().setRule("rule\"q").setStatus(AlertStatus.firing).setTs(0)
            .setSeverity("critical").setTenant("t\\n").setSite("s\n").setDevice("D\"1").setKbs(List.of("KB1", "KB\"2"))
            .setService("svc\t").setMessage("m \"quoted\" \\ {{x}}\r\n").setDedupKey("k\"")
            .setContext(AlertContext.newBuilder().setInstalledAt(0L).setLastSeen(0L).setBootedAt(0L).setUpdate("u\"")
                    .setError("e\\").build())
            .build();

    private final String text;
    private transient List<Object> parts;

    private WebhookTemplate(String text) {
        this.text = text;
    }

    /** @throws IllegalArgumentException naming the placeholder or the JSON error */
    public static WebhookTemplate compile(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a webhook needs a template");
        }
        WebhookTemplate t = new WebhookTemplate(text);
        String rendered = t.render(AWKWARD);
        try {
            MAPPER.readTree(rendered);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("the template filled with an alert is not valid JSON ("
                    + e.getOriginalMessage() + "); placeholders belong inside JSON strings, except {{alert_json}} and {{kbs_json}}");
        }
        return t;
    }

    public String render(Alert a) {
        if (parts == null) {
            parts = parse(text);
        }
        StringBuilder b = new StringBuilder(text.length() + 256);
        JsonStringEncoder enc = JsonStringEncoder.getInstance();
        for (Object p : parts) {
            if (p instanceof Placeholder ph) {
                if (ph.json) {
                    b.append(JSON_FIELDS.get(ph.name).apply(a));
                } else {
                    b.append(enc.quoteAsString(STRING_FIELDS.get(ph.name).apply(a)));
                }
            } else {
                b.append((String) p);
            }
        }
        return b.toString();
    }

    private record Placeholder(String name, boolean json) {}

    private static List<Object> parse(String text) {
        List<Object> parts = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int open = text.indexOf("{{", i);
            if (open < 0) {
                parts.add(text.substring(i));
                break;
            }
            int close = text.indexOf("}}", open + 2);
            if (close < 0) {
                throw new IllegalArgumentException("a '{{' at offset " + open + " is never closed with '}}'");
            }
            parts.add(text.substring(i, open));
            String name = text.substring(open + 2, close).strip();
            if (STRING_FIELDS.containsKey(name)) {
                parts.add(new Placeholder(name, false));
            } else if (JSON_FIELDS.containsKey(name)) {
                parts.add(new Placeholder(name, true));
            } else {
                throw new IllegalArgumentException("unknown placeholder {{" + name + "}} (known: "
                        + String.join(", ", STRING_FIELDS.keySet()) + ", alert_json, kbs_json)");
            }
            i = close + 2;
        }
        return parts;
    }

    private static String kbsJson(Alert a) {
        try {
            return MAPPER.writeValueAsString(a.getKbs().stream().map(CharSequence::toString).toList());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String orEmpty(CharSequence s) {
        return s == null ? "" : s.toString();
    }

    private static String time(Long epochMillis) {
        return epochMillis == null ? "" : EventTimes.format(epochMillis);
    }
}
