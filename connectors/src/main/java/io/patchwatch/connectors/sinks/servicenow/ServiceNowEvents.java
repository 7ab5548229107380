package io.patchwatch.connectors.sinks.servicenow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.patchwatch.connectors.json.AlertDetails;
import io.patchwatch.connectors.sinks.http.HttpReceiver;
import io.patchwatch.connectors.sinks.http.JsonPost;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertStatus;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/**
 * ServiceNow Event Management's inbound web service ({@code POST <instance>/api/global/em/jsonv2},
 * {@code {"records":[...]}}) with basic authentication. Event rules bind events with the same
 * {@code message_key} to one ServiceNow alert; the resolve is severity 0 (Clear), which closes it.
 */
public final class ServiceNowEvents implements HttpReceiver.AlertRequests {
    public static final String PATH = "/api/global/em/jsonv2";
    /** time_of_event is read as GMT in this form. */
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final URI endpoint;
    private final String authorization;

    public ServiceNowEvents(String instanceUrl, String username, String password) {
        this.endpoint = JsonPost.endpoint(instanceUrl, PATH);
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public HttpRequest.Builder request(Alert alert, boolean resend, long nowMillis) {
        return JsonPost.to(endpoint, body(alert)).header("Accept", "application/json").header("Authorization", authorization);
    }

    public static String body(Alert a) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode r = root.putArray("records").addObject();
        r.put("source", "patchwatch");
        r.put("event_class", "patchwatch");
        r.put("node", a.getDevice());
        r.put("resource", a.getService() != null ? a.getService() : String.join(",", a.getKbs()));
        r.put("type", a.getRule());
        r.put("metric_name", a.getRule());
        r.put("message_key", a.getDedupKey());
        r.put("severity", Integer.toString(severity(a)));
        r.put("description", a.getMessage());
        ObjectNode info = MAPPER.createObjectNode();
        AlertDetails.of(a).forEach(info::put);
        // ServiceNow wants additional_info as a string holding a JSON object.
        r.put("additional_info", info.toString());
        r.put("time_of_event", TIME.format(Instant.ofEpochMilli(a.getTs())));
        return root.toString();
    }

    /** 1 Critical, 2 Major, 3 Minor, 4 Warning, 5 Info; 0 Clear for a resolve. */
    static int severity(Alert a) {
        if (a.getStatus() == AlertStatus.resolved) {
            return 0;
        }
        return switch (a.getSeverity()) {
            case "critical" -> 1;
            case "error" -> 2;
            case "warning" -> 4;
            default -> 5;
        };
    }
}
