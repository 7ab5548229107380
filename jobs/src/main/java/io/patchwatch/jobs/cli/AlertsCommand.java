package io.patchwatch.jobs.cli;

import io.patchwatch.connectors.json.AlertJson;
import io.patchwatch.schemas.Alert;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code patchwatch alerts tail --bootstrap HOST:PORT [--topic T]}: prints the alerts of an alerts
 * topic as JSON lines, reading committed transactions only, as every consumer of patchwatch's
 * exactly-once output must. An example consumer of the Avro single-object encoding, and a tool.
 */
@Command(name = "alerts", description = "The alerts of an alerts topic.", subcommands = AlertsCommand.Tail.class)
final class AlertsCommand extends GroupCommand {

    @Command(name = "tail", description = "Print the alerts of an alerts topic as JSON (read_committed).")
    static final class Tail extends CliCommand {
        @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "The Kafka cluster.")
        String bootstrap;

        @Option(names = "--topic", defaultValue = "patchwatch-alerts", description = "The alerts topic (default: ${DEFAULT-VALUE}).")
        String topic;

        @Option(names = "--from-beginning", description = "From the topic's start (else only new alerts).")
        boolean fromBeginning;

        @Option(names = "--max", defaultValue = "2147483647", paramLabel = "N", description = "Stop after N alerts.")
        int max;

        @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "Stop after this long (30s, 5m).")
        Duration timeout;

        @Override
        public Integer call() {
            long timeoutMs = timeout == null ? Long.MAX_VALUE : timeout.toMillis();
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "patchwatch-tail-" + ProcessHandle.current().pid());
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            int shown = 0;
            long deadline = timeoutMs == Long.MAX_VALUE ? Long.MAX_VALUE : System.currentTimeMillis() + timeoutMs;
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(topic));
                while (shown < max && System.currentTimeMillis() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        try {
                            out.println(AlertJson.toJson(Alert.getDecoder().decode(r.value())));
                        } catch (Exception e) {
                            err.println("patchwatch: " + r.topic() + "/" + r.partition() + "/" + r.offset()
                                    + " is not an Avro alert: " + e.getMessage());
                        }
                        if (++shown >= max) {
                            break;
                        }
                    }
                    out.flush();
                }
            }
            return 0;
        }
    }
}
