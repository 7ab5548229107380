package io.patchwatch.connectors.sinks.delivery;

import java.io.Serializable;
import java.util.Map;

/**
 * One alert sink as job.yaml describes it, checked and serializable: it travels with the job to the
 * TaskManagers, where {@link Receivers#create} builds the receiver and reads the secrets.
 *
 * @param url        the receiver's endpoint (HTTP sinks) or {@code host:port} (syslog)
 * @param urlSecret  for webhooks whose URL is itself the secret (Slack, Teams): where to read it
 * @param secret     the routing key, API key, token or password, by reference
 * @param username   ServiceNow's user (basic authentication with {@code secret} as password)
 * @param caFile     a PEM file of CA certificates to trust instead of the JVM's; verification stays on
 * @param headers    extra HTTP headers (not secret)
 * @param options    settings of one type: webhook {@code template}; syslog {@code format} (cef, leef),
 *                   {@code tls}, {@code app_name}, {@code facility}; HEC {@code index},
 *                   {@code sourcetype}, {@code source}
 */
public record SinkSpec(String name, SinkType type, String url, SecretRef urlSecret, SecretRef secret, String username,
                       String caFile, Map<String, String> headers, Map<String, String> options,
                       AlertRoute route, DeliveryPolicy policy) implements Serializable {

    public String option(String key, String fallback) {
        return options.getOrDefault(key, fallback);
    }
}
