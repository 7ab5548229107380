package io.patchwatch.connectors.sinks.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.schemas.Alert;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The delivery rules of one sink, with a scripted receiver and a clock the test moves: ordering per
 * incident, the in-flight limit, backoff, the 429 pause, give-up, max_pending, re-sends and a restart
 * from what a checkpoint keeps. Milliseconds; the HTTP ITCases prove the same end to end.
 */
class DeliveryQueueTest {
    private static final long START = TestAlerts.NIGHT + 3_600_000L;

    private final ManualTime time = new ManualTime(START);
    private final ScriptedReceiver receiver = new ScriptedReceiver();
    private final List<FailedDelivery> failed = new ArrayList<>();
    private final Map<String, Integer> counted = new LinkedHashMap<>();
    private double random = 0.0;

    private static DeliveryPolicy policy(int maxInFlight, int maxPending, Duration resend) {
        return new DeliveryPolicy(maxInFlight, Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(60),
                Duration.ofMinutes(10), maxPending, resend, Duration.ofMinutes(5));
    }

    private DeliveryQueue queue(DeliveryPolicy policy) {
        SinkSpec spec = new SinkSpec("fake", "webhook", null, AlertRoute.all(), policy);
        return new DeliveryQueue(spec, receiver, time::now, time::at, () -> random, time.mailbox(), failed::add,
                outcome -> counted.merge(outcome, 1, Integer::sum));
    }

    private DeliveryQueue started(DeliveryPolicy policy) {
        DeliveryQueue q = queue(policy);
        q.start();
        return q;
    }

    private static final DeliveryResult OK = DeliveryResult.delivered(202);
    private static final DeliveryResult UNAVAILABLE = DeliveryResult.retry(503, "unavailable", -1);

    @Test
    void aResolveWaitsForItsFiringAlertWhileOtherIncidentsGoAhead() {
        DeliveryQueue q = started(policy(8, 100, Duration.ZERO));
        Alert a = TestAlerts.offline("acme", "SRV-A", 1);
        Alert b = TestAlerts.offline("acme", "SRV-B", 1);
        q.offer(a);
        q.offer(TestAlerts.resolved(a, 60_000));
        q.offer(b);
        time.settle();

        assertThat(receiver.open()).extracting(ScriptedReceiver.Call::key).containsExactly(a.getDedupKey(), b.getDedupKey());
        receiver.calls.get(0).answer(OK);
        time.settle();
        assertThat(receiver.last().alert().getStatus().name()).isEqualTo("resolved");
        assertThat(receiver.last().key()).isEqualTo(a.getDedupKey());
        receiver.open().forEach(c -> c.answer(OK));
        time.settle();
        assertThat(q.pending()).isZero();
        assertThat(counted).containsEntry("delivered", 3);
        assertThat(failed).isEmpty();
    }

    @Test
    void noMoreThanMaxInFlightRequestsAreOnTheWay() {
        DeliveryQueue q = started(policy(2, 100, Duration.ZERO));
        TestAlerts.incidents("acme", 5).subList(0, 5).forEach(q::offer);
        time.settle();
        assertThat(receiver.open()).hasSize(2);

        receiver.calls.get(0).answer(OK);
        time.settle();
        assertThat(receiver.open()).hasSize(2);
        assertThat(receiver.calls).hasSize(3);
        receiver.answerAll(alert -> OK);
        receiver.open().forEach(c -> c.answer(OK));
        time.settle();
        assertThat(receiver.calls).hasSize(5);
        assertThat(q.pending()).isZero();
    }

