package io.patchwatch.connectors.sinks.servicenow;

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
import java.util.Map;

/** {@code type: servicenow}: ServiceNow Event Management, basic authentication ({@link ServiceNowEvents}). */
public final class ServiceNowSink implements SinkFactory<ServiceNowSink.Settings> {
    static final ConfigOption<String> URL = HttpEndpoint.url(null, "The instance, https://<name>.service-now.com.");
    static final ConfigOption<String> USERNAME = ConfigOptions.key("username").stringType().required()
            .withDescription("The integration user (basic authentication).");
    static final ConfigOption<SecretRef> PASSWORD = ConfigOptions.key("password").secretType().required()
            .withDescription("The integration user's password.");

    public record Settings(HttpEndpoint endpoint, String username, SecretRef password) implements SinkSettings {
        @Override
        public List<SecretRef> secrets() {
            return List.of(password);
        }
    }

    @Override
    public String type() {
        return "servicenow";
    }

    @Override
    public String description() {
        return "ServiceNow Event Management (em/jsonv2): events bound by message_key, the resolve clears.";
    }

    @Override
    public List<ConfigOption<?>> options() {
        List<ConfigOption<?>> all = new ArrayList<>(HttpEndpoint.options(URL));
        all.add(USERNAME);
        all.add(PASSWORD);
        return all;
    }

    @Override
    public Settings settings(YamlSection sink) {
        return new Settings(HttpEndpoint.read(sink, URL), sink.get(USERNAME), sink.get(PASSWORD));
    }

    @Override
    public AlertReceiver receiver(Settings s, SinkRuntime runtime) {
        String password = runtime.secret(s.password());
        // The basic-authentication header a receiver might echo.
        runtime.alsoSecret(s.username() + ":" + password);
        return s.endpoint().receiver(new ServiceNowEvents(s.endpoint().url(), s.username(), password), runtime, Map.of());
    }
}
