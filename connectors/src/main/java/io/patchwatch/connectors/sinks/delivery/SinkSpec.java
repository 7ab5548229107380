package io.patchwatch.connectors.sinks.delivery;

import io.patchwatch.connectors.sinks.SinkSettings;
import java.io.Serializable;

/**
 * One alert sink as job.yaml describes it, checked and serializable: it travels with the job to the
 * TaskManagers, where {@link Receivers#create} builds the receiver and reads the secrets.
 *
 * @param type     its type, a {@link io.patchwatch.connectors.sinks.SinkRegistry} name
 * @param settings its own settings, as its type's factory read them
 */
public record SinkSpec(String name, String type, SinkSettings settings, AlertRoute route, DeliveryPolicy policy)
        implements Serializable {

    public SinkSpec withPolicy(DeliveryPolicy p) {
        return new SinkSpec(name, type, settings, route, p.withResendInterval(policy.resendInterval()));
    }

    public SinkSpec withRoute(AlertRoute r) {
        return new SinkSpec(name, type, settings, r, policy);
    }
}
