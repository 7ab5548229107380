package io.patchwatch.connectors.sinks.alertmanager;

import io.patchwatch.connectors.config.ConfigOption;
import io.patchwatch.connectors.config.ConfigOptions;
import io.patchwatch.connectors.config.SecretRef;
import io.patchwatch.connectors.config.YamlSection;
import io.patchwatch.connectors.sinks.SinkFactory;
import io.patchwatch.connectors.sinks.SinkRuntime;
import io.patchwatch.connectors.sinks.SinkSettings;
import io.patchwatch.connectors.sinks.delivery.AlertReceiver;
import io.patchwatch.connectors.sinks.http.HttpEndpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code type: alertmanager}: Prometheus Alertmanager's v2 API. Alertmanager resolves an alert that
 * is not sent again within its validity, so firing alerts are re-sent every {@code resend_interval}.
 */
public final class AlertmanagerSink implements SinkFactory<AlertmanagerSink.Settings> {
    static final ConfigOption<String> URL = HttpEndpoint.url(null, "The Alertmanager, http://<host>:9093.");
    static final ConfigOption<SecretRef> TOKEN = ConfigOptions.key("token").secretType().noDefaultValue()
            .withDescription("A bearer token (an Alertmanager behind an authenticating proxy).");
    static final ConfigOption<Duration> RESEND_INTERVAL = ConfigOptions.key("resend_interval").durationType()
            .defaultValue(Duration.ofMinutes(1)).withDescription("Firing alerts are sent again this often, until resolved.")
            .checkedBy(ConfigOptions.positive());
    static final ConfigOption<Duration> ALERT_VALIDITY = ConfigOptions.key("alert_validity").durationType()
            .defaultValue(Duration.ofMinutes(5)).withDescription("How long Alertmanager keeps a firing alert not sent again.")
            .checkedBy(ConfigOptions.positive());

    public record Settings(HttpEndpoint endpoint, SecretRef token, Duration resendInterval, Duration validity)
            implements SinkSettings {
        @Override
        public List<SecretRef> secrets() {
            return token == null ? List.of() : List.of(token);
        }
    }

    @Override
    public String type() {
        return "alertmanager";
    }

    @Override
    public String description() {
        return "Prometheus Alertmanager (POST /api/v2/alerts): firing alerts re-sent until resolved.";
    }

    @Override
    public List<ConfigOption<?>> options() {
        List<ConfigOption<?>> all = new ArrayList<>(HttpEndpoint.options(URL));
        all.addAll(List.of(TOKEN, RESEND_INTERVAL, ALERT_VALIDITY));
        return all;
    }

    @Override
    public Settings settings(YamlSection sink) {
        Duration resend = sink.get(RESEND_INTERVAL);
        Duration validity = sink.get(ALERT_VALIDITY);
        if (resend.compareTo(validity) >= 0) {
            sink.problem("resend_interval", "must be shorter than alert_validity "
                    + "(Alertmanager resolves an alert that is not re-sent within its validity)");
        }
        return new Settings(HttpEndpoint.read(sink, URL), sink.get(TOKEN), resend, validity);
    }

    @Override
    public AlertReceiver receiver(Settings s, SinkRuntime runtime) {
        return s.endpoint().receiver(new AlertmanagerRequests(s.endpoint().url(), s.validity()), runtime,
                HttpEndpoint.bearer(runtime.secret(s.token())));
    }

    @Override
    public Duration resendInterval(Settings s) {
        return s.resendInterval();
    }
}
