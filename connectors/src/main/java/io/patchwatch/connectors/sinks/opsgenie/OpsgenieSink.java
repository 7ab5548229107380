package io.patchwatch.connectors.sinks.opsgenie;

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

/** {@code type: opsgenie}: Opsgenie's Alert API, de-duplicated by alias ({@link OpsgenieAlerts}). */
public final class OpsgenieSink implements SinkFactory<OpsgenieSink.Settings> {
    static final ConfigOption<String> URL = HttpEndpoint.url(OpsgenieAlerts.DEFAULT_URL,
            "The API (https://api.eu.opsgenie.com for the EU instance).");
    static final ConfigOption<SecretRef> API_KEY = ConfigOptions.key("api_key").secretType().required()
            .withDescription("An API integration's key.");

    public record Settings(HttpEndpoint endpoint, SecretRef apiKey) implements SinkSettings {
        @Override
        public List<SecretRef> secrets() {
            return List.of(apiKey);
        }
    }

    @Override
    public String type() {
        return "opsgenie";
    }

    @Override
    public String description() {
        return "Opsgenie Alert API: a firing alert creates (alias = dedup key), its resolve closes.";
    }

    @Override
    public List<ConfigOption<?>> options() {
        List<ConfigOption<?>> all = new ArrayList<>(HttpEndpoint.options(URL));
        all.add(API_KEY);
        return all;
    }

    @Override
    public Settings settings(YamlSection sink) {
        return new Settings(HttpEndpoint.read(sink, URL), sink.get(API_KEY));
    }

    @Override
    public AlertReceiver receiver(Settings s, SinkRuntime runtime) {
        return s.endpoint().receiver(new OpsgenieAlerts(s.endpoint().url(), runtime.secret(s.apiKey())), runtime, Map.of());
    }
}
