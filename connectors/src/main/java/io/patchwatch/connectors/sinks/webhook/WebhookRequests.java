package io.patchwatch.connectors.sinks.webhook;

import io.patchwatch.connectors.sinks.http.HttpReceiver;
import io.patchwatch.schemas.Alert;
import java.net.URI;
import java.net.http.HttpRequest;

/**
 * A generic JSON webhook: {@code POST} of the {@link WebhookTemplate} filled with the alert, with an
 * optional bearer token. The URL may itself be the secret (Slack and Teams incoming webhooks), so it
 * is never logged and may come from an environment variable or a file.
 */
public final class WebhookRequests implements HttpReceiver.AlertRequests {
    private final URI endpoint;
    private final WebhookTemplate template;
    private final String bearerToken;

    public WebhookRequests(String url, WebhookTemplate template, String bearerToken) {
        this.endpoint = URI.create(url);
        this.template = template;
        this.bearerToken = bearerToken;
    }

    @Override
    public HttpRequest.Builder request(Alert alert, boolean resend, long nowMillis) {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(template.render(alert)));
        if (bearerToken != null) {
            b.header("Authorization", "Bearer " + bearerToken);
        }
        return b;
    }
}
