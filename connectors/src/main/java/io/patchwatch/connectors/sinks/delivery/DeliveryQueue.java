package io.patchwatch.connectors.sinks.delivery;

import io.patchwatch.connectors.text.SafeText;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery of alerts to one sink, as pure logic: what goes out when, and what happens with each
 * answer. Everything it depends on is handed in (clock, timers, random source, receiver, the
 * executor that brings answers back), so {@link DeliveryOperator} runs it on Flink's task thread
 * and tests run it with a scripted receiver and a clock they move.
 *
 * <ul>
 *   <li>At most {@code max_in_flight} requests at a time.
 *   <li>Per dedup key one delivery at a time, in order (a resolve never overtakes its firing
 *       alert); different incidents do not wait for each other.
 *   <li>Retries: exponential backoff with jitter on 5xx, timeouts and connection errors; a 429
 *       pauses the whole sink for its Retry-After (capped). A 4xx other than 429 is not retried; an
 *       alert not delivered within {@code max_age} is given up; beyond {@code max_pending} the
 *       oldest waiting delivery is dropped: each of them goes out as a {@link FailedDelivery}.
 *   <li>With a resend interval (Alertmanager), firing alerts are sent again until resolved, but
 *       never while something of their key is on the way.
 * </ul>
 *
 * Not thread-safe: every call, and every answer (through {@code answers}), on one thread.
 */
