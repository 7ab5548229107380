package io.patchwatch.jobs.eventtime;

import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;

/**
 * Runs a keyed function whose clock stops where a streamed recording's does. A bounded input ends
 * with a watermark at the end of time, which fires every pending timer; a recording's reader sends
 * its clock stop (the newest accepted event) as the last watermark before that, so the last
 * watermark seen before the end of time is the clock stop: the function drops what comes after it,
 * as if the recording had been read whole first.
 */
public class StopAtEndOperator<K, I1, I2, O> extends KeyedCoProcessOperator<K, I1, I2, O> {
    private static final long serialVersionUID = 1L;

    /** A function told where the clock stops. */
    public interface Stoppable {
        void stopClockAt(long stop);
    }

    private final boolean stopAtEnd;
    private long lastWatermark = Long.MIN_VALUE;

    /** @param stopAtEnd the clock stop is learnt at the end of the input (else it is known, or none) */
    public <F extends KeyedCoProcessFunction<K, I1, I2, O> & Stoppable> StopAtEndOperator(F function, boolean stopAtEnd) {
        super(function);
        this.stopAtEnd = stopAtEnd;
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (stopAtEnd && mark.getTimestamp() == Long.MAX_VALUE && lastWatermark != Long.MAX_VALUE) {
            ((Stoppable) getUserFunction()).stopClockAt(lastWatermark);
        }
        lastWatermark = mark.getTimestamp();
        super.processWatermark(mark);
    }
}
