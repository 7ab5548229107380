package io.patchwatch.jobs.status;

import io.patchwatch.connectors.config.ConfigException;
import io.patchwatch.connectors.kafka.AvroSingleObject;
import io.patchwatch.connectors.kafka.KeyedRecord;
import io.patchwatch.schemas.DeviceStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The compacted device-status topic: key {@code tenant/device}, value the Avro {@link DeviceStatus}
 * (single-object encoding), a tombstone when the device is forgotten. The job writes it in its
 * Kafka transactions; {@code patchwatch status} and the status page read it, committed records only.
 */
public final class StatusTopic {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private StatusTopic() {}

    /** The topic's record of a device's status, or its tombstone. */
    public static KeyedRecord record(StatusChange c) {
        return new KeyedRecord(c.key, c.forgotten() ? null : AvroSingleObject.encode(c.status));
    }

    /**
     * Creates the topic, compacted, when it does not exist (with the broker's default partitions): a
     * topic created by a first write would be deleted by age instead, and a device quiet for a week
     * would vanish from every view.
     */
    public static void createIfMissing(Properties client, String topic) {
        try (Admin admin = Admin.create(client)) {
            if (admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).contains(topic)) {
                return;
            }
            NewTopic t = new NewTopic(topic, Optional.empty(), Optional.empty()).configs(Map.of("cleanup.policy", "compact"));
            admin.createTopics(List.of(t)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new ConfigException("status topic " + topic + ": cannot create it: " + e.getCause().getMessage(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException("status topic " + topic + ": interrupted", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ConfigException("status topic " + topic + ": Kafka did not answer within " + TIMEOUT.toSeconds() + " s", e);
        }
    }

    /** A consumer of committed records only, of no group (it commits nothing). */
    static KafkaConsumer<byte[], byte[]> consumer(Properties client) {
        Properties p = new Properties();
        p.putAll(client);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Every partition of the topic, assigned from its start; a missing topic is a clear error. */
    static List<TopicPartition> assignFromStart(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        var infos = consumer.partitionsFor(topic, TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new ConfigException("status topic " + topic + " does not exist (is a job writing it? job.yaml status.topic)");
        }
        List<TopicPartition> parts = new ArrayList<>();
        infos.forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        return parts;
    }

    /** The fleet as the topic holds it now: read from its start to its end (the last committed record). */
    public static FleetStatus read(Properties client, String topic) {
        FleetStatus fleet = new FleetStatus();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(client)) {
            List<TopicPartition> parts = assignFromStart(consumer, topic);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, TIMEOUT);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (parts.stream().anyMatch(tp -> consumer.position(tp, TIMEOUT) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new ConfigException("status topic " + topic + ": not read to its end within " + TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    fleet.take(r.key(), r.value());
                }
            }
        }
        return fleet;
    }

    /**
     * Follows the topic into {@code fleet} until {@code stop} says so: its whole content first, then
     * every change as it is committed (the status page).
     */
    public static void follow(Properties client, String topic, FleetStatus fleet, BooleanSupplier stop) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(client)) {
            assignFromStart(consumer, topic);
            while (!stop.getAsBoolean()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    fleet.take(r.key(), r.value());
                }
            }
        }
    }
}
