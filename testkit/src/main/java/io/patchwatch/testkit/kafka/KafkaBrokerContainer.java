package io.patchwatch.testkit.kafka;

import com.github.dockerjava.api.command.InspectContainerResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.testcontainers.containers.BindMode;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Testcontainers' {@link KafkaContainer} on the host's network: with no Docker bridge there is no
 * port mapping, so every listener is bound to 127.0.0.1 on a port the test picked, and the advertised
 * listeners name those ports instead of mapped ones. The image is apache/kafka or the one
 * {@code testkit/images/build} makes in its layout; the server properties are the same as those of
 * the child-process broker ({@link KafkaBroker}), given as apache/kafka's {@code KAFKA_*} variables.
 */
final class KafkaBrokerContainer extends KafkaContainer {
    private static final String STARTER = "/tmp/testcontainers_start.sh";
    private static final String STARTER_READY = "/tmp/testcontainers_start.ready";

    private final Map<String, String> advertised = new LinkedHashMap<>();
    private final int clientPort;

    KafkaBrokerContainer(DockerImageName image, String clusterId, int clientPort, int brokerPort, int controllerPort,
                         KafkaBroker.Secured secured, int securePort) {
        super(image.asCompatibleSubstituteFor("apache/kafka"));
        this.clientPort = clientPort;
        setExposedPorts(new ArrayList<>());
        advertised.put("PLAINTEXT", "127.0.0.1:" + clientPort);
        advertised.put("BROKER", "127.0.0.1:" + brokerPort);
        List<String> listeners = new ArrayList<>(List.of("PLAINTEXT://127.0.0.1:" + clientPort,
                "BROKER://127.0.0.1:" + brokerPort, "CONTROLLER://127.0.0.1:" + controllerPort));
        String protocols = "PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT";
        if (secured != null) {
            listeners.add("SASL_SSL://127.0.0.1:" + securePort);
            advertised.put("SASL_SSL", "127.0.0.1:" + securePort);
            protocols += ",SASL_SSL:SASL_SSL";
            withFileSystemBind(secured.keyStore().toString(), secured.keyStore().toString(), BindMode.READ_ONLY);
            withEnv("KAFKA_SASL_ENABLED_MECHANISMS", "SCRAM-SHA-512");
            withEnv("KAFKA_LISTENER_NAME_SASL__SSL_SCRAM___SHA___512_SASL_JAAS_CONFIG",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            withEnv("KAFKA_SSL_KEYSTORE_TYPE", "PKCS12");
            withEnv("KAFKA_SSL_KEYSTORE_LOCATION", secured.keyStore().toString());
            withEnv("KAFKA_SSL_KEYSTORE_PASSWORD", secured.keyStorePassword());
            withEnv("KAFKA_SSL_KEY_PASSWORD", secured.keyStorePassword());
        }
        withEnv("CLUSTER_ID", clusterId);
        withEnv("KAFKA_LISTENERS", String.join(",", listeners));
        withEnv("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", protocols);
        withEnv("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@127.0.0.1:" + controllerPort);
        withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
        withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1");
        withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1");
        // Room for the oversized-message tests (the job refuses records over its own limit).
        withEnv("KAFKA_MESSAGE_MAX_BYTES", "8388608");
        withEnv("KAFKA_REPLICA_FETCH_MAX_BYTES", "8388608");
        // The log cleaner looks for work every second (15 s by default): compaction tests wait seconds.
        withEnv("KAFKA_LOG_CLEANER_BACKOFF_MS", "1000");
        withEnv("KAFKA_HEAP_OPTS", "-Xms128m -Xmx512m");
        // KafkaContainer's own wait runs the starter script as soon as it exists, which can meet it
        // half-copied ("Text file busy"); this one waits for a marker copied after it.
        withCommand("sh", "-c", "while [ ! -f " + STARTER_READY + " ]; do sleep 0.1; done; exec bash " + STARTER);
    }

    @Override
    protected void containerIsStarting(InspectContainerResponse containerInfo) {
        StringBuilder listeners = new StringBuilder();
        advertised.forEach((name, address) -> listeners.append(listeners.isEmpty() ? "" : ",").append(name).append("://").append(address));
        copyFileToContainer(Transferable.of("#!/bin/bash\nexport KAFKA_ADVERTISED_LISTENERS=" + listeners + "\nexec /etc/kafka/docker/run\n", 0755),
                STARTER);
        copyFileToContainer(Transferable.of(""), STARTER_READY);
    }

    @Override
    public String getBootstrapServers() {
        return "127.0.0.1:" + clientPort;
    }
}
