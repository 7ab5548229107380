package io.patchwatch.connectors.sinks.delivery;

import io.patchwatch.schemas.Alert;
import java.util.concurrent.CompletableFuture;

/**
 * One receiver of alerts (a PagerDuty service, an Alertmanager, a syslog collector...): turns one
 * alert into one request and reports how it went. Never throws and never retries: the future always
 * completes with a {@link DeliveryResult}, and {@link DeliveryOperator} decides what happens next.
 */
public interface AlertReceiver extends AutoCloseable {

    /**
     * @param resend true when a firing alert is sent again only to keep it alive at the receiver
     *               (Alertmanager forgets alerts nobody re-sends)
     */
    CompletableFuture<DeliveryResult> send(Alert alert, boolean resend);

    @Override
    default void close() {}
}
