package io.patchwatch.jobs.support;

import io.patchwatch.schemas.Alert;
import io.patchwatch.testkit.kafka.KafkaTestClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The alerts of an alerts topic as a read_committed consumer sees them (what users get). */
public final class CommittedAlerts {
    private CommittedAlerts() {}

    public static List<Alert> read(String bootstrap, String topic) {
        List<Alert> out = new ArrayList<>();
        KafkaTestClients.readAll(bootstrap, topic, true, Duration.ofMillis(700)).forEach(r -> {
            try {
                out.add(Alert.getDecoder().decode(r.value()));
            } catch (IOException e) {
                throw new UncheckedIOException("not an Avro alert at offset " + r.offset() + " of " + topic, e);
            }
        });
        return out;
    }
}
