package io.patchwatch.connectors.sinks.delivery;

import io.patchwatch.connectors.text.SafeText;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers alerts to one sink, without ever holding the job up.
 *
 * <ul>
 *   <li>Requests are asynchronous, at most {@code max_in_flight} at a time; their answers come back
 *       through the task's mailbox, so all bookkeeping happens on the task thread.
 *   <li>Per dedup key, deliveries go one at a time and in order (a resolve never overtakes its
 *       firing alert); different incidents do not wait for each other.
 *   <li>Retries: exponential backoff with jitter on 5xx, timeouts and connection errors; a 429
 *       pauses the whole sink for its Retry-After. A 4xx other than 429 is not retried, and an alert
 *       not delivered within {@code max_age} is given up: both go out as a {@link FailedDelivery}.
 *   <li>An alert is handed to the receiver only once the checkpoint that contains it completed
 *       (as the exactly-once alert topic commits it): an alert that a restart takes back was never
 *       sent. Every alert not yet delivered is in the checkpoint: a restart loses none. A restart
 *       repeats what was delivered after the last completed checkpoint; the receivers that keep
 *       incidents merge such a repeat by its dedup key.
 *   <li>With a resend interval (Alertmanager), firing alerts are sent again until resolved.
 * </ul>
 *
 * The input must be keyed by dedup key: the checkpointed state is a union list, and each parallel
 * instance keeps, on restore, the deliveries whose key is now its own.
 */
