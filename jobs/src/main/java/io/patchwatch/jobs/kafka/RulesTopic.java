package io.patchwatch.jobs.kafka;

import io.patchwatch.connectors.config.ConfigException;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.jobs.live.RuleVersion;
import io.patchwatch.jobs.live.RuleVersions;
import io.patchwatch.jobs.live.RulesRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The compacted rules topic: one record per published version, key = the job's name (its consumer
 * group), the newest carrying the versions before it ({@link RulesRecord}). {@code rules publish}
 * writes it; {@code run} and {@code submit} read its newest record when the job starts and then
 * follow it as the job's rules input.
 */
public final class RulesTopic {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Properties client;
    private final String topic;
    private final String job;

    public RulesTopic(Properties client, String topic, String job) {
        this.client = client;
        this.topic = topic;
        this.job = job;
    }

    /** What {@link #publish} did. */
    public record Published(RuleVersion version, boolean alreadyPublished) {}

    /**
     * Publishes {@code yaml} as the next version, in force from {@code effectiveFrom}.
     *
     * @param structural allow a change of structure ({@code rules apply}, which restarts the job)
     * @throws ConfigException the file does not validate, changes the structure, or is in force before
     *     the version in force now
     */
    public Published publish(String yaml, String origin, long effectiveFrom, boolean structural) throws Exception {
        RuleSet next = RuleSet.parse(yaml.getBytes(StandardCharsets.UTF_8), origin);
        createIfMissing();
        List<RuleVersion> history = latest().map(RulesRecord::decode).orElse(List.of());
        RuleVersion current = history.isEmpty() ? null : history.get(history.size() - 1);
        if (current != null && current.hash().equals(RuleVersion.hashOf(yaml))) {
            return new Published(current, true);
        }
        if (current != null) {
            if (!structural) {
                String why = RuleVersions.structuralChange(current.rules(), next);
                if (why != null) {
                    throw new ConfigException(origin + ": cannot apply live: " + why
                            + "; use `patchwatch rules apply` (stop with a savepoint, resubmit)");
                }
            }
            if (effectiveFrom < current.effectiveFrom()) {
                throw new ConfigException(origin + ": --effective-from is before version " + current.version()
                        + "'s, which is in force from " + java.time.Instant.ofEpochMilli(current.effectiveFrom()));
            }
        }
        RuleVersion v = new RuleVersion(current == null ? 1 : current.version() + 1, effectiveFrom,
                RuleVersion.hashOf(yaml), yaml, next);
        String value = RulesRecord.encode(job, v, history, System.currentTimeMillis());
        Properties p = new Properties();
        p.putAll(client);
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, 0, job.getBytes(StandardCharsets.UTF_8),
                    value.getBytes(StandardCharsets.UTF_8))).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        return new Published(v, false);
    }

    /** The newest valid record for this job, if the topic exists and has one. */
    public Optional<String> latest() throws Exception {
        try (Admin admin = Admin.create(client)) {
            if (!admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).contains(topic)) {
                return Optional.empty();
            }
        }
        Properties p = new Properties();
        p.putAll(client);
        p.put("enable.auto.commit", "false");
        p.remove("group.id");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(topic, TIMEOUT).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, TIMEOUT);
            List<String> records = new ArrayList<>();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (parts.stream().anyMatch(tp -> consumer.position(tp, TIMEOUT) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new ConfigException("rules topic " + topic + ": not read to its end within " + TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.key() != null && job.equals(new String(r.key(), StandardCharsets.UTF_8)) && r.value() != null) {
                        records.add(new String(r.value(), StandardCharsets.UTF_8));
                    }
                }
            }
            // The newest record that is a valid version: one written by something else, or a
            // tombstone, leaves the version before it in force (as the job does).
            for (int i = records.size() - 1; i >= 0; i--) {
                try {
                    RulesRecord.decode(records.get(i));
                    return Optional.of(records.get(i));
                } catch (ConfigException e) {
                    // skipped, as the job skips it
                }
            }
            return Optional.empty();
        }
    }

    /** The versions published for this job (oldest first); a record that does not decode counts as none. */
    public List<RuleVersion> versions() throws Exception {
        Optional<String> record = latest();
        return record.isEmpty() ? List.of() : RulesRecord.decode(record.get());
    }

    private void createIfMissing() throws Exception {
        try (Admin admin = Admin.create(client)) {
            if (admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).contains(topic)) {
                return;
            }
            NewTopic t = new NewTopic(topic, Optional.of(1), Optional.empty())
                    .configs(Map.of("cleanup.policy", "compact"));
            admin.createTopics(List.of(t)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    /** The job's rules input: every record of this job on the topic, from the start (old ones are known and skipped). */
    public KafkaSource<String> source() {
        return builder().build();
    }

    /** As {@link #source}, up to the offsets at start: a bounded run (a backfill) ends. */
    public KafkaSource<String> boundedSource(OffsetsInitializer end) {
        return builder().setBounded(end).build();
    }

    private org.apache.flink.connector.kafka.source.KafkaSourceBuilder<String> builder() {
        return KafkaSource.<String>builder()
                .setProperties(client)
                .setTopics(topic)
                .setGroupId(job + "-rules")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new ValuesOfJob(job));
    }

    /** The values of one job's records; a tombstone becomes "" (refused downstream, with a log line). */
    static final class ValuesOfJob implements KafkaRecordDeserializationSchema<String> {
        private static final long serialVersionUID = 1L;
        private final String job;

        ValuesOfJob(String job) {
            this.job = job;
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<String> out) {
            if (record.key() != null && job.equals(new String(record.key(), StandardCharsets.UTF_8))) {
                out.collect(record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8));
            }
        }

        @Override
        public TypeInformation<String> getProducedType() {
            return Types.STRING;
        }
    }
}
