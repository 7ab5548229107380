package io.patchwatch.jobs.incident;

import io.patchwatch.jobs.device.DeviceFact;
import io.patchwatch.jobs.rules.Trigger;
import io.patchwatch.schemas.Alert;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;

/**
 * Runs {@link IncidentManager} and tells it where a streamed recording's clock stops. A bounded input
 * ends with a watermark at the end of time, which fires every pending deadline; a recording's reader
 * sends its clock stop (the newest accepted event) as the last watermark before that, so the last
 * watermark this operator sees before the end of time is the clock stop: anything after it is
 * dropped, as if the recording had been read whole first.
 */
public final class IncidentOperator extends KeyedCoProcessOperator<String, Trigger, DeviceFact, Alert> {
    private static final long serialVersionUID = 1L;
    private final boolean stopAtEnd;
    private long lastWatermark = Long.MIN_VALUE;

    public IncidentOperator(IncidentManager incidents, boolean stopAtEnd) {
        super(incidents);
        this.stopAtEnd = stopAtEnd;
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (stopAtEnd && mark.getTimestamp() == Long.MAX_VALUE && lastWatermark != Long.MAX_VALUE) {
            ((IncidentManager) getUserFunction()).stopClockAt(lastWatermark);
        }
        lastWatermark = mark.getTimestamp();
        super.processWatermark(mark);
    }
}
