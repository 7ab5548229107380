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
 * The compacted rules topic: one record per published version, each under its own key,
 * {@code <job>/v<N>} (the job's name is its consumer group), each carrying the versions before it
 * ({@link RulesRecord}); the 8 newest are kept, older keys get a tombstone. {@code rules publish}
 * writes it; {@code run} and {@code submit} read it when the job starts and then follow it as the
 * job's rules input.
 *
 * <p>A key per version because compaction keeps only the newest record of a key: with one key per
 * job, a record that does not validate (a typo through {@code kafka-console-producer}, a tool that
 * wrote the wrong topic) written after the good ones would, once the log cleaner ran, be all that is
 * left, and the job's history with it. Under per-version keys it displaces at most the one record
 * of its own key; the newest valid version is the valid record with the highest version, wherever
 * it is in the log. Records under the bare job name (the layout before) are still read.
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
        List<Entry> entries = entries();
        List<RuleVersion> history = newestValid(entries).map(Entry::versions).orElse(List.of());
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
        // Above every number a key holds, valid or not: a job that took a version whose record was
        // displaced since still takes this one as newer.
        int highestKey = entries.stream().mapToInt(e -> versionOfKey(job, e.key())).max().orElse(0);
        int number = Math.max(current == null ? 0 : current.version(), highestKey) + 1;
        RuleVersion v = new RuleVersion(number, effectiveFrom, RuleVersion.hashOf(yaml), yaml, next);
        String value = RulesRecord.encode(job, v, history, System.currentTimeMillis());
        Properties p = new Properties();
        p.putAll(client);
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, 0, utf8(versionKey(job, number)), utf8(value)))
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            // The new record carries what the older keys held: the keys past the 8 kept, and the
            // bare job name of the layout before, are removed (their records go at the next compaction).
            java.util.Set<String> stale = new java.util.TreeSet<>();
            for (Entry e : entries) {
                int keyVersion = versionOfKey(job, e.key());
                if (e.value() != null && (keyVersion == 0 || keyVersion <= number - RuleVersions.KEEP)) {
                    stale.add(e.key());
                }
            }
            for (String key : stale) {
                producer.send(new ProducerRecord<>(topic, 0, utf8(key), null)).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        return new Published(v, false);
    }

    /**
     * One record of this job on the topic: where it is, its key and value (null: a tombstone), and
     * its versions, or why it is refused (the reason the job logs and counts).
     */
    public record Entry(long offset, String key, String value, List<RuleVersion> versions, String refused) {
        public boolean valid() {
            return refused == null;
        }

        /** The newest version the record holds (valid records only). */
        public int newest() {
            return versions.get(versions.size() - 1).version();
        }
    }

    /** The key of a version's record. */
    static String versionKey(String job, int version) {
        return job + "/v" + version;
    }

    /** The version a key of this job names: N for {@code <job>/vN}, 0 for the bare job name, -1 for another job's. */
    static int versionOfKey(String job, String key) {
        if (key == null) {
            return -1;
        }
        if (key.equals(job)) {
            return 0;
        }
        String prefix = job + "/v";
        if (key.startsWith(prefix) && key.length() > prefix.length() && key.length() - prefix.length() <= 9
                && key.substring(prefix.length()).chars().allMatch(Character::isDigit)) {
            return Integer.parseInt(key.substring(prefix.length()));
        }
        return -1;
    }

    /** Every record of this job now on the topic, oldest first, tombstones included (none: no topic yet). */
    public List<Entry> entries() throws Exception {
        try (Admin admin = Admin.create(client)) {
            if (!admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).contains(topic)) {
                return List.of();
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
            List<Entry> entries = new ArrayList<>();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (parts.stream().anyMatch(tp -> consumer.position(tp, TIMEOUT) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new ConfigException("rules topic " + topic + ": not read to its end within " + TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                    if (versionOfKey(job, key) < 0) {
                        continue;
                    }
                    String value = r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8);
                    try {
                        entries.add(new Entry(r.offset(), key, value, RulesRecord.decode(value), null));
                    } catch (ConfigException e) {
                        // Refused as the job refuses it (a tombstone leaves the version before it in force).
                        entries.add(new Entry(r.offset(), key, value, List.of(), e.getMessage()));
                    }
                }
            }
            return entries;
        }
    }

    /** The valid record holding the highest version (the later one of two alike), wherever it is in the log. */
    static Optional<Entry> newestValid(List<Entry> entries) {
        Entry best = null;
        for (Entry e : entries) {
            if (e.valid() && (best == null || e.newest() >= best.newest())) {
                best = e;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The newest valid record for this job, if the topic exists and has one. */
    public Optional<String> latest() throws Exception {
        return newestValid(entries()).map(Entry::value);
    }

    /** The versions published for this job (oldest first); a record that does not decode counts as none. */
    public List<RuleVersion> versions() throws Exception {
        Optional<String> record = latest();
        return record.isEmpty() ? List.of() : RulesRecord.decode(record.get());
    }

    /** The records of this job the job refuses (they do not validate), oldest first; tombstones are not records. */
    public List<Entry> refused() throws Exception {
        return entries().stream().filter(e -> !e.valid() && e.value() != null).toList();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
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

    /**
     * The values of one job's records, under its bare name or a version's key. Tombstones are
     * skipped: they remove a record (the publisher's cleanup of keys past the 8 kept), they are no
     * version, and the versions the job took stay in force.
     */
    static final class ValuesOfJob implements KafkaRecordDeserializationSchema<String> {
        private static final long serialVersionUID = 1L;
        private final String job;

        ValuesOfJob(String job) {
            this.job = job;
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<String> out) {
            int version = versionOfKey(job, record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8));
            if (version >= 0 && record.value() != null) {
                out.collect(new String(record.value(), StandardCharsets.UTF_8));
            }
        }

        @Override
        public TypeInformation<String> getProducedType() {
            return Types.STRING;
        }
    }
}
