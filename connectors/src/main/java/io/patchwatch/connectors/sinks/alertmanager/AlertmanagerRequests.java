package io.patchwatch.connectors.sinks.alertmanager;

import io.patchwatch.connectors.sinks.http.HttpReceiver;
import io.patchwatch.connectors.sinks.http.JsonPost;
import io.patchwatch.schemas.Alert;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;

/**
 * {@code POST /api/v2/alerts} of one alert to an Alertmanager (an optional bearer token, for an
 * Alertmanager behind an authenticating proxy, is added by {@link AlertmanagerSink}). Firing alerts are valid for {@code validity}; the
 * delivery operator re-sends them well within it (the sink's {@code resend_interval}).
 */
public final class AlertmanagerRequests implements HttpReceiver.AlertRequests {
    private final URI endpoint;
    private final Duration validity;

    public AlertmanagerRequests(String baseUrl, Duration validity) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.endpoint = URI.create(base + "/api/v2/alerts");
        this.validity = validity;
    }

    @Override
    public HttpRequest.Builder request(Alert alert, boolean resend, long nowMillis) {
        return JsonPost.to(endpoint, AlertmanagerPayload.json(List.of(alert), nowMillis, validity));
    }
}
