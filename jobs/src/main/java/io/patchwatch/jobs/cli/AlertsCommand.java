package io.patchwatch.jobs.cli;

import io.patchwatch.connectors.json.AlertJson;
import io.patchwatch.schemas.Alert;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code patchwatch alerts tail --bootstrap HOST:PORT [--topic T]}: prints the alerts of an alerts
 * topic as JSON lines, reading committed transactions only, as every consumer of patchwatch's
 * exactly-once output must. An example consumer of the Avro single-object encoding, and a tool.
 */
final class AlertsCommand {
    private AlertsCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length < 2 || !argv[1].equals("tail")) {
            throw new Args.UsageException("usage: patchwatch alerts tail --bootstrap HOST:PORT [--topic T] [--from-beginning] [--max N] [--timeout 30s]");
        }
        Args args = Args.parse(argv, 2, Set.of("bootstrap", "topic", "max", "timeout"), Set.of(), Set.of("from-beginning"));
        if (args.get("bootstrap") == null) {
            throw new Args.UsageException("alerts tail needs --bootstrap HOST:PORT");
        }
        String topic = args.get("topic", "patchwatch-alerts");
        int max = args.intValue("max", Integer.MAX_VALUE);
        long timeoutMs = args.get("timeout") == null ? Long.MAX_VALUE
                : io.patchwatch.connectors.config.Durations.parse(args.get("timeout")).toMillis();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args.get("bootstrap"));
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "patchwatch-tail-" + ProcessHandle.current().pid());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, args.flag("from-beginning") ? "earliest" : "latest");
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
