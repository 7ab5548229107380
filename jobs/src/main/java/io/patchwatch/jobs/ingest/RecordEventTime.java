package io.patchwatch.jobs.ingest;

import io.patchwatch.connectors.adapters.AdapterOutput;
import io.patchwatch.connectors.adapters.DeadLetterReason;
import io.patchwatch.connectors.adapters.EventAdapter;
import io.patchwatch.connectors.adapters.RawRecord;
import io.patchwatch.schemas.DeviceEvent;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;

/**
 * The event time of a raw record, read through its format's adapter, so that a Kafka source can
 * keep a watermark per partition (a fast topic or partition must not make a slow one late). The
 * earliest event of a record counts; a record the adapter refuses has none (Long.MIN_VALUE).
 * Parsing twice costs about a microsecond a record; a late event costs an alert.
 */
public final class RecordEventTime implements SerializableTimestampAssigner<RawRecord> {
    private static final long serialVersionUID = 1L;
    private final EventAdapter adapter;

    public RecordEventTime(EventAdapter adapter) {
        this.adapter = adapter;
    }

    @Override
    public long extractTimestamp(RawRecord record, long recordTimestamp) {
        long[] ts = {Long.MIN_VALUE};
        try {
            adapter.parse(record.payload == null ? new byte[0] : record.payload, record.origin, record.timestamp,
                    new AdapterOutput() {
                        @Override
                        public void event(DeviceEvent e) {
                            ts[0] = ts[0] == Long.MIN_VALUE ? e.getTs() : Math.min(ts[0], e.getTs());
                        }

                        @Override
                        public void deadLetter(DeadLetterReason reason, String field, String detail) {}
                    });
        } catch (RuntimeException e) {
            return Long.MIN_VALUE; // NormalizeEvents turns it into a dead letter
        }
        return ts[0];
    }
}
