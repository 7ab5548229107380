package io.patchwatch.testkit.kafka;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real Kafka broker per test JVM, shared by every test class that registers this extension,
 * stopped (its container removed) when the JVM's tests are done: {@link KafkaBroker#startTemporary()},
 * so a Testcontainers container when the tests run their servers as containers. Each test makes its
 * own topics.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
 *
 * String topic = KAFKA.newTopic("events", 2);
 * }</pre>
 */
public final class KafkaBrokerExtension implements BeforeAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

    private KafkaBroker broker;

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent("broker", k -> new Shared(), Shared.class).broker;
    }

    public String bootstrapServers() {
        return broker().bootstrapServers();
    }

    public KafkaBroker broker() {
        if (broker == null) {
            throw new IllegalStateException("the broker is not started: register the extension as a static field");
        }
        return broker;
    }

    /** A topic of its own for a test: the prefix plus a random suffix. */
    public String newTopic(String prefix, int partitions) {
        return newTopic(prefix, partitions, Map.of());
    }

    public String newTopic(String prefix, int partitions, Map<String, String> config) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        broker().createTopic(name, partitions, config);
        return name;
    }

    /** Stops the broker when JUnit closes the root store, at the end of the test JVM's run. */
    private static final class Shared implements ExtensionContext.Store.CloseableResource {
        final KafkaBroker broker;

        Shared() {
            try {
                broker = KafkaBroker.startTemporary();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the test Kafka broker: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            broker.close();
        }
    }
}
