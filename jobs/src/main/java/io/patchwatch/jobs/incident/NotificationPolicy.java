package io.patchwatch.jobs.incident;

import io.patchwatch.schemas.Alert;
import java.io.Serializable;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.streaming.api.TimerService;

/**
 * One link of the {@link NotificationChain} between "the incident book decided" and "sent": it
 * passes an alert on (as it is, or changed), holds it to decide later, or ends it. FLEET.md's noise
 * control plugs in here, one policy per concern (hold, maintenance, inhibit, group_wait, flapping),
 * each keeping its own keyed state and asking for event-time callbacks.
 */
public interface NotificationPolicy extends Serializable {

    /** Where a link sends what it lets through: the next link, or out of the chain. */
    @FunctionalInterface
    interface Downstream {
        void send(Alert alert) throws Exception;
    }

    /** The device (key) at hand and the event-time timers a link may ask for. */
    record Context(String key, TimerService timers) {}

    /** Registers the link's keyed state and metrics. */
    default void open(RuntimeContext runtime) throws Exception {}

    /** An alert the incident book decided, firing or resolved. */
    void decide(Alert alert, Context ctx, Downstream next) throws Exception;

    /** Event time reached {@code timestamp} for the current device: release or end what was held. */
    default void onTime(long timestamp, Context ctx, Downstream next) throws Exception {}
}
