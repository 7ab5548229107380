package io.patchwatch.connectors.sinks.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.connectors.json.AlertJson;
import io.patchwatch.schemas.Alert;

/**
 * An alert one sink could not deliver, for the failed-deliveries topic (JSON, key = dedup key):
 * which sink, why ({@code rejected}: a 4xx other than 429; {@code max_age}: still undelivered
 * after the sink's max_age; {@code queue_full}: pushed out by max_pending), the receiver's last
 * answer, the attempts, and the alert itself, so that it can be sent again by hand.
 */
public final class FailedDelivery {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public String sink;
    public String reason;
    public int status;
    public String response;
    public int attempts;
    public long queuedAt;
    public long failedAt;
    public String dedupKey;
    public String alertJson;

    public FailedDelivery() {}

    public static FailedDelivery of(String sink, String reason, int status, String response, int attempts,
                                    long queuedAt, long failedAt, Alert alert) {
        FailedDelivery f = new FailedDelivery();
        f.sink = sink;
        f.reason = reason;
        f.status = status;
        f.response = response;
        f.attempts = attempts;
        f.queuedAt = queuedAt;
        f.failedAt = failedAt;
        f.dedupKey = alert.getDedupKey();
        f.alertJson = AlertJson.toJson(alert);
        return f;
    }

    public String toJson() {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("sink", sink);
        o.put("reason", reason);
        o.put("status", status);
        o.put("response", response);
        o.put("attempts", attempts);
        o.put("queued_at", EventTimes.format(queuedAt));
        o.put("failed_at", EventTimes.format(failedAt));
        o.put("dedup_key", dedupKey);
        try {
            o.set("alert", MAPPER.readTree(alertJson));
            return MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
