package io.patchwatch.connectors.sinks;

import io.patchwatch.connectors.sinks.alertmanager.AlertmanagerSink;
import io.patchwatch.connectors.sinks.delivery.AlertReceiver;
import io.patchwatch.connectors.sinks.delivery.SinkSpec;
import io.patchwatch.connectors.sinks.opsgenie.OpsgenieSink;
import io.patchwatch.connectors.sinks.pagerduty.PagerDutySink;
import io.patchwatch.connectors.sinks.servicenow.ServiceNowSink;
import io.patchwatch.connectors.sinks.splunk.SplunkHecSink;
import io.patchwatch.connectors.sinks.syslog.SyslogSink;
import io.patchwatch.connectors.sinks.webhook.WebhookSink;
import java.util.List;
import java.util.Optional;

/** Every kind of alert sink patchwatch has: adding one is its package and one line here. */
public final class SinkRegistry {
    private static final List<SinkFactory<?>> FACTORIES = List.of(
            new PagerDutySink(),
            new AlertmanagerSink(),
            new ServiceNowSink(),
            new OpsgenieSink(),
            new WebhookSink(),
            new SyslogSink(),
            new SplunkHecSink());

    private SinkRegistry() {}

    public static List<SinkFactory<?>> factories() {
        return FACTORIES;
    }

    public static List<String> types() {
        return FACTORIES.stream().map(SinkFactory::type).toList();
    }

    public static Optional<SinkFactory<?>> find(String type) {
        return FACTORIES.stream().filter(f -> f.type().equals(type)).findFirst();
    }

    public static SinkFactory<?> factory(String type) {
        return find(type).orElseThrow(() -> new IllegalArgumentException(
                "unknown sink type '" + type + "' (known: " + String.join(", ", types()) + ")"));
    }

    /** The receiver of {@code spec}, built by the factory of its type. */
    @SuppressWarnings("unchecked")
    public static <S extends SinkSettings> AlertReceiver receiver(SinkSpec spec, SinkRuntime runtime) {
        return ((SinkFactory<S>) factory(spec.type())).receiver((S) spec.settings(), runtime);
    }

    /** Every secret a receiver's construction read (to be removed from what it answers). */
    public static List<String> secretsRead(SinkRuntime runtime) {
        return List.copyOf(runtime.secrets());
    }

    @SuppressWarnings("unchecked")
    static <S extends SinkSettings> java.time.Duration resendInterval(SinkFactory<S> factory, SinkSettings settings) {
        return factory.resendInterval((S) settings);
    }
}
