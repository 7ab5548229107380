package io.patchwatch.connectors.sinks;

import io.patchwatch.connectors.config.SecretRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a sink's receiver is built with where it runs: its secrets, read from this environment
 * (each one read is remembered, so that it is removed from whatever a receiver answers), the
 * request timeout and patchwatch's version.
 */
public final class SinkRuntime {
    private final Map<String, String> environment;
    private final String version;
    private final Duration timeout;
    private final List<String> secrets = new ArrayList<>();

    public SinkRuntime(Map<String, String> environment, String version, Duration timeout) {
        this.environment = environment;
        this.version = version;
        this.timeout = timeout;
    }

    /** The secret behind {@code ref} (null for none); a missing one is an error naming where it was looked for. */
    public String secret(SecretRef ref) {
        if (ref == null) {
            return null;
        }
        String value = ref.resolve(environment);
        secrets.add(value);
        return value;
    }

    /** A value made of a secret that a receiver might echo (basic authentication's user:password). */
    public void alsoSecret(String value) {
        secrets.add(value);
    }

    public String version() {
        return version;
    }

    public Duration timeout() {
        return timeout;
    }

    List<String> secrets() {
        return secrets;
    }
}
