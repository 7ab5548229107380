package io.patchwatch.connectors.sinks.delivery;

import io.patchwatch.schemas.Alert;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
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

/**
 * Flink's side of delivering alerts to one sink: the {@link DeliveryQueue} (order, retries, pauses,
 * give-up) runs on the task thread, its receiver's answers come back through the task's mailbox and
 * its timers are processing-time timers; this operator adds the checkpoint gating and the state.
 *
 * <ul>
 *   <li>An alert is handed to the queue only once the checkpoint that contains it completed (as the
 *       exactly-once alert topic commits it): an alert that a restart takes back was never sent.
 *       Every alert not yet delivered is in the checkpoint: a restart loses none. A restart repeats
 *       what was delivered after the last completed checkpoint; the receivers that keep incidents
 *       merge such a repeat by its dedup key.
 *   <li>The input must be keyed by dedup key: the checkpointed state is a union list, and each
 *       parallel instance keeps, on restore, the deliveries whose key is now its own.
 * </ul>
 */
public final class DeliveryOperator extends AbstractStreamOperator<FailedDelivery>
        implements OneInputStreamOperator<Alert, FailedDelivery>, BoundedOneInput {

    private final SinkSpec spec;
    private final boolean afterCheckpoint;
    private final ReceiverFactory receivers;

    private transient MailboxExecutor mailbox;
    private transient AlertReceiver receiver;
    private transient DeliveryQueue queue;
    private transient ListState<byte[]> state;
    /** Alerts waiting for the checkpoint that contains them to complete, by checkpoint id. */
    private transient TreeMap<Long, List<Alert>> awaitingCheckpoint;
    private transient List<Alert> sinceLastCheckpoint;
    private transient List<byte[]> restored;

    /**
     * @param afterCheckpoint hand alerts over only once their checkpoint completed (a job with
     *                        checkpoints); false: at once (no checkpoints, nothing to wait for)
     */
    public DeliveryOperator(SinkSpec spec, String version, boolean afterCheckpoint) {
        this(spec, afterCheckpoint, ReceiverFactory.fromEnvironment(version));
    }

    public DeliveryOperator(SinkSpec spec, boolean afterCheckpoint, ReceiverFactory receivers) {
        this.spec = spec;
        this.afterCheckpoint = afterCheckpoint;
        this.receivers = receivers;
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
        awaitingCheckpoint = new TreeMap<>();
        sinceLastCheckpoint = new ArrayList<>();
        MetricGroup group = getMetricGroup().addGroup("patchwatch").addGroup("sink", spec.name());
        Map<String, Counter> counters = new HashMap<>();
        for (String outcome : DeliveryQueue.OUTCOMES) {
            counters.put(outcome, group.addGroup("outcome", outcome).counter("deliveries"));
        }
        receiver = receivers.create(spec);
        Random random = new Random();
        queue = new DeliveryQueue(spec, receiver, this::now,
                (time, action) -> getProcessingTimeService().registerTimer(time, t -> action.run()),
                random::nextDouble,
                answer -> mailbox.execute(answer::run, "delivery result"),
                f -> output.collect(new StreamRecord<>(f)),
                outcome -> counters.get(outcome).inc());
        group.gauge("deliveries_pending", queue::pending);

        // Keep what was pending at the checkpoint for keys that are now this instance's.
        int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        int maxParallelism = getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks();
        int index = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        for (byte[] entry : restored) {
            String key = PendingDelivery.decode(entry).key();
            if (KeyGroupRangeAssignment.assignKeyToParallelOperator(key, maxParallelism, parallelism) == index) {
                queue.restore(entry);
            }
        }
        restored = null;
        queue.start();
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
            queue.offer(alert);
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        if (!sinceLastCheckpoint.isEmpty()) {
            awaitingCheckpoint.put(context.getCheckpointId(), sinceLastCheckpoint);
            sinceLastCheckpoint = new ArrayList<>();
        }
        List<byte[]> entries = queue.snapshot();
        long now = now();
        // Alerts still waiting for their checkpoint are in this one: restoring it means it completed.
        for (List<Alert> alerts : awaitingCheckpoint.values()) {
            for (Alert a : alerts) {
                entries.add(PendingDelivery.encode(PendingDelivery.PENDING, a, false, now, 0));
            }
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
            it.next().getValue().forEach(queue::offer);
            it.remove();
        }
    }

    /**
     * End of a bounded input (a backfill, a test): everything is released, and the task waits until
     * each alert was delivered or given up. Here, not in finish(): timers stop before finish().
     */
    @Override
    public void endInput() throws Exception {
        queue.stop();
        awaitingCheckpoint.values().forEach(alerts -> alerts.forEach(queue::offer));
        awaitingCheckpoint.clear();
        sinceLastCheckpoint.forEach(queue::offer);
        sinceLastCheckpoint.clear();
        while (queue.pending() > 0) {
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

    private long now() {
        return getProcessingTimeService().getCurrentProcessingTime();
    }
}
