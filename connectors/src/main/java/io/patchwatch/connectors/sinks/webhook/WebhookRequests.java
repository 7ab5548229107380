package io.patchwatch.connectors.sinks.webhook;

import io.patchwatch.connectors.sinks.http.HttpReceiver;
import io.patchwatch.connectors.sinks.http.JsonPost;
import io.patchwatch.schemas.Alert;
import java.net.URI;
import java.net.http.HttpRequest;

/**
 * A generic JSON webhook: {@code POST} of the {@link WebhookTemplate} filled with the alert (an
 * optional bearer token is added by {@link WebhookSink}). The URL may itself be the secret (Slack and Teams incoming webhooks), so it
 * is never logged and may come from an environment variable or a file.
 */
public final class WebhookRequests implements HttpReceiver.AlertRequests {
    private final URI endpoint;
    private final WebhookTemplate template;

    public WebhookRequests(String url, WebhookTemplate template) {
        this.endpoint = URI.create(url);
        this.template = template;
    }

    @Override
    public HttpRequest.Builder request(Alert alert, boolean resend, long nowMillis) {
        return JsonPost.to(endpoint, template.render(alert));
    }
}
