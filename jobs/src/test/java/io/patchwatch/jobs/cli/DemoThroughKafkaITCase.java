package io.patchwatch.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.testkit.kafka.KafkaBrokerExtension;
import io.patchwatch.testkit.kafka.KafkaTestClients;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code patchwatch demo --kafka} as a user runs it after {@code patchwatch kafka start}: the night
 * written to a real broker, the job reading it, its alerts read back committed; every injected
 * fault caught, and the alerts really on the broker's alerts topic.
 */
class DemoThroughKafkaITCase {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void theDemoNightThroughABrokerCatchesEveryFault() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = PatchwatchCli.run(new String[] {"demo", "--kafka", "--bootstrap", KAFKA.bootstrapServers(), "--devices", "300",
                        "--tenants", "6", "--no-color"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text + err).isZero();
        assertThat(text).contains("through Kafka at " + KAFKA.bootstrapServers())
                .containsPattern("wrote [\\d,]+ events to patchwatch-demo-events-\\d+")
                .contains("is offline following a scheduled patch installation (KB5044284")
                .contains("every injected fault was caught, and nothing else alerted");
        String alerts = text.replaceAll("(?s).*alerts go to (patchwatch-demo-alerts-\\d+).*", "$1");
        assertThat(KafkaTestClients.readAll(KAFKA.bootstrapServers(), alerts, true)).as("committed on " + alerts).isNotEmpty();
    }
}
