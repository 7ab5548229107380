package io.patchwatch.connectors.sinks.alertmanager;

import io.patchwatch.connectors.sinks.http.HttpReceiver;
import io.patchwatch.schemas.Alert;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;

/**
 * {@code POST /api/v2/alerts} of one alert to an Alertmanager, with an optional bearer token (for an
 * Alertmanager behind an authenticating proxy). Firing alerts are valid for {@code validity}; the
 * delivery operator re-sends them well within it (the sink's {@code resend_interval}).
 */
public final class AlertmanagerRequests implements HttpReceiver.AlertRequests {
    private final URI endpoint;
    private final String bearerToken;
    private final Duration validity;

    public AlertmanagerRequests(String baseUrl, String bearerToken, Duration validity) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.endpoint = URI.create(base + "/api/v2/alerts");
        this.bearerToken = bearerToken;
        this.validity = validity;
    }

    @Override
    public HttpRequest.Builder request(Alert alert, boolean resend, long nowMillis) {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(AlertmanagerPayload.json(List.of(alert), nowMillis, validity)));
        if (bearerToken != null) {
            b.header("Authorization", "Bearer " + bearerToken);
        }
        return b;
    }
}
