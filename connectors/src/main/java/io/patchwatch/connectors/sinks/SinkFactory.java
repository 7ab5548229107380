package io.patchwatch.connectors.sinks;

import io.patchwatch.connectors.config.ConfigOption;
import io.patchwatch.connectors.config.YamlSection;
import io.patchwatch.connectors.sinks.delivery.AlertReceiver;
import java.time.Duration;
import java.util.List;

/**
 * One kind of alert sink, whole: its job.yaml keys, its typed settings read from them, and its
 * receiver. A sink is its package (this factory, its request or payload builder) plus one line in
 * {@link SinkRegistry}; the keys every sink has (name, type, enabled, route, delivery) are
 * {@link SinkSpecs}'.
 *
 * @param <S> the sink's settings: checked, serializable (they travel with the job graph), secrets
 *            only by reference
 */
public interface SinkFactory<S extends SinkSettings> {

    /** Its {@code type:} in job.yaml. */
    String type();

    /** One line for the configuration reference. */
    String description();

    /** Its own keys (beyond the common ones), for reading, the unknown-key check and the reference. */
    List<ConfigOption<?>> options();

    /**
     * Its settings from the sink's section of job.yaml; every mistake is recorded as a problem of the
     * section (with its place), and whatever it returns then is never used.
     */
    S settings(YamlSection sink);

    /** Its receiver, where the sink runs; secrets are read through {@code runtime}. */
    AlertReceiver receiver(S settings, SinkRuntime runtime);

    /** How often firing alerts are sent again (Alertmanager forgets alerts nobody re-sends); zero: never. */
    default Duration resendInterval(S settings) {
        return Duration.ZERO;
    }
}
