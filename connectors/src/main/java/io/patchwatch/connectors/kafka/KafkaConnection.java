package io.patchwatch.connectors.kafka;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
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

    public static KafkaConnection plaintext(String bootstrapServers) {
        return new KafkaConnection(bootstrapServers, "PLAINTEXT", null, null, null, null, null, null, null);
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
