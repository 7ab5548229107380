package io.patchwatch.connectors.kafka;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * How to reach the Kafka cluster: bootstrap servers, security protocol, SASL and TLS. Secrets are
 * never values in a config file: each is the name of an environment variable or the path of a file,
 * read when the client properties are built, never logged ({@link #toString()} shows no secret).
 *
 * @param saslPasswordEnv environment variable holding the SASL password (or null)
 * @param saslPasswordFile file holding the SASL password (or null)
 */
public record KafkaConnection(
        String bootstrapServers,
        String securityProtocol,
        String saslMechanism,
        String saslUsername,
        String saslPasswordEnv,
        String saslPasswordFile,
        String truststore,
        String truststorePasswordEnv,
        String truststorePasswordFile)
        implements Serializable {

    public static KafkaConnection plaintext(String bootstrapServers) {
        return new KafkaConnection(bootstrapServers, "PLAINTEXT", null, null, null, null, null, null, null);
    }

    /** Client properties, secrets resolved now (a missing variable or file is an error naming it). */
    public Properties clientProperties(Map<String, String> env) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers);
        p.put("security.protocol", securityProtocol);
        if (saslMechanism != null) {
            String password = secret("sasl password", saslPasswordEnv, saslPasswordFile, env);
            String module = saslMechanism.startsWith("SCRAM")
                    ? "org.apache.kafka.common.security.scram.ScramLoginModule"
                    : "org.apache.kafka.common.security.plain.PlainLoginModule";
            p.put("sasl.mechanism", saslMechanism);
            p.put("sasl.jaas.config", module + " required username=\"" + jaasEscape(saslUsername)
                    + "\" password=\"" + jaasEscape(password) + "\";");
        }
        if (truststore != null) {
            p.put("ssl.truststore.location", truststore);
            if (truststorePasswordEnv != null || truststorePasswordFile != null) {
                p.put("ssl.truststore.password", secret("truststore password", truststorePasswordEnv, truststorePasswordFile, env));
            }
        }
        return p;
    }

    private static String secret(String what, String envName, String file, Map<String, String> env) {
        if (envName != null) {
            String v = env.get(envName);
            if (v == null || v.isEmpty()) {
                throw new IllegalArgumentException("the " + what + " variable " + envName + " is not set");
            }
            return v;
        }
        if (file != null) {
            try {
                return Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the " + what + " file " + file + ": " + e.getMessage());
            }
        }
        throw new IllegalArgumentException("no " + what + ": give its environment variable or file");
    }

    private static String jaasEscape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    @Override
    public String toString() {
        return "KafkaConnection[" + bootstrapServers + ", " + securityProtocol
                + (saslMechanism == null ? "" : ", " + saslMechanism + " as " + saslUsername) + "]";
    }
}
