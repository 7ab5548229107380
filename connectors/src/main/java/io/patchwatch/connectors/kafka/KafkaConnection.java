package io.patchwatch.connectors.kafka;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import io.patchwatch.connectors.config.SecretRef;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * How to reach the Kafka cluster: bootstrap servers, security protocol, SASL and TLS. Secrets are
 * never values in a config file: each is the name of an environment variable or the path of a file,
 * resolved by the Kafka client where it runs ({@link SecretConfigProvider}), never logged ({@link
 * #toString()} shows no secret) and never part of the job graph.
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

    /** The security protocols a connection may use. */
    public static final List<String> PROTOCOLS = List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    /** The SASL mechanisms it logs in with. */
    public static final List<String> MECHANISMS = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

    public static KafkaConnection plaintext(String bootstrapServers) {
        return builder(bootstrapServers).build();
    }

    public static Builder builder(String bootstrapServers) {
        return new Builder(bootstrapServers);
    }

    /**
     * Builds a connection; {@link #build()} checks it as a Kafka client would refuse it later: a known
     * protocol, SASL only with a SASL protocol and with a password reference, a known mechanism.
     */
    public static final class Builder {
        private final String bootstrapServers;
        private String securityProtocol = "PLAINTEXT";
        private String saslMechanism;
        private String saslUsername;
        private SecretRef saslPassword;
        private String truststore;
        private SecretRef truststorePassword;

        private Builder(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
        }

        public Builder securityProtocol(String protocol) {
            securityProtocol = protocol;
            return this;
        }

        public Builder sasl(String mechanism, String username, SecretRef password) {
            saslMechanism = mechanism;
            saslUsername = username;
            saslPassword = password;
            return this;
        }

        /** @param password null when the trust store has none (PEM) */
        public Builder truststore(String path, SecretRef password) {
            truststore = path;
            truststorePassword = password;
            return this;
        }

        public KafkaConnection build() {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("kafka.bootstrap_servers is required");
            }
            if (!PROTOCOLS.contains(securityProtocol)) {
                throw new IllegalArgumentException("kafka.security_protocol '" + securityProtocol + "' is not one of " + PROTOCOLS);
            }
            if (saslMechanism != null) {
                if (!securityProtocol.startsWith("SASL_")) {
                    throw new IllegalArgumentException("kafka.sasl needs security_protocol SASL_PLAINTEXT or SASL_SSL, not "
                            + securityProtocol);
                }
                if (!MECHANISMS.contains(saslMechanism)) {
                    throw new IllegalArgumentException("kafka.sasl.mechanism '" + saslMechanism + "' is not one of " + MECHANISMS);
                }
                if (saslUsername == null || saslPassword == null) {
                    throw new IllegalArgumentException("kafka.sasl needs username and password_env or password_file");
                }
            } else if (securityProtocol.startsWith("SASL_")) {
                throw new IllegalArgumentException("kafka.security_protocol " + securityProtocol + " needs a kafka.sasl section");
            }
            return new KafkaConnection(bootstrapServers, securityProtocol, saslMechanism, saslUsername,
                    saslPassword == null ? null : saslPassword.env(), saslPassword == null ? null : saslPassword.file(), truststore,
                    truststorePassword == null ? null : truststorePassword.env(), truststorePassword == null ? null : truststorePassword.file());
        }
    }

    /**
     * Client properties with every secret as a reference ({@link SecretConfigProvider}): the Kafka
     * client resolves it where it runs, so no secret lands in the job graph, a savepoint's metadata
     * or a REST answer. Call {@link #checkSecrets} first to fail early, naming what is missing.
     */
    public Properties clientProperties() {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers);
        p.put("security.protocol", securityProtocol);
        boolean secrets = false;
        if (saslMechanism != null) {
            String module = saslMechanism.startsWith("SCRAM")
                    ? "org.apache.kafka.common.security.scram.ScramLoginModule"
                    : "org.apache.kafka.common.security.plain.PlainLoginModule";
            p.put("sasl.mechanism", saslMechanism);
            p.put("sasl.jaas.config", module + " required username=\"" + jaasEscape(saslUsername)
                    + "\" password=\"" + reference(SecretConfigProvider.JAAS, "sasl password", saslPasswordEnv, saslPasswordFile) + "\";");
            secrets = true;
        }
        if (truststore != null) {
            p.put("ssl.truststore.location", truststore);
            if (truststore.endsWith(".pem") || truststore.endsWith(".crt")) {
                p.put("ssl.truststore.type", "PEM");
            }
            if (truststorePasswordEnv != null || truststorePasswordFile != null) {
                p.put("ssl.truststore.password", reference("", "truststore password", truststorePasswordEnv, truststorePasswordFile));
                secrets = true;
            }
        }
        if (secrets) {
            p.put("config.providers", SecretConfigProvider.ALIAS);
            p.put("config.providers." + SecretConfigProvider.ALIAS + ".class", SecretConfigProvider.class.getName());
        }
        return p;
    }

    /**
     * Checks that every secret can be read in this process, without keeping it.
     *
     * @param env the environment to look variables up in
     * @throws IllegalArgumentException naming the variable or file (never a value)
     */
    public void checkSecrets(Map<String, String> env) {
        if (saslMechanism != null) {
            check("sasl password", saslPasswordEnv, saslPasswordFile, env);
        }
        if (truststore != null && (truststorePasswordEnv != null || truststorePasswordFile != null)) {
            check("truststore password", truststorePasswordEnv, truststorePasswordFile, env);
        }
    }

    private static String reference(String prefix, String what, String envName, String file) {
        if (envName != null) {
            return SecretConfigProvider.reference(prefix + "env", envName);
        }
        if (file != null) {
            return SecretConfigProvider.reference(prefix + "file", Path.of(file).toAbsolutePath().toString());
        }
        throw new IllegalArgumentException("no " + what + ": give its environment variable or file");
    }

    private static void check(String what, String envName, String file, Map<String, String> env) {
        if (envName != null) {
            String v = env.get(envName);
            if (v == null || v.isEmpty()) {
                throw new IllegalArgumentException("the " + what + " variable " + envName + " is not set");
            }
            return;
        }
        if (file != null) {
            if (!Files.isReadable(Path.of(file))) {
                throw new IllegalArgumentException("cannot read the " + what + " file " + file);
            }
            return;
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
