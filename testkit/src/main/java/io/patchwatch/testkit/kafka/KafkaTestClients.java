package io.patchwatch.testkit.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Plain producers and consumers for tests: write records, read a whole topic. */
public final class KafkaTestClients {
    private KafkaTestClients() {}

    /** A producer that takes messages up to 6 MiB (for the oversized-record tests). */
    public static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 6 * 1024 * 1024 + 4096);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    public static void send(KafkaProducer<byte[], byte[]> producer, String topic, Integer partition, byte[] key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, partition, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot write to " + topic + ": " + e.getMessage(), e);
        }
    }

    /**
     * Every record of the topic, reading until nothing new came for {@code quiet}.
     *
     * @param readCommitted see only records of committed transactions (what downstream consumers of
     *     exactly-once output must do)
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic, boolean readCommitted, Duration quiet) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long quietSince = System.nanoTime();
            long giveUp = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() - quietSince < quiet.toNanos() && System.nanoTime() < giveUp) {
                var batch = c.poll(Duration.ofMillis(200));
                if (!batch.isEmpty()) {
                    batch.forEach(out::add);
                    quietSince = System.nanoTime();
                }
            }
        }
        return out;
    }
}
