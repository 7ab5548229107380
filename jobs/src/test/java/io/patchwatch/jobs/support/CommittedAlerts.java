package io.patchwatch.jobs.support;

import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.DeadLetter;
import io.patchwatch.testkit.kafka.KafkaTestClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The alerts of an alerts topic as a read_committed consumer sees them (what users get). */
public final class CommittedAlerts {
    private CommittedAlerts() {}

    /** Reads until at least one committed alert is there or {@code timeout} passed; all of them. */
    public static List<Alert> await(String bootstrap, String topic, Duration timeout) {
        return await(bootstrap, topic, timeout, alerts -> !alerts.isEmpty());
    }

    /** Reads until the committed alerts meet {@code done} or {@code timeout} passed; all of them. */
    public static List<Alert> await(String bootstrap, String topic, Duration timeout, java.util.function.Predicate<List<Alert>> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Alert> alerts = read(bootstrap, topic);
        while (!done.test(alerts) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100); // between two reads of the whole topic, not instead of a condition
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            alerts = read(bootstrap, topic);
        }
        return alerts;
    }

    /** The first committed alert that {@code which} accepts, waiting up to {@code timeout}; an error naming the alerts seen if none. */
    public static Alert awaitOne(String bootstrap, String topic, java.util.function.Predicate<Alert> which, Duration timeout) {
        List<Alert> alerts = await(bootstrap, topic, timeout, seen -> seen.stream().anyMatch(which));
        return alerts.stream().filter(which).findFirst()
                .orElseThrow(() -> new AssertionError("no such alert within " + timeout.toSeconds() + " s: " + alerts));
    }

    /** The dead letters of a dead-letter topic, committed. */
    public static List<DeadLetter> deadLetters(String bootstrap, String topic) {
        List<DeadLetter> out = new ArrayList<>();
        KafkaTestClients.readAll(bootstrap, topic, true).forEach(r -> {
            try {
                out.add(DeadLetter.getDecoder().decode(r.value()));
            } catch (IOException e) {
                throw new UncheckedIOException("not an Avro dead letter at offset " + r.offset() + " of " + topic, e);
            }
        });
        return out;
    }

    public static List<Alert> read(String bootstrap, String topic) {
        List<Alert> out = new ArrayList<>();
        KafkaTestClients.readAll(bootstrap, topic, true).forEach(r -> {
            try {
                out.add(Alert.getDecoder().decode(r.value()));
            } catch (IOException e) {
                throw new UncheckedIOException("not an Avro alert at offset " + r.offset() + " of " + topic, e);
            }
        });
        return out;
    }
}
