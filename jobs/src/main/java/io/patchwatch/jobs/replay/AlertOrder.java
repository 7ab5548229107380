package io.patchwatch.jobs.replay;

import io.patchwatch.schemas.Alert;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * A replay's alerts in the order they are sent, as they become final: noise control's parallel
 * instances emit them in any interleaving, but every alert sent at or before a watermark has arrived
 * when the watermark does (an alert is emitted before the watermark that sends it is passed on), so
 * at each watermark the alerts sent up to it are sorted ({@link Replay#SENT_ORDER}) and let go. A
 * page held or waiting group_wait comes out when it was sent ({@code context.paged_at}), its {@code
 * ts} still when it fired. Runs with parallelism 1; it holds only the alerts not yet final.
 */
final class AlertOrder extends AbstractStreamOperator<Alert> implements OneInputStreamOperator<Alert, Alert> {
    private static final long serialVersionUID = 1L;
    private transient List<StreamRecord<Alert>> held;

    @Override
    public void open() throws Exception {
        super.open();
        held = new ArrayList<>();
    }

    @Override
    public void processElement(StreamRecord<Alert> element) {
        held.add(element.copy(element.getValue()));
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (!held.isEmpty()) {
            List<StreamRecord<Alert>> due = new ArrayList<>();
            List<StreamRecord<Alert>> later = new ArrayList<>();
            for (StreamRecord<Alert> r : held) {
                (Replay.sentAt(r.getValue()) <= mark.getTimestamp() ? due : later).add(r);
            }
            due.sort((a, b) -> Replay.SENT_ORDER.compare(a.getValue(), b.getValue()));
            for (StreamRecord<Alert> r : due) {
                output.collect(r);
            }
            held = later;
        }
        super.processWatermark(mark);
    }
}
