package io.patchwatch.connectors.sinks.delivery;

import io.patchwatch.connectors.sinks.SinkRegistry;
import io.patchwatch.connectors.sinks.SinkRuntime;
import io.patchwatch.schemas.Alert;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Builds the receiver of a {@link SinkSpec} where it runs, reading its secrets there. */
public final class Receivers {
    private Receivers() {}

    public static AlertReceiver create(SinkSpec spec, Map<String, String> environment, String version) {
        SinkRuntime runtime = new SinkRuntime(environment, version, spec.policy().timeout());
        AlertReceiver receiver;
        try {
            receiver = SinkRegistry.receiver(spec, runtime);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("sink " + spec.name() + ": " + e.getMessage(), e);
        }
        List<String> secrets = new ArrayList<>();
        SinkRegistry.secretsRead(runtime).forEach(s -> secrets.addAll(encodings(s)));
        secrets.removeIf(s -> s.length() < 4); // redacting "abc" everywhere would garble every answer
        return secrets.isEmpty() ? receiver : new Redacting(receiver, List.copyOf(new LinkedHashSet<>(secrets)));
    }

    /** A secret as a receiver may echo it: as is, base64 (basic authentication), URL- and JSON-escaped. */
    static List<String> encodings(String secret) {
        Set<String> forms = new LinkedHashSet<>();
        forms.add(secret);
        forms.add(Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
        forms.add(Base64.getUrlEncoder().withoutPadding().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
        forms.add(java.net.URLEncoder.encode(secret, StandardCharsets.UTF_8));
        forms.add(secret.replace("\\", "\\\\").replace("\"", "\\\"").replace("/", "\\/"));
        // Longest first, so a form that contains another is replaced whole.
        List<String> sorted = new ArrayList<>(forms);
        sorted.sort((a, b) -> b.length() - a.length());
        return sorted;
    }

    /**
     * Removes the sink's secrets from what a receiver answered: a receiver that echoes a request
     * (or an error that names the URL of a Slack webhook) must not put a secret in a log line or
     * in the failed-deliveries topic.
     */
    private record Redacting(AlertReceiver inner, List<String> secrets) implements AlertReceiver {
        Redacting {
            secrets = new ArrayList<>(secrets);
            secrets.sort((a, b) -> b.length() - a.length());
        }

        @Override
        public CompletableFuture<DeliveryResult> send(Alert alert, boolean resend) {
            return inner.send(alert, resend).thenApply(r -> {
                String detail = r.detail();
                for (String s : secrets) {
                    detail = detail.replace(s, "<redacted>");
                }
                return new DeliveryResult(r.kind(), r.status(), detail, r.retryAfterMillis());
            });
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
