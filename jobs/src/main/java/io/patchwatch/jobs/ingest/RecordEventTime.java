package io.patchwatch.jobs.ingest;

import io.patchwatch.connectors.adapters.AdapterOutput;
import io.patchwatch.connectors.adapters.DeadLetterReason;
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
 * cannot move the watermark: it will be a dead letter. Parsing twice costs about a microsecond a
 * record; a late event costs an alert.
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
        long[] ts = {Long.MIN_VALUE};
        adapter.parseRecord(record.payload == null ? new byte[0] : record.payload, record.origin, record.timestamp,
                new AdapterOutput() {
                    @Override
                    public void event(DeviceEvent e) {
                        ts[0] = ts[0] == Long.MIN_VALUE ? e.getTs() : Math.min(ts[0], e.getTs());
                    }

                    @Override
                    public void deadLetter(DeadLetterReason reason, String field, String detail) {}
                });
        if (ts[0] != Long.MIN_VALUE && limits.tooFarAhead(ts[0], System.currentTimeMillis())) {
            return Long.MIN_VALUE; // NormalizeEvents makes it a dead letter
        }
        return ts[0];
    }
}
