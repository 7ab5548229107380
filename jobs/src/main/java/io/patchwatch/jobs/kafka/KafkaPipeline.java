package io.patchwatch.jobs.kafka;

import io.patchwatch.connectors.adapters.AdapterSettings;
import io.patchwatch.connectors.adapters.Adapters;
import io.patchwatch.connectors.adapters.RawRecord;
import io.patchwatch.connectors.PatchwatchVersion;
import io.patchwatch.connectors.kafka.OutputSerializers;
import io.patchwatch.connectors.sinks.delivery.DeliveryOperator;
import io.patchwatch.connectors.sinks.delivery.FailedDelivery;
import io.patchwatch.connectors.sinks.delivery.SinkSpec;
import io.patchwatch.schemas.Alert;
import io.patchwatch.connectors.kafka.RawRecordDeserializer;
import io.patchwatch.jobs.settings.JobSettings;
import io.patchwatch.jobs.PatchwatchJob;
import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.jobs.jobconfig.JobConfig;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.connectors.kafka.KeyedRecord;
import io.patchwatch.jobs.status.DeviceStatusStream;
import io.patchwatch.jobs.status.StatusTopic;
import java.util.ArrayList;
import java.util.List;
import io.patchwatch.jobs.live.RuleVersion;
import io.patchwatch.jobs.live.RuleVersions;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import java.util.Map;
import java.util.Properties;
import io.patchwatch.jobs.ingest.EventTimeLimits;
import io.patchwatch.jobs.ingest.EventTimeWatermarks;
import io.patchwatch.jobs.ingest.RecordEventTime;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The job on Kafka: the input topics of job.yaml, each through its format's adapter, into the
 * topology of {@link PatchwatchJob#defineWorkflow}; alerts (Avro, and optionally JSON) written
 * exactly once with Kafka transactions, committed at each checkpoint, and so is every device's status
 * (the compacted status topic); dead letters and the
 * normalized events at least once; the alert sinks of job.yaml, each with its own delivery operator.
 *
 * <p>Bounded: the inputs are read up to their end offsets at start and the job then finishes, the
 * clock stopping at the newest event it read (like replay): for backfills and for tests.
 */
public final class KafkaPipeline {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(KafkaPipeline.class);
    /** Kafka's default transaction.max.timeout.ms is 15 min; Flink's producer default (1 h) exceeds it. */
    static final String TRANSACTION_TIMEOUT_MS = "900000";

    private KafkaPipeline() {}

    /** The Flink configuration of a run: checkpoints (exactly-once), restart strategy. */
    public static Configuration flinkConfiguration(JobConfig config) {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, config.checkpointInterval());
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        if (config.checkpointDirectory() != null) {
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, config.checkpointDirectory());
        }
        // Kept when the job is cancelled, so that it can be restarted from where it was.
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        return conf;
    }

    /**
     * Adds sources, the topology and sinks to {@code env}.
     *
     * @param clockStop bounded runs: nothing fires after this (the newest event); Long.MAX_VALUE live
     */
    public static void define(StreamExecutionEnvironment env, JobConfig config, Map<String, String> environment,
                              boolean bounded, long clockStop) {
        define(env, config, config.loadRules(), config.loadInventory(), environment, bounded, clockStop);
    }

    /** As above, with the rules and inventory already read (on a cluster they travel with the job). */
    public static void define(StreamExecutionEnvironment env, JobConfig config, RuleSet rules, Inventory inventory,
                              Map<String, String> environment, boolean bounded, long clockStop) {
        // Secrets stay references in the job graph; this process checks it could read them.
        config.kafka().checkSecrets(environment);
        Properties client = config.kafka().clientProperties();
        JobSettings settings = bounded ? config.settings().bounded(clockStop) : config.settings();

        // 1. One source per input topic, each with its format's adapter.
        List<PatchwatchJob.Input> inputs = new ArrayList<>();
        for (JobConfig.Input in : config.inputs()) {
            KafkaSourceBuilder<RawRecord> source = KafkaSource.<RawRecord>builder()
                    .setProperties(client)
                    .setTopics(in.topic())
                    .setGroupId(config.groupId())
                    .setStartingOffsets(startingOffsets(config.startingOffsets()))
                    .setDeserializer(new RawRecordDeserializer());
            if (bounded) {
                source.setBounded(OffsetsInitializer.latest());
            }
            var adapter = Adapters.create(in.format(), new AdapterSettings(in.tenant(), in.site(),
                    settings.maxRecordBytes(), Map.of()));
            // Watermarks per partition, at the source: a topic or partition read ahead of the
            // others must not make their events late.
            DataStream<RawRecord> records = env
                    .fromSource(source.build(), EventTimeWatermarks.of(settings, new RecordEventTime(adapter, EventTimeLimits.of(settings), settings.maxRecordBytes())),
                            "Kafka " + in.topic())
                    .setParallelism(settings.ingestParallelism())
                    .uid("source-" + in.topic());
            inputs.add(new PatchwatchJob.Input(in.topic(), records, adapter, true));
        }

        // 2. The rules versions published for this job, and (live) the rules topic as an input.
        RuleVersions versions = new RuleVersions(rules);
        DataStream<String> rulesRecords = null;
        if (config.rulesTopic() != null) {
            RulesTopic topic = new RulesTopic(client, config.rulesTopic(), config.groupId());
            versions = publishedVersions(topic, rules);
            OffsetsInitializer end = OffsetsInitializer.latest();
            var source = topic.source();
            rulesRecords = env.fromSource(bounded ? topic.boundedSource(end) : source, WatermarkStrategy.noWatermarks(),
                            "Rules " + config.rulesTopic())
                    .setParallelism(1)
                    .uid("source-rules");
        }

        // 3. The topology.
        boolean status = config.statusTopic() != null;
        PatchwatchJob.Outputs out = PatchwatchJob.defineWorkflow(inputs, settings, versions, rulesRecords, inventory, status);

        // 4. Sinks.
        out.alerts().sinkTo(sink(client, OutputSerializers.alertsAvro(config.alertsTopic()),
                        DeliveryGuarantee.EXACTLY_ONCE, config.groupId() + "-alerts"))
                .uid("sink-alerts").name("Alerts to " + config.alertsTopic());
        if (config.alertsJsonTopic() != null) {
            out.alerts().sinkTo(sink(client, OutputSerializers.alertsJson(config.alertsJsonTopic()),
                            DeliveryGuarantee.EXACTLY_ONCE, config.groupId() + "-alerts-json"))
                    .uid("sink-alerts-json").name("Alerts (JSON) to " + config.alertsJsonTopic());
        }
        out.deadLetters().sinkTo(sink(client, OutputSerializers.deadLetters(config.deadLetterTopic()),
                        DeliveryGuarantee.AT_LEAST_ONCE, null))
                .uid("sink-dead-letters").name("Dead letters to " + config.deadLetterTopic());
        deliver(out.alerts(), config, client);
        if (status) {
            writeStatus(out, inventory, settings, config, client);
        }
        if (config.eventsTopic() != null) {
            out.events().sinkTo(sink(client, OutputSerializers.events(config.eventsTopic()),
                            DeliveryGuarantee.AT_LEAST_ONCE, null))
                    .uid("sink-events").name("Events to " + config.eventsTopic());
        }
    }

    /**
     * The versions on the rules topic the job starts with. The job's rules file is the first version
     * when nothing was published yet, and the next one when its structure differs from the newest
     * published (the file was edited and the job restarted): the topic then says what the job runs.
     */
    static RuleVersions publishedVersions(RulesTopic topic, RuleSet rules) {
        try {
            List<RuleVersion> published = topic.versions();
            RuleVersion newest = published.isEmpty() ? null : published.get(published.size() - 1);
            if (newest == null || RuleVersions.structuralChange(rules, newest.rules()) != null) {
                String yaml = rules.sourceText();
                // In force from when the version it replaces was: the job runs this structure for every event.
                RulesTopic.Published p = topic.publish(yaml, "the job's rules file",
                        newest == null ? 0 : newest.effectiveFrom(), true);
                LOG.info("rules topic: the job's rules file published as {}", p.version());
                published = topic.versions();
            }
            RuleVersions versions = new RuleVersions(rules);
            for (RuleVersion v : published) {
                RuleVersions.Offer o = versions.offer(v);
                if (o.outcome() == RuleVersions.Outcome.REFUSED) {
                    LOG.warn("rules topic: {} left out: {}", v, o.reason());
                }
            }
            LOG.info("rules topic: starting with {}", versions.latest());
            return versions;
        } catch (Exception e) {
            // The job still runs on its file; new versions apply when the topic answers.
            LOG.warn("rules topic: cannot read the published versions, starting with the job's rules file: {}", e.getMessage());
            return new RuleVersions(rules);
        }
    }

    /**
     * Every device's status to the compacted status topic, in the alerts' transactions (a reader
     * never sees a status whose incident's alert was rolled back), tombstones of forgotten devices too.
     */
    private static void writeStatus(PatchwatchJob.Outputs out, Inventory inventory, JobSettings settings, JobConfig config,
                                    Properties client) {
        StatusTopic.createIfMissing(client, config.statusTopic());
        // One stream from the status operator to the sink: a device's status and its tombstone stay in order.
        DeviceStatusStream.define(out, inventory, settings, config.statusMinInterval())
                .map(StatusTopic::record, TypeInformation.of(KeyedRecord.class)).uid("status-records").name("Status records")
                .sinkTo(sink(client, OutputSerializers.keyed(config.statusTopic()), DeliveryGuarantee.EXACTLY_ONCE,
                        config.groupId() + "-status"))
                .uid("sink-status").name("Status to " + config.statusTopic());
    }

    /**
     * The alert sinks of job.yaml: one delivery operator each, fed by the alerts keyed by dedup key
     * (a firing alert and its resolve meet in one instance, in order); what none can deliver goes to
     * the failed-deliveries topic. Alerts are handed to receivers once their checkpoint completed,
     * as the alert topic commits them.
     */
    private static void deliver(DataStream<Alert> alerts, JobConfig config, Properties client) {
        if (config.sinks().isEmpty()) {
            return;
        }
        KeyedStream<Alert, String> byIncident = alerts.keyBy(Alert::getDedupKey);
        DataStream<FailedDelivery> failed = null;
        for (SinkSpec spec : config.sinks()) {
            DataStream<FailedDelivery> f = byIncident
                    .transform("Deliver to " + spec.name(), TypeInformation.of(FailedDelivery.class),
                            new DeliveryOperator(spec, PatchwatchVersion.get(), true))
                    .uid("deliver-" + spec.name());
            failed = failed == null ? f : failed.union(f);
        }
        failed.sinkTo(sink(client, OutputSerializers.failedDeliveries(config.failedDeliveriesTopic()),
                        DeliveryGuarantee.AT_LEAST_ONCE, null))
                .uid("sink-failed-deliveries").name("Failed deliveries to " + config.failedDeliveriesTopic());
    }

    private static <T> KafkaSink<T> sink(Properties client, KafkaRecordSerializationSchema<T> serializer,
                                         DeliveryGuarantee guarantee, String transactionalIdPrefix) {
        Properties p = new Properties();
        p.putAll(client);
        p.put("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS);
        p.put("max.request.size", "1048576");
        var builder = KafkaSink.<T>builder()
                .setKafkaProducerConfig(p)
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(guarantee);
        if (transactionalIdPrefix != null) {
            builder.setTransactionalIdPrefix(transactionalIdPrefix);
        }
        return builder.build();
    }

    private static OffsetsInitializer startingOffsets(String mode) {
        return switch (mode) {
            case "earliest" -> OffsetsInitializer.earliest();
            case "latest" -> OffsetsInitializer.latest();
            default -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        };
    }
}