    @Test
    void aFailedRequestIsRetriedAfterItsBackoffAndTheResolveStillWaits() {
        DeliveryQueue q = started(policy(8, 100, Duration.ZERO));
        Alert a = TestAlerts.offline("acme", "SRV-A", 1);
        q.offer(a);
        q.offer(TestAlerts.resolved(a, 60_000));
        random = 0.0; // equal jitter's lower end: half the delay
        receiver.calls.get(0).answer(UNAVAILABLE);
        time.settle();

        time.advance(499);
        assertThat(receiver.calls).hasSize(1);
        time.advance(1);
        assertThat(receiver.calls).hasSize(2);
        assertThat(receiver.last().alert()).isEqualTo(a);
        receiver.last().answer(UNAVAILABLE); // second retry: 2 s, of which half
        time.settle();
        time.advance(999);
        assertThat(receiver.calls).hasSize(2);
        time.advance(1);
        assertThat(receiver.calls).hasSize(3);
        receiver.last().answer(OK);
        time.settle();
        assertThat(receiver.last().alert().getStatus().name()).isEqualTo("resolved");
        assertThat(counted).containsEntry("retried", 2).containsEntry("delivered", 1);
    }

    @Test
    void a429PausesTheWholeSinkForItsRetryAfterCapped() {
        DeliveryQueue q = started(policy(1, 100, Duration.ZERO));
        Alert a = TestAlerts.offline("acme", "SRV-A", 1);
        Alert b = TestAlerts.offline("acme", "SRV-B", 1);
        q.offer(a);
        q.offer(b);
        receiver.calls.get(0).answer(DeliveryResult.retry(429, "slow down", Duration.ofHours(2).toMillis()));
        time.settle();

        // Another incident does not go either: the receiver asked the sink to pause, capped at 5 min.
        time.advance(Duration.ofMinutes(5).toMillis() - 1);
        assertThat(receiver.calls).hasSize(1);
        time.advance(1);
        assertThat(receiver.calls).hasSize(2);
        receiver.answerAll(alert -> OK);
        receiver.last().answer(OK);
        time.settle();
        assertThat(q.pending()).isZero();
        assertThat(receiver.calls).extracting(ScriptedReceiver.Call::key)
                .containsExactlyInAnyOrder(a.getDedupKey(), a.getDedupKey(), b.getDedupKey());
    }

    @Test
    void aRejectedAlertGoesToFailedDeliveriesAndTheNextOfItsKeyGoes() {
        DeliveryQueue q = started(policy(8, 100, Duration.ZERO));
        Alert a = TestAlerts.offline("acme", "SRV-A", 1);
        q.offer(a);
        q.offer(TestAlerts.resolved(a, 60_000));
        receiver.calls.get(0).answer(DeliveryResult.rejected(400, "{\"error\":\"bad routing key\"}"));
        time.settle();

        assertThat(failed).singleElement().satisfies(f -> {
            assertThat(f.reason).isEqualTo("rejected");
            assertThat(f.status).isEqualTo(400);
            assertThat(f.response).contains("bad routing key");
            assertThat(f.attempts).isEqualTo(1);
            assertThat(f.dedupKey).isEqualTo(a.getDedupKey());
        });
        assertThat(receiver.calls).hasSize(2);
        assertThat(counted).containsEntry("rejected", 1);
    }

    @Test
    void anAlertNotDeliveredWithinMaxAgeIsGivenUpWithItsLastAnswer() {
        DeliveryQueue q = started(policy(8, 100, Duration.ZERO));
        q.offer(TestAlerts.offline("acme", "SRV-A", 1));
        receiver.answerAll(alert -> UNAVAILABLE);
        receiver.calls.get(0).answer(UNAVAILABLE);
        time.advance(Duration.ofMinutes(11).toMillis());

        assertThat(failed).singleElement().satisfies(f -> {
            assertThat(f.reason).isEqualTo("max_age");
            assertThat(f.status).isEqualTo(503);
            assertThat(f.failedAt - f.queuedAt).isLessThanOrEqualTo(Duration.ofMinutes(10).toMillis());
            assertThat(f.attempts).isGreaterThan(5);
        });
        assertThat(q.pending()).isZero();
        int attempts = receiver.calls.size();
        time.advance(Duration.ofMinutes(30).toMillis());
        assertThat(receiver.calls).hasSize(attempts);
    }