public final class DeliveryQueue {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryQueue.class);

    /** What the queue counts, by outcome (each is a metric of the sink). */
    public static final List<String> OUTCOMES = List.of("delivered", "resent", "retried", "rejected", "expired", "dropped");

    /** Processing-time timers of the host: Flink's processing time service, or a test's clock. */
    public interface Timers {
        void at(long time, Runnable action);
    }

    /** The host's counters per outcome. */
    public interface Outcomes {
        void count(String outcome);
    }

    private final SinkSpec spec;
    private final AlertReceiver receiver;
    private final LongSupplier clock;
    private final Timers timers;
    private final DoubleSupplier random;
    private final Executor answers;
    private final Consumer<FailedDelivery> failed;
    private final Outcomes outcomes;

    /** Deliveries per dedup key, in arrival order; the head is the one being sent or waiting to be. */
    private final LinkedHashMap<String, ArrayDeque<PendingDelivery>> queues = new LinkedHashMap<>();
    /** Keys whose head may be sent now. */
    private final ArrayDeque<String> ready = new ArrayDeque<>();
    /** Firing alerts to re-send, by dedup key (only with a resend interval). */
    private final LinkedHashMap<String, Alert> firing = new LinkedHashMap<>();
    private int pending;
    private int inFlight;
    private long pausedUntil;
    private boolean pauseTimerSet;
    private boolean failing;
    private boolean resending;
    /** No more re-sends (the input ended), so that waiting for the pending deliveries can end. */
    private boolean stopped;

    /**
     * @param answers runs a receiver's answer on the queue's thread (Flink's mailbox); it may refuse
     *                once the host is closing: the delivery stays in the last checkpoint
     * @param failed  where deliveries given up go (the failed-deliveries output)
     */
    public DeliveryQueue(SinkSpec spec, AlertReceiver receiver, LongSupplier clock, Timers timers, DoubleSupplier random,
                         Executor answers, Consumer<FailedDelivery> failed, Outcomes outcomes) {
        this.spec = spec;
        this.receiver = receiver;
        this.clock = clock;
        this.timers = timers;
        this.random = random;
        this.answers = answers;
        this.failed = failed;
        this.outcomes = outcomes;
    }

    /** Deliveries not yet delivered nor given up (including the ones on the way). */
    public int pending() {
        return pending;
    }

    /** An alert to deliver (it passed the sink's route, and its checkpoint completed if that is awaited). */
    public void offer(Alert alert) {
        if (resends()) {
            if (alert.getStatus() == AlertStatus.firing) {
                firing.put(alert.getDedupKey(), alert);
            } else {
                firing.remove(alert.getDedupKey());
            }
        }
        add(new PendingDelivery(alert, false, clock.getAsLong(), 0));
        if (pending > spec.policy().maxPending()) {
            dropOldest();
        }
        pump();
    }

    /**
     * Starts sending: what was restored, and with a resend interval, the re-sends. Called once, after
     * {@link #restore}.
     */
    public void start() {
        if (resends() && !resending) {
            resending = true;
            scheduleResend(clock.getAsLong());
        }
        pump();
    }

    /** No more re-sends: what is pending is still delivered. */
    public void stop() {
        stopped = true;
    }

    /**
     * What a checkpoint keeps of this queue, as {@link PendingDelivery} entries: every delivery not
     * done with (its attempts so far), and the firing alerts kept for re-sending.
     */
    public List<byte[]> snapshot() {
        List<byte[]> entries = new ArrayList<>(pending + firing.size());
        for (ArrayDeque<PendingDelivery> queue : queues.values()) {
            for (PendingDelivery d : queue) {
                entries.add(d.encode());
            }
        }
        long now = clock.getAsLong();
        for (Alert a : firing.values()) {
            entries.add(PendingDelivery.encode(PendingDelivery.FIRING, a, false, now, 0));
        }
        return entries;
    }

    /** Takes back one entry of {@link #snapshot} (before {@link #start}). */
    public void restore(byte[] entry) {
        PendingDelivery d = PendingDelivery.decode(entry);
        if (PendingDelivery.kind(entry) == PendingDelivery.FIRING) {
            firing.put(d.key(), d.alert);
        } else {
            add(d);
        }
    }

    private boolean resends() {
        return !spec.policy().resendInterval().isZero();
    }

    private void add(PendingDelivery d) {
        ArrayDeque<PendingDelivery> queue = queues.computeIfAbsent(d.key(), k -> new ArrayDeque<>());
        queue.add(d);
        pending++;
        if (queue.size() == 1) {
            ready.add(d.key());
        }
    }

    /** Sends what may be sent: free slots, not paused by a 429, heads of their keys, not waiting for a retry. */
    private void pump() {
        long now = clock.getAsLong();
        if (now < pausedUntil) {
            if (!pauseTimerSet && !ready.isEmpty()) {
                pauseTimerSet = true;
                timers.at(pausedUntil, () -> {
                    pauseTimerSet = false;
                    pump();
                });
            }
            return;
        }
        while (inFlight < spec.policy().maxInFlight() && !ready.isEmpty()) {
            String key = ready.poll();
            ArrayDeque<PendingDelivery> queue = queues.get(key);
            PendingDelivery d = queue == null ? null : queue.peek();
            if (d == null || d.inFlight) {
                continue;
            }
            if (now - d.queuedAt > spec.policy().maxAge().toMillis()) {
                giveUp(key, d, "max_age", now);
                continue;
            }
            d.inFlight = true;
            d.attempts++;
            inFlight++;
            CompletableFuture<DeliveryResult> sent;
            try {
                sent = receiver.send(d.alert, d.resend);
            } catch (RuntimeException e) {
                // A receiver's bug must cost one alert (as a failed delivery), not the job.
                sent = CompletableFuture.completedFuture(DeliveryResult.rejected(0, "cannot send: " + e));
            }
            sent.whenComplete((result, error) -> {
                DeliveryResult r = error != null ? DeliveryResult.error(error) : result;
                try {
                    answers.execute(() -> onResult(key, d, r));
                } catch (RejectedExecutionException closing) {
                    // The host is closing; the delivery is in the last checkpoint and is sent again after a restart.
                }
            });
        }
    }

    private void onResult(String key, PendingDelivery d, DeliveryResult r) {
        inFlight--;
        d.inFlight = false;
        long now = clock.getAsLong();
        switch (r.kind()) {
            case DELIVERED -> {
                outcomes.count(d.resend ? "resent" : "delivered");
                recovered();
                done(key);
            }
            case REJECTED -> {
                d.lastStatus = r.status();
                d.lastError = r.detail();
                giveUp(key, d, "rejected", now);
            }
            case RETRY -> {
                d.lastStatus = r.status();
                d.lastError = r.detail();
                long delay = r.retryAfterMillis() >= 0 ? spec.policy().pauseMillis(r.retryAfterMillis())
                        : spec.policy().backoffMillis(d.attempts, random.getAsDouble());
                if (r.status() == 429) {
                    pausedUntil = Math.max(pausedUntil, now + delay);
                }
                if (now + delay - d.queuedAt > spec.policy().maxAge().toMillis()) {
                    giveUp(key, d, "max_age", now);
                } else {
                    outcomes.count("retried");
                    failing(r);
                    timers.at(now + delay, () -> {
                        ready.add(key);
                        pump();
                    });
                }
            }
        }
        pump();
    }

    /** The head of {@code key}'s queue is done with; the next delivery of that key may go. */
    private void done(String key) {
        ArrayDeque<PendingDelivery> queue = queues.get(key);
        queue.poll();
        pending--;
        if (queue.isEmpty()) {
            queues.remove(key);
        } else {
            ready.add(key);
        }
    }

    private void giveUp(String key, PendingDelivery d, String reason, long now) {
        outcomes.count(reason.equals("rejected") ? "rejected" : "expired");
        // A re-send only kept a delivered alert alive: losing one is counted, not a failed delivery.
        if (!d.resend) {
            // The key holds a device name and the error a receiver's answer: neither may forge a log line.
            LOG.warn("Sink {}: alert {} not delivered ({}, {} attempts): {}", spec.name(), SafeText.forDisplay(d.key(), 512),
                    reason, d.attempts, SafeText.forDisplay(d.lastError, 512));
            failed.accept(FailedDelivery.of(spec.name(), reason, d.lastStatus, d.lastError, d.attempts, d.queuedAt, now, d.alert));
        }
        done(key);
    }

    /** max_pending reached: the oldest delivery not in flight goes to failed deliveries. */
    private void dropOldest() {
        for (Map.Entry<String, ArrayDeque<PendingDelivery>> e : queues.entrySet()) {
            PendingDelivery head = e.getValue().peek();
            if (head != null && !head.inFlight) {
                outcomes.count("dropped");
                failed.accept(FailedDelivery.of(spec.name(), "queue_full", head.lastStatus, head.lastError, head.attempts,
                        head.queuedAt, clock.getAsLong(), head.alert));
                done(e.getKey());
                return;
            }
        }
    }

    private void scheduleResend(long now) {
        timers.at(now + spec.policy().resendInterval().toMillis(), () -> {
            if (stopped) {
                return;
            }
            long at = clock.getAsLong();
            for (Alert a : firing.values()) {
                // Only keys with nothing on the way: a re-send must not overtake a resolve.
                if (!queues.containsKey(a.getDedupKey())) {
                    add(new PendingDelivery(a, true, at, 0));
                }
            }
            scheduleResend(at);
            pump();
        });
    }

    /** Logged once when a sink starts failing and once when it recovers, not once per retry. */
    private void failing(DeliveryResult r) {
        if (!failing) {
            failing = true;
            LOG.warn("Sink {} ({}) is failing, retrying with backoff: {}", spec.name(), spec.type(),
                    SafeText.forDisplay(r.detail(), 512));
        }
    }

    private void recovered() {
        if (failing) {
            failing = false;
            LOG.info("Sink {} delivers again; {} alerts pending", spec.name(), pending - 1);
        }
    }
}