public final class DeliveryOperator extends AbstractStreamOperator<FailedDelivery>
        implements OneInputStreamOperator<Alert, FailedDelivery>, BoundedOneInput {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryOperator.class);

    private final SinkSpec spec;
    private final String version;
    private final boolean afterCheckpoint;

    private transient MailboxExecutor mailbox;
    private transient AlertReceiver receiver;
    private transient ListState<byte[]> state;
    private transient Random random;
    /** Deliveries per dedup key, in arrival order; the head is the one being sent or waiting to be. */
    private transient LinkedHashMap<String, ArrayDeque<PendingDelivery>> queues;
    /** Keys whose head may be sent now. */
    private transient ArrayDeque<String> ready;
    /** Firing alerts to re-send, by dedup key (only with a resend interval). */
    private transient LinkedHashMap<String, Alert> firing;
    /** Alerts waiting for the checkpoint that contains them to complete, by checkpoint id. */
    private transient TreeMap<Long, List<Alert>> awaitingCheckpoint;
    private transient List<Alert> sinceLastCheckpoint;
    private transient List<byte[]> restored;
    private transient int pending;
    private transient int inFlight;
    private transient long pausedUntil;
    private transient boolean pauseTimerSet;
    private transient boolean failing;
    /** The input ended: no more re-sends, so that waiting for the pending deliveries can end. */
    private transient boolean inputEnded;
    private transient Map<String, Counter> outcomes;

    /**
     * @param afterCheckpoint hand alerts over only once their checkpoint completed (a job with
     *                        checkpoints); false: at once (no checkpoints, nothing to wait for)
     */
    public DeliveryOperator(SinkSpec spec, String version, boolean afterCheckpoint) {
        this.spec = spec;
        this.version = version;
        this.afterCheckpoint = afterCheckpoint;
    }

    @Override
    public void setMailboxExecutor(MailboxExecutor mailboxExecutor) {
        super.setMailboxExecutor(mailboxExecutor);
        this.mailbox = mailboxExecutor;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        state = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("deliveries-" + spec.name(), PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        restored = new ArrayList<>();
        if (context.isRestored()) {
            for (byte[] blob : state.get()) {
                restored.addAll(PendingDelivery.unpack(blob));
            }
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        random = new Random();
        queues = new LinkedHashMap<>();
        ready = new ArrayDeque<>();
        firing = new LinkedHashMap<>();
        awaitingCheckpoint = new TreeMap<>();
        sinceLastCheckpoint = new ArrayList<>();
        MetricGroup group = getMetricGroup().addGroup("patchwatch").addGroup("sink", spec.name());
        outcomes = new HashMap<>();
        for (String outcome : List.of("delivered", "resent", "retried", "rejected", "expired", "dropped")) {
            outcomes.put(outcome, group.addGroup("outcome", outcome).counter("deliveries"));
        }
        group.gauge("deliveries_pending", () -> pending);
        receiver = Receivers.create(spec, System.getenv(), version);

        // Keep what was pending at the checkpoint for keys that are now this instance's.
        long now = now();
        int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        int maxParallelism = getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks();
        int index = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        for (byte[] entry : restored) {
            PendingDelivery d = PendingDelivery.decode(entry);
            if (KeyGroupRangeAssignment.assignKeyToParallelOperator(d.key(), maxParallelism, parallelism) != index) {
                continue;
            }
            if (PendingDelivery.kind(entry) == PendingDelivery.FIRING) {
                firing.put(d.key(), d.alert);
            } else {
                add(d);
            }
        }
        restored = null;
        if (!spec.policy().resendInterval().isZero()) {
            scheduleResend(now);
        }
        pump();
    }

    @Override
    public void processElement(StreamRecord<Alert> element) {
        Alert alert = element.getValue();
        if (!spec.route().matches(alert)) {
            return;
        }
        if (afterCheckpoint) {
            sinceLastCheckpoint.add(alert);
        } else {
            release(alert);
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        if (!sinceLastCheckpoint.isEmpty()) {
            awaitingCheckpoint.put(context.getCheckpointId(), sinceLastCheckpoint);
            sinceLastCheckpoint = new ArrayList<>();
        }
        List<byte[]> entries = new ArrayList<>(pending + firing.size());
        for (ArrayDeque<PendingDelivery> queue : queues.values()) {
            for (PendingDelivery d : queue) {
                entries.add(d.encode());
            }
        }
        long now = now();
        // Alerts still waiting for their checkpoint are in this one: restoring it means it completed.
        for (List<Alert> alerts : awaitingCheckpoint.values()) {
            for (Alert a : alerts) {
                entries.add(PendingDelivery.encode(PendingDelivery.PENDING, a, false, now, 0));
            }
        }
        for (Alert a : firing.values()) {
            entries.add(PendingDelivery.encode(PendingDelivery.FIRING, a, false, now, 0));
        }
        // One blob per instance: a union list state keeps an offset per element in the checkpoint's
        // metadata, which would grow with every pending delivery.
        state.update(List.of(PendingDelivery.pack(entries)));
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        Iterator<Map.Entry<Long, List<Alert>>> it = awaitingCheckpoint.headMap(checkpointId, true).entrySet().iterator();
        while (it.hasNext()) {
            it.next().getValue().forEach(this::release);
            it.remove();
        }
        pump();
    }

    /**
     * End of a bounded input (a backfill, a test): everything is released, and the task waits until
     * each alert was delivered or given up. Here, not in finish(): timers stop before finish().
     */
    @Override
    public void endInput() throws Exception {
        inputEnded = true;
        awaitingCheckpoint.values().forEach(alerts -> alerts.forEach(this::release));
        awaitingCheckpoint.clear();
        sinceLastCheckpoint.forEach(this::release);
        sinceLastCheckpoint.clear();
        pump();
        while (pending > 0) {
            mailbox.yield();
        }
    }

    @Override
    public void close() throws Exception {
        if (receiver != null) {
            receiver.close();
        }
        super.close();
    }

    private void release(Alert alert) {
        if (!spec.policy().resendInterval().isZero()) {
            if (alert.getStatus() == AlertStatus.firing) {
                firing.put(alert.getDedupKey(), alert);
            } else {
                firing.remove(alert.getDedupKey());
            }
        }
        add(new PendingDelivery(alert, false, now(), 0));
        if (pending > spec.policy().maxPending()) {
            dropOldest();
        }
        pump();
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
        long now = now();
        if (now < pausedUntil) {
            if (!pauseTimerSet && !ready.isEmpty()) {
                pauseTimerSet = true;
                getProcessingTimeService().registerTimer(pausedUntil, t -> {
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
                    mailbox.execute(() -> onResult(key, d, r), "delivery result");
                } catch (RejectedExecutionException closing) {
                    // The task is closing; the delivery is in the last checkpoint and is sent again after a restart.
                }
            });
        }
    }

    private void onResult(String key, PendingDelivery d, DeliveryResult r) {
        inFlight--;
        d.inFlight = false;
        long now = now();
        switch (r.kind()) {
            case DELIVERED -> {
                outcomes.get(d.resend ? "resent" : "delivered").inc();
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
                        : spec.policy().backoffMillis(d.attempts, random.nextDouble());
                if (r.status() == 429) {
                    pausedUntil = Math.max(pausedUntil, now + delay);
                }
                if (now + delay - d.queuedAt > spec.policy().maxAge().toMillis()) {
                    giveUp(key, d, "max_age", now);
                } else {
                    outcomes.get("retried").inc();
                    failing(r);
                    getProcessingTimeService().registerTimer(now + delay, t -> {
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
        outcomes.get(reason.equals("rejected") ? "rejected" : "expired").inc();
        // A re-send only kept a delivered alert alive: losing one is counted, not a failed delivery.
        if (!d.resend) {
            // The key holds a device name and the error a receiver's answer: neither may forge a log line.
            LOG.warn("Sink {}: alert {} not delivered ({}, {} attempts): {}", spec.name(), SafeText.forDisplay(d.key(), 512),
                    reason, d.attempts, SafeText.forDisplay(d.lastError, 512));
            output.collect(new StreamRecord<>(FailedDelivery.of(spec.name(), reason, d.lastStatus, d.lastError,
                    d.attempts, d.queuedAt, now, d.alert)));
        }
        done(key);
    }

    /** max_pending reached: the oldest delivery not in flight goes to failed deliveries. */
    private void dropOldest() {
        for (Map.Entry<String, ArrayDeque<PendingDelivery>> e : queues.entrySet()) {
            PendingDelivery head = e.getValue().peek();
            if (head != null && !head.inFlight) {
                outcomes.get("dropped").inc();
                output.collect(new StreamRecord<>(FailedDelivery.of(spec.name(), "queue_full", head.lastStatus,
                        head.lastError, head.attempts, head.queuedAt, now(), head.alert)));
                done(e.getKey());
                return;
            }
        }
    }

    private void scheduleResend(long now) {
        getProcessingTimeService().registerTimer(now + spec.policy().resendInterval().toMillis(), t -> {
            if (inputEnded) {
                return;
            }
            long at = now();
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
            LOG.warn("Sink {} ({}) is failing, retrying with backoff: {}", spec.name(), spec.type().configName(),
                    SafeText.forDisplay(r.detail(), 512));
        }
    }

    private void recovered() {
        if (failing) {
            failing = false;
            LOG.info("Sink {} delivers again; {} alerts pending", spec.name(), pending - 1);
        }
    }

    private long now() {
        return getProcessingTimeService().getCurrentProcessingTime();
    }
}
