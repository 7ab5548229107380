package io.patchwatch.connectors.sinks.webhook;

import io.patchwatch.connectors.config.ConfigOption;
import io.patchwatch.connectors.config.ConfigOptions;
import io.patchwatch.connectors.config.SecretRef;
import io.patchwatch.connectors.config.YamlSection;
import io.patchwatch.connectors.sinks.SinkFactory;
import io.patchwatch.connectors.sinks.SinkRuntime;
import io.patchwatch.connectors.sinks.SinkSettings;
import io.patchwatch.connectors.sinks.delivery.AlertReceiver;
import io.patchwatch.connectors.sinks.http.HttpEndpoint;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code type: webhook}: a JSON template POSTed to a URL (Slack, Teams, a ticketing system). The
 * URL may itself be the secret (Slack and Teams incoming webhooks): then it comes from
 * {@code url_env} or {@code url_file}, is checked where it is read and never quoted in an error.
 */
public final class WebhookSink implements SinkFactory<WebhookSink.Settings> {
    static final ConfigOption<String> URL = ConfigOptions.key("url").stringType().noDefaultValue()
            .withDescription("The URL (or url_env / url_file when the URL is itself the secret).");
    static final ConfigOption<String> URL_ENV = ConfigOptions.key("url_env").stringType().noDefaultValue()
            .withDescription("An environment variable holding the URL.");
    static final ConfigOption<String> URL_FILE = ConfigOptions.key("url_file").stringType().noDefaultValue()
            .withDescription("A file holding the URL.");
    static final ConfigOption<SecretRef> TOKEN = ConfigOptions.key("token").secretType().noDefaultValue()
            .withDescription("A bearer token.");
    static final ConfigOption<String> TEMPLATE = ConfigOptions.key("template").stringType().required()
            .withDescription("The JSON body, with {{field}} placeholders (README, \"Webhook templates\").");

    /** @param urlSecret where the URL is when it is itself a secret; then the endpoint's url is null */
    public record Settings(HttpEndpoint endpoint, SecretRef urlSecret, SecretRef token, String template) implements SinkSettings {
        @Override
        public List<SecretRef> secrets() {
            List<SecretRef> all = new ArrayList<>();
            if (urlSecret != null) {
                all.add(urlSecret);
            }
            if (token != null) {
                all.add(token);
            }
            return all;
        }
    }

    @Override
    public String type() {
        return "webhook";
    }

    @Override
    public String description() {
        return "A generic JSON webhook: the template filled with the alert, POSTed.";
    }

    @Override
    public List<ConfigOption<?>> options() {
        List<ConfigOption<?>> all = new ArrayList<>(List.of(URL, URL_ENV, URL_FILE));
        all.addAll(HttpEndpoint.options(null));
        all.addAll(List.of(TOKEN, TEMPLATE));
        return all;
    }

    @Override
    public Settings settings(YamlSection sink) {
        String env = sink.get(URL_ENV);
        String file = sink.get(URL_FILE);
        SecretRef urlSecret = null;
        if (env != null || file != null) {
            if (env != null && file != null) {
                sink.problem("url_env", "url_env and url_file: give one");
            } else if (sink.present("url")) {
                sink.problem("url", "url and url_env / url_file: give one");
            } else {
                urlSecret = new SecretRef(env, file);
            }
        } else if (!sink.present("url")) {
            sink.problem(null, "needs url (or url_env / url_file when the URL is itself the secret)");
        }
        String template = sink.get(TEMPLATE);
        if (template != null) {
            try {
                WebhookTemplate.compile(template);
            } catch (IllegalArgumentException e) {
                sink.problem("template", e.getMessage());
            }
        }
        return new Settings(HttpEndpoint.read(sink, urlSecret == null ? URL : null), urlSecret, sink.get(TOKEN), template);
    }

    @Override
    public AlertReceiver receiver(Settings s, SinkRuntime runtime) {
        String url = s.endpoint().url();
        if (s.urlSecret() != null) {
            url = runtime.secret(s.urlSecret());
            // Checked here, where it is read: an error about it must never quote it.
            java.net.URI uri;
            try {
                uri = java.net.URI.create(url);
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            if (uri == null || uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
                throw new IllegalStateException("the URL in " + s.urlSecret() + " is not an http(s) URL");
            }
        }
        return s.endpoint().receiver(new WebhookRequests(url, WebhookTemplate.compile(s.template())), runtime,
                HttpEndpoint.bearer(runtime.secret(s.token())));
    }
}
