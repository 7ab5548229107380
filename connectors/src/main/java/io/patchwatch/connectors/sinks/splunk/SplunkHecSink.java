package io.patchwatch.connectors.sinks.splunk;

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

/** {@code type: splunk-hec}: Splunk's HTTP Event Collector, one event per alert ({@link SplunkHecEvents}). */
public final class SplunkHecSink implements SinkFactory<SplunkHecSink.Settings> {
    static final ConfigOption<String> URL = HttpEndpoint.url(null, "The collector, https://<host>:8088.");
    static final ConfigOption<SecretRef> TOKEN = ConfigOptions.key("token").secretType().required()
            .withDescription("The HEC token.");
    static final ConfigOption<String> INDEX = ConfigOptions.key("index").stringType().noDefaultValue()
            .withDescription("The index (the token's default when not given).");
    static final ConfigOption<String> SOURCE = ConfigOptions.key("source").stringType().defaultValue("patchwatch")
            .withDescription("The events' source.");
    static final ConfigOption<String> SOURCETYPE = ConfigOptions.key("sourcetype").stringType().defaultValue("patchwatch:alert")
            .withDescription("The events' sourcetype.");

    public record Settings(HttpEndpoint endpoint, SecretRef token, String index, String source, String sourcetype)
            implements SinkSettings {
        /** The default source and sourcetype. */
        public Settings(HttpEndpoint endpoint, SecretRef token, String index) {
            this(endpoint, token, index, SOURCE.defaultValue(), SOURCETYPE.defaultValue());
        }

        @Override
        public List<SecretRef> secrets() {
            return List.of(token);
        }
    }

    @Override
    public String type() {
        return "splunk-hec";
    }

    @Override
    public String description() {
        return "Splunk HTTP Event Collector: one event per alert, the alert JSON as the event.";
    }

    @Override
    public List<ConfigOption<?>> options() {
        List<ConfigOption<?>> all = new ArrayList<>(HttpEndpoint.options(URL));
        all.addAll(List.of(TOKEN, INDEX, SOURCE, SOURCETYPE));
        return all;
    }

    @Override
    public Settings settings(YamlSection sink) {
        return new Settings(HttpEndpoint.read(sink, URL), sink.get(TOKEN), sink.get(INDEX), sink.get(SOURCE), sink.get(SOURCETYPE));
    }

    @Override
    public AlertReceiver receiver(Settings s, SinkRuntime runtime) {
        return s.endpoint().receiver(new SplunkHecEvents(s.endpoint().url(), runtime.secret(s.token()), s.index(), s.source(),
                s.sourcetype()), runtime, Map.of());
    }
}
