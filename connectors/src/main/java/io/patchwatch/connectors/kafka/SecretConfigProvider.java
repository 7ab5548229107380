package io.patchwatch.connectors.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.provider.ConfigProvider;

/**
 * Resolves Kafka secrets where the Kafka client is made (the TaskManager's readers and writers, the
 * JobManager's enumerator), never where the job is built: the job graph and the program arguments
 * carry only references.
 *
 * <pre>{@code
 * config.providers=patchwatch
 * config.providers.patchwatch.class=io.patchwatch.connectors.kafka.SecretConfigProvider
 * sasl.jaas.config=... password="${patchwatch:env:KAFKA_PASSWORD}";
 * ssl.truststore.password=${patchwatch:file:/run/secrets/truststore-password}
 * }</pre>
 *
 * {@code env:NAME} reads an environment variable, {@code file:PATH} a file (surrounding blanks and
 * the trailing line break stripped); {@code jaas-env} and {@code jaas-file} the same, escaped for a
 * quoted JAAS option. Errors name the variable or file, never a value.
 */
public final class SecretConfigProvider implements ConfigProvider {
    /** The alias {@link KafkaConnection} registers this provider under. */
    public static final String ALIAS = "patchwatch";
    static final String JAAS = "jaas-";

    @Override
    public void configure(Map<String, ?> configs) {}

    @Override
    public ConfigData get(String path) {
        return new ConfigData(Map.of());
    }

    @Override
    public ConfigData get(String path, Set<String> keys) {
        Map<String, String> values = new HashMap<>();
        for (String key : keys) {
            values.put(key, resolve(path, key));
        }
        return new ConfigData(values);
    }

    static String resolve(String kind, String name) {
        if (kind.startsWith(JAAS)) {
            // Inside a quoted JAAS option: a password with a quote or a backslash stays one value.
            return resolve(kind.substring(JAAS.length()), name).replace("\\", "\\\\").replace("\"", "\\\"");
        }
        if ("env".equals(kind)) {
            String v = System.getenv(name);
            if (v == null || v.isEmpty()) {
                throw new ConfigException("the secret's environment variable " + name + " is not set in this process");
            }
            return v;
        }
        if ("file".equals(kind)) {
            try {
                return Files.readString(Path.of(name), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new ConfigException("cannot read the secret's file " + name + ": " + e.getClass().getSimpleName());
            }
        }
        throw new ConfigException("unknown kind of secret reference '" + kind + "' (env or file)");
    }

    /** The reference to write in place of a secret. */
    static String reference(String kind, String name) {
        return "${" + ALIAS + ":" + kind + ":" + name + "}";
    }

    @Override
    public void close() {}
}
