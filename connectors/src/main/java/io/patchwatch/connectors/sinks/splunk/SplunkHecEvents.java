package io.patchwatch.connectors.sinks.splunk;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.patchwatch.connectors.json.AlertJson;
import io.patchwatch.connectors.sinks.http.HttpReceiver;
import io.patchwatch.connectors.sinks.http.JsonPost;
import io.patchwatch.schemas.Alert;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;

/**
 * Splunk HTTP Event Collector ({@code POST <collector>/services/collector/event}, header
 * {@code Authorization: Splunk <token>}): one event per alert, its {@code event} the alert JSON of
 * the README, {@code time} the alert's time in epoch seconds with milliseconds, {@code host} the
 * device; index, source and sourcetype as configured (the token's defaults when no index is given).
 */
public final class SplunkHecEvents implements HttpReceiver.AlertRequests {
    public static final String PATH = "/services/collector/event";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final URI endpoint;
    private final String authorization;
    private final String index;
    private final String source;
    private final String sourcetype;

    public SplunkHecEvents(String url, String token, String index, String source, String sourcetype) {
        this.endpoint = JsonPost.endpoint(url, PATH);
        this.authorization = "Splunk " + token;
        this.index = index;
        this.source = source;
        this.sourcetype = sourcetype;
    }

    @Override
    public HttpRequest.Builder request(Alert alert, boolean resend, long nowMillis) {
        return JsonPost.to(endpoint, body(alert)).header("Authorization", authorization);
    }

    public String body(Alert a) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("time", BigDecimal.valueOf(a.getTs()).movePointLeft(3));
        o.put("host", a.getDevice());
        o.put("source", source);
        o.put("sourcetype", sourcetype);
        if (index != null) {
            o.put("index", index);
        }
        try {
            o.set("event", MAPPER.readTree(AlertJson.toJson(a)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ObjectNode fields = o.putObject("fields");
        fields.put("tenant", a.getTenant());
        fields.put("rule", a.getRule());
        fields.put("status", a.getStatus().name());
        fields.put("severity", a.getSeverity());
        return o.toString();
    }
}
