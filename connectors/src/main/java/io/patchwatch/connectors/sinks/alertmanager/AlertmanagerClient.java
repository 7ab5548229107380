package io.patchwatch.connectors.sinks.alertmanager;

import io.patchwatch.schemas.Alert;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * Posts alerts to an Alertmanager ({@code POST /api/v2/alerts}). The answer's status is returned
 * as is: deciding what to retry belongs to the caller. An optional bearer token (read by the caller
 * from an environment variable or a file) goes in the Authorization header and nowhere else.
 */
public final class AlertmanagerClient {
    private final URI endpoint;
    private final String bearerToken;
    private final Duration validity;
    private final HttpClient http;

    public AlertmanagerClient(String baseUrl, String bearerToken, Duration validity, Duration timeout) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.endpoint = URI.create(base + "/api/v2/alerts");
        this.bearerToken = bearerToken;
        this.validity = validity;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** @return the HTTP status (200 when Alertmanager took the alerts) */
    public int post(List<Alert> alerts) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(AlertmanagerPayload.json(alerts, System.currentTimeMillis(), validity)));
        if (bearerToken != null) {
            request.header("Authorization", "Bearer " + bearerToken);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
