package io.patchwatch.connectors.sinks.pagerduty;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.connectors.json.AlertDetails;
import io.patchwatch.connectors.sinks.http.HttpReceiver;
import io.patchwatch.connectors.sinks.http.JsonPost;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertStatus;
import java.net.URI;
import java.net.http.HttpRequest;

/**
 * PagerDuty Events API v2 ({@code POST https://events.pagerduty.com/v2/enqueue}): a firing alert is
 * a {@code trigger}, its resolve a {@code resolve}, both with the alert's dedup key, so PagerDuty
 * opens one incident and closes that one. The routing key is in the body, as the API wants it.
 */
public final class PagerDutyEvents implements HttpReceiver.AlertRequests {
    public static final String DEFAULT_URL = "https://events.pagerduty.com/v2/enqueue";
    /** PagerDuty cuts summaries at 1024 characters; we cut them first, visibly. */
    static final int MAX_SUMMARY = 1024;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final URI endpoint;
    private final String routingKey;

    public PagerDutyEvents(String url, String routingKey) {
        this.endpoint = URI.create(url);
        this.routingKey = routingKey;
    }

    @Override
    public HttpRequest.Builder request(Alert alert, boolean resend, long nowMillis) {
        return JsonPost.to(endpoint, body(alert, routingKey));
    }

    public static String body(Alert a, String routingKey) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("routing_key", routingKey);
        o.put("event_action", a.getStatus() == AlertStatus.firing ? "trigger" : "resolve");
        o.put("dedup_key", a.getDedupKey());
        o.put("client", "patchwatch");
        // A resolve needs only the key; the payload is sent anyway so the incident's log shows why.
        ObjectNode p = o.putObject("payload");
        String summary = a.getMessage();
        p.put("summary", summary.length() <= MAX_SUMMARY ? summary : summary.substring(0, MAX_SUMMARY - 3) + "...");
        p.put("source", a.getDevice());
        p.put("severity", severity(a.getSeverity()));
        p.put("timestamp", EventTimes.format(a.getTs()));
        p.put("component", a.getService() != null ? a.getService() : "windows-update");
        p.put("group", a.getSite() != null ? a.getTenant() + "/" + a.getSite() : a.getTenant());
        p.put("class", a.getRule());
        ObjectNode details = p.putObject("custom_details");
        AlertDetails.of(a).forEach(details::put);
        return o.toString();
    }

    /** PagerDuty knows critical, error, warning and info. */
    static String severity(String s) {
        return switch (s) {
            case "critical", "error", "warning" -> s;
            default -> "info";
        };
    }
}
