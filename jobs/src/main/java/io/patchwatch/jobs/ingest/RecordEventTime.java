package io.patchwatch.jobs.ingest;

import io.patchwatch.connectors.adapters.EventAdapter;
import io.patchwatch.connectors.adapters.RawRecord;
import io.patchwatch.connectors.adapters.ValidatedAdapter;
import io.patchwatch.schemas.DeviceEvent;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;

/**
 * The event time of a raw record, read through its format's adapter with the shared validation, so
 * that a Kafka source can keep a watermark per partition (a fast topic or partition must not make a
 * slow one late). The earliest event of a record counts. A record the validation refuses, or whose
 * time is beyond {@link EventTimeLimits} (ahead of the wall clock), has none (Long.MIN_VALUE) and so
 * cannot move the watermark: it will be a dead letter. The verdict stays on the record ({@link
 * RawRecord#verdict}) for {@link NormalizeEvents}, chained behind the source, to hand on: each record
 * is parsed once. A format that remembers between records (its memory is the parser's, checkpointed
 * there) is parsed here for its time only, and again by the parser.
 */
public final class RecordEventTime implements SerializableTimestampAssigner<RawRecord> {
    private static final long serialVersionUID = 1L;
    private final ValidatedAdapter adapter;
    private final EventTimeLimits limits;

    public RecordEventTime(EventAdapter adapter, EventTimeLimits limits, int maxRecordBytes) {
        this.adapter = ValidatedAdapter.of(adapter, maxRecordBytes);
        this.limits = limits;
    }

    @Override
    public long extractTimestamp(RawRecord record, long recordTimestamp) {
        ValidatedAdapter.Verdict verdict = adapter.verdict(record.payload == null ? new byte[0] : record.payload, record.origin,
                record.timestamp);
        if (adapter.memory() == null) {
            record.verdict = verdict;
        }
        long ts = Long.MIN_VALUE;
        for (DeviceEvent e : verdict.events()) {
            ts = ts == Long.MIN_VALUE ? e.getTs() : Math.min(ts, e.getTs());
        }
        if (ts != Long.MIN_VALUE && limits.tooFarAhead(ts, System.currentTimeMillis())) {
            return Long.MIN_VALUE; // NormalizeEvents makes it a dead letter
        }
        return ts;
    }
}
