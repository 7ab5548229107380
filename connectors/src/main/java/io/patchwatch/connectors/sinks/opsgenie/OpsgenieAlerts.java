package io.patchwatch.connectors.sinks.opsgenie;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.patchwatch.connectors.json.AlertDetails;
import io.patchwatch.connectors.sinks.http.HttpReceiver;
import io.patchwatch.connectors.sinks.http.JsonPost;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertStatus;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;

/**
 * Opsgenie's Alert API: a firing alert is {@code POST /v2/alerts} with the dedup key as
 * {@code alias} (Opsgenie de-duplicates open alerts by alias), its resolve is
 * {@code POST /v2/alerts/<alias>/close?identifierType=alias}. The API key goes in the
 * {@code Authorization: GenieKey} header. Opsgenie refuses messages over 130 characters, so longer
 * ones are cut here (the whole message is in the description).
 */
public final class OpsgenieAlerts implements HttpReceiver.AlertRequests {
    public static final String DEFAULT_URL = "https://api.opsgenie.com";
    static final int MAX_MESSAGE = 130;
    static final int MAX_ALIAS = 512;
    static final int MAX_DESCRIPTION = 15000;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String base;
    private final String authorization;

    public OpsgenieAlerts(String url, String apiKey) {
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.authorization = "GenieKey " + apiKey;
    }

    @Override
    public HttpRequest.Builder request(Alert alert, boolean resend, long nowMillis) {
        boolean firing = alert.getStatus() == AlertStatus.firing;
        URI uri = URI.create(firing ? base + "/v2/alerts"
                : base + "/v2/alerts/" + URLEncoder.encode(alias(alert), StandardCharsets.UTF_8).replace("+", "%20")
                        + "/close?identifierType=alias");
        return JsonPost.to(uri, firing ? createBody(alert) : closeBody(alert)).header("Authorization", authorization);
    }

    public static String createBody(Alert a) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("message", cut(a.getMessage(), MAX_MESSAGE));
        o.put("alias", alias(a));
        o.put("description", cut(a.getMessage(), MAX_DESCRIPTION));
        ArrayNode tags = o.putArray("tags");
        tags.add("patchwatch").add(a.getRule()).add("tenant:" + a.getTenant());
        ObjectNode details = o.putObject("details");
        AlertDetails.of(a).forEach(details::put);
        o.put("entity", a.getDevice());
        o.put("source", "patchwatch");
        o.put("priority", priority(a.getSeverity()));
        return o.toString();
    }

    public static String closeBody(Alert a) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("source", "patchwatch");
        o.put("note", cut(a.getMessage(), 25000));
        return o.toString();
    }

    static String alias(Alert a) {
        return cut(a.getDedupKey(), MAX_ALIAS);
    }

    static String priority(String severity) {
        return switch (severity) {
            case "critical" -> "P1";
            case "error" -> "P2";
            case "warning" -> "P3";
            default -> "P5";
        };
    }

    /** Cut at a code point boundary, the last three characters "..." when cut. */
    static String cut(String s, int max) {
        if (s.codePointCount(0, s.length()) <= max) {
            return s;
        }
        return s.substring(0, s.offsetByCodePoints(0, max - 3)) + "...";
    }
}
