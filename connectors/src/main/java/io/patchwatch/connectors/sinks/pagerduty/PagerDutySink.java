package io.patchwatch.connectors.sinks.pagerduty;

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

/** {@code type: pagerduty}: PagerDuty's Events API v2, one incident per alert ({@link PagerDutyEvents}). */
public final class PagerDutySink implements SinkFactory<PagerDutySink.Settings> {
    static final ConfigOption<String> URL = HttpEndpoint.url(PagerDutyEvents.DEFAULT_URL, "The Events API v2 endpoint.");
    static final ConfigOption<SecretRef> ROUTING_KEY = ConfigOptions.key("routing_key").secretType().required()
            .withDescription("The integration's routing key.");

    /** @param routingKey the service integration's key, by reference */
    public record Settings(HttpEndpoint endpoint, SecretRef routingKey) implements SinkSettings {
        @Override
        public List<SecretRef> secrets() {
            return List.of(routingKey);
        }
    }

    @Override
    public String type() {
        return "pagerduty";
    }

    @Override
    public String description() {
        return "PagerDuty Events API v2: a firing alert triggers, its resolve resolves, one incident per dedup key.";
    }

    @Override
    public List<ConfigOption<?>> options() {
        List<ConfigOption<?>> all = new ArrayList<>(HttpEndpoint.options(URL));
        all.add(ROUTING_KEY);
        return all;
    }

    @Override
    public Settings settings(YamlSection sink) {
        return new Settings(HttpEndpoint.read(sink, URL), sink.get(ROUTING_KEY));
    }

    @Override
    public AlertReceiver receiver(Settings s, SinkRuntime runtime) {
        return s.endpoint().receiver(new PagerDutyEvents(s.endpoint().url(), runtime.secret(s.routingKey())), runtime, Map.of());
    }
}
