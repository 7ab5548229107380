package io.patchwatch.jobs.replay;

import io.patchwatch.jobs.fact.JobTags;
import io.patchwatch.schemas.DeadLetter;
import io.patchwatch.schemas.DeviceEvent;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** The recording's items apart: events on (with their timestamps), dead letters and totals aside. */
final class SplitRecording extends ProcessFunction<Either<DeviceEvent, Either<DeadLetter, ReaderTotals>>, DeviceEvent> {
    private static final long serialVersionUID = 1L;
    static final OutputTag<ReaderTotals> TOTALS = new OutputTag<>("recording-totals", RecordingSource.totalsType());

    @Override
    public void processElement(Either<DeviceEvent, Either<DeadLetter, ReaderTotals>> item, Context ctx, Collector<DeviceEvent> out) {
        if (item.isLeft()) {
            out.collect(item.left());
        } else if (item.right().isLeft()) {
            ctx.output(JobTags.DEAD_LETTERS, item.right().left());
        } else {
            ctx.output(TOTALS, item.right().right());
        }
    }
}
