package io.patchwatch.testkit.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
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
     * Every record the topic holds now (none if it does not exist): the consumer is assigned every partition (no group to join)
     * and reads from the beginning up to the end offsets taken when it started. For a read_committed
     * reader those are the last stable offsets, so an open transaction is neither waited for nor
     * read. What is written afterwards is not waited for: a test that expects more waits on a
     * condition and reads again.
     *
     * @param readCommitted see only records of committed transactions (what downstream consumers of
     *     exactly-once output must do)
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic, boolean readCommitted) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            if (partitions.isEmpty()) {
                return out; // no such topic (yet): nothing written to it
            }
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions, Duration.ofSeconds(30));
            long giveUp = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > giveUp) {
                    throw new IllegalStateException("could not read " + topic + " up to " + end + " within 60 s");
                }
                c.poll(Duration.ofMillis(100)).forEach(out::add);
            }
        }
        return out;
    }
}
