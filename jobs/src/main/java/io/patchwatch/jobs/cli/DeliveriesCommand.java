package io.patchwatch.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patchwatch.connectors.PatchwatchVersion;
import io.patchwatch.connectors.json.AlertJson;
import io.patchwatch.connectors.sinks.delivery.AlertReceiver;
import io.patchwatch.connectors.sinks.delivery.DeliveryResult;
import io.patchwatch.connectors.sinks.delivery.Receivers;
import io.patchwatch.connectors.sinks.delivery.SinkSpec;
import io.patchwatch.jobs.jobconfig.JobConfig;
import io.patchwatch.schemas.Alert;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code patchwatch deliveries retry --config job.yaml --sink NAME}: sends the failed deliveries of
 * one sink (from the failed-deliveries topic) again, in the order they failed, once the receiver is
 * fixed. Progress is committed per sink (consumer group {@code <group_id>-retry-<sink>}), so a second
 * run sends only what came since. An alert the receiver refuses again with a 4xx is reported and
 * passed over; one it cannot take yet (5xx, down) stops the run, and the next run starts with it.
 * Records of other sinks are passed over. Ends when the topic has been quiet for {@code --idle}.
 */
@Command(name = "deliveries", description = "The failed deliveries of the alert sinks.", subcommands = DeliveriesCommand.Retry.class)
final class DeliveriesCommand extends GroupCommand {
    private static final ObjectMapper JSON = new ObjectMapper();


    @Command(name = "retry", description = "Send a sink's failed deliveries again (from the failed-deliveries topic).")
    static final class Retry extends CliCommand {
        @Option(names = "--config", required = true, paramLabel = "FILE", description = "job.yaml.")
        Path config;

        @Option(names = "--sink", required = true, paramLabel = "NAME", description = "The sink.")
        String sink;

        @Option(names = "--idle", defaultValue = "5s", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "End once the topic was quiet this long (default: ${DEFAULT-VALUE}).")
        Duration idle;

        @Override
        public Integer call() {
            return retry(config, sink, idle, out, err);
        }
    }

    static int retry(Path configFile, String sinkName, Duration idle, PrintStream out, PrintStream err) {
        JobConfig config = RunCommand.localJobConfig(configFile, err);
        if (config == null) {
            return 2;
        }
        SinkSpec spec = config.sinks().stream().filter(s -> s.name().equals(sinkName)).findFirst().orElse(null);
        if (spec == null) {
            err.println("patchwatch: no enabled sink named '" + sinkName + "' in job.yaml");
            return 2;
        }
        long idleMs = idle.toMillis();

        config.kafka().checkSecrets(System.getenv());
        Properties p = config.kafka().clientProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId() + "-retry-" + spec.name());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        int sent = 0;
        int rejected = 0;
        try (AlertReceiver receiver = Receivers.create(spec, System.getenv(), PatchwatchVersion.get());
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(config.failedDeliveriesTopic()));
            long lastRecord = System.currentTimeMillis();
            while (System.currentTimeMillis() - lastRecord < idleMs) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    lastRecord = System.currentTimeMillis();
                    String where = r.topic() + "/" + r.partition() + "/" + r.offset();
                    Alert alert;
                    try {
                        JsonNode failed = JSON.readTree(r.value());
                        if (!spec.name().equals(failed.path("sink").asText())) {
                            commit(consumer, r);
                            continue;
                        }
                        alert = AlertJson.fromJson(failed.get("alert"));
                    } catch (Exception e) {
                        // Not ours to fix by re-sending: say so and go on.
                        err.println("patchwatch: " + where + " is not a failed delivery (" + e.getMessage() + "), passed over");
                        commit(consumer, r);
                        continue;
                    }
                    DeliveryResult result;
                    try {
                        result = receiver.send(alert, false).get(spec.policy().timeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
                    } catch (Exception e) {
                        result = DeliveryResult.error(e);
                    }
                    String what = alert.getDedupKey() + " " + alert.getStatus();
                    switch (result.kind()) {
                        case DELIVERED -> {
                            out.println(what + ": delivered");
                            sent++;
                        }
                        case REJECTED -> {
                            // The same request will be refused again: reported, passed over.
                            out.println(what + ": REJECTED again, passed over: " + result.detail());
                            rejected++;
                        }
                        case RETRY -> {
                            out.println(what + ": NOT DELIVERED: " + result.detail());
                            out.println("patchwatch: " + sent + " sent again; stopped at " + where + ", where the next run starts");
                            return 1;
                        }
                    }
                    commit(consumer, r);
                }
            }
        }
        out.println("patchwatch: " + sent + " failed deliveries of " + spec.name() + " sent again"
                + (rejected == 0 ? "" : ", " + rejected + " rejected again"));
        return rejected == 0 ? 0 : 1;
    }

    private static void commit(KafkaConsumer<byte[], byte[]> consumer, ConsumerRecord<byte[], byte[]> r) {
        consumer.commitSync(Map.of(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1)));
    }
}