    @Test
    void beyondMaxPendingTheOldestWaitingDeliveryIsDropped() {
        DeliveryQueue q = started(policy(1, 3, Duration.ZERO));
        List<Alert> alerts = TestAlerts.incidents("acme", 4).subList(0, 4);
        alerts.forEach(q::offer);

        // The first is on the way (not droppable); the second is the oldest waiting one.
        assertThat(failed).singleElement().satisfies(f -> {
            assertThat(f.reason).isEqualTo("queue_full");
            assertThat(f.dedupKey).isEqualTo(alerts.get(1).getDedupKey());
        });
        assertThat(q.pending()).isEqualTo(3);
        assertThat(counted).containsEntry("dropped", 1);
    }

    @Test
    void firingAlertsAreResentUntilResolvedButNeverOvertakeTheResolve() {
        DeliveryQueue q = started(policy(8, 100, Duration.ofMinutes(1)));
        Alert a = TestAlerts.offline("acme", "SRV-A", 1);
        receiver.answerAll(alert -> OK);
        q.offer(a);
        time.settle();
        time.advance(Duration.ofMinutes(2).toMillis());
        assertThat(receiver.calls).extracting(ScriptedReceiver.Call::resend).containsExactly(false, true, true);

        // The resolve is on the way when the next re-send is due: the re-send does not go.
        receiver.answerAll(null);
        Alert resolve = TestAlerts.resolved(a, 60_000);
        q.offer(resolve);
        time.advance(Duration.ofMinutes(1).toMillis());
        assertThat(receiver.calls).hasSize(4);
        receiver.last().answer(OK);
        time.settle();
        time.advance(Duration.ofMinutes(3).toMillis());
        assertThat(receiver.calls).hasSize(4);
        assertThat(receiver.last().alert()).isEqualTo(resolve);
        assertThat(counted).containsEntry("resent", 2).containsEntry("delivered", 2);
    }

    @Test
    void aRestartFromTheSnapshotSendsWhatWasPendingAndKeepsResending() {
        DeliveryQueue before = started(policy(1, 100, Duration.ofMinutes(1)));
        Alert a = TestAlerts.offline("acme", "SRV-A", 1);
        Alert b = TestAlerts.offline("acme", "SRV-B", 1);
        before.offer(a);
        before.offer(b);
        receiver.calls.get(0).answer(OK); // a delivered, b on the way when the checkpoint is taken
        time.settle();
        List<byte[]> checkpoint = before.snapshot();

        ManualTime later = new ManualTime(START + 60_000);
        ScriptedReceiver after = new ScriptedReceiver().answerAll(alert -> OK);
        SinkSpec spec = new SinkSpec("fake", "webhook", null, AlertRoute.all(), policy(1, 100, Duration.ofMinutes(1)));
        DeliveryQueue restored = new DeliveryQueue(spec, after, later::now, later::at, () -> 0.5, later.mailbox(),
                failed::add, outcome -> {});
        checkpoint.forEach(restored::restore);
        restored.start();
        later.settle();

        assertThat(after.calls).extracting(c -> c.alert().getDedupKey(), ScriptedReceiver.Call::resend)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(b.getDedupKey(), false));
        later.advance(Duration.ofMinutes(1).toMillis());
        assertThat(after.calls).filteredOn(ScriptedReceiver.Call::resend).extracting(ScriptedReceiver.Call::key)
                .containsExactlyInAnyOrder(a.getDedupKey(), b.getDedupKey());
        assertThat(restored.pending()).isZero();
    }

    @Test
    void aReceiverThatThrowsCostsOneAlertNotTheSink() {
        DeliveryQueue q = started(policy(8, 100, Duration.ZERO));
        Alert a = TestAlerts.offline("acme", "SRV-A", 1);
        Alert b = TestAlerts.offline("acme", "SRV-B", 1);
        receiver.answerAll(alert -> {
            if (alert.equals(a)) {
                throw new IllegalStateException("template bug");
            }
            return OK;
        });
        q.offer(a);
        q.offer(b);
        time.settle();

        assertThat(failed).singleElement().satisfies(f -> {
            assertThat(f.reason).isEqualTo("rejected");
            assertThat(f.response).contains("template bug");
        });
        assertThat(counted).containsEntry("delivered", 1);
        assertThat(q.pending()).isZero();
    }
}
