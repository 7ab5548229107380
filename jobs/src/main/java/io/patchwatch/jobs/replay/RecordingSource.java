package io.patchwatch.jobs.replay;

import io.patchwatch.connectors.adapters.EventAdapter;
import io.patchwatch.schemas.DeadLetter;
import io.patchwatch.schemas.DeviceEvent;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.types.Either;

/**
 * A recording as a bounded FLIP-27 source: every input (file, standard input, sorted run) is a split,
 * read incrementally by {@link RecordingReader}, which parses each record once, merges the inputs by
 * event time and emits events with their timestamps and watermarks, dead letters beside them, and
 * its {@link ReaderTotals} at the end.
 *
 * <p>The enumerator gives every split to one reader: merging by time needs every input's next record
 * in one place, and so do the recording's outliers and its clock stop (the newest accepted event).
 * Readers on separate inputs would run apart in event time and make the per-device operators buffer
 * whatever one of them read ahead. The rest of the job runs at the job's parallelism.
 */
public final class RecordingSource implements Source<Either<DeviceEvent, Either<DeadLetter, ReaderTotals>>, RecordingSplit, List<RecordingSplit>> {
    private static final long serialVersionUID = 1L;

    /** How the reader treats time; serializable with the job. */
    public record Options(
            boolean keepOrder,
            long outOfOrdernessMs,
            io.patchwatch.jobs.ingest.EventTimeLimits limits,
            long maxPastMs,
            long outlierGapMs,
            long to,
            int maxRecordBytes,
            String progressId,
            java.util.Map<String, String> feeds)
            implements Serializable {}

    private final List<RecordingSplit> splits;
    private final EventAdapter adapter;
    private final Options options;

    public RecordingSource(List<RecordingSplit> splits, EventAdapter adapter, Options options) {
        this.splits = List.copyOf(splits);
        this.adapter = adapter;
        this.options = options;
    }

    /** The source's output: events, or dead letters, or the reader's totals. */
    public static TypeInformation<Either<DeviceEvent, Either<DeadLetter, ReaderTotals>>> type() {
        return new EitherTypeInfo<>(new AvroTypeInfo<>(DeviceEvent.class),
                new EitherTypeInfo<>(new AvroTypeInfo<>(DeadLetter.class), totalsType()));
    }

    public static PojoTypeInfo<ReaderTotals> totalsType() {
        return (PojoTypeInfo<ReaderTotals>) TypeExtractor.createTypeInfo(ReaderTotals.class);
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public SourceReader<Either<DeviceEvent, Either<DeadLetter, ReaderTotals>>, RecordingSplit> createReader(SourceReaderContext ctx) {
        return new RecordingReader(ctx, adapter, options);
    }

    @Override
    public SplitEnumerator<RecordingSplit, List<RecordingSplit>> createEnumerator(SplitEnumeratorContext<RecordingSplit> ctx) {
        return new Enumerator(ctx, new ArrayList<>(splits));
    }

    @Override
    public SplitEnumerator<RecordingSplit, List<RecordingSplit>> restoreEnumerator(
            SplitEnumeratorContext<RecordingSplit> ctx, List<RecordingSplit> checkpoint) {
        return new Enumerator(ctx, new ArrayList<>(checkpoint));
    }

    @Override
    public SimpleVersionedSerializer<RecordingSplit> getSplitSerializer() {
        return new RecordingSplit.Serializer();
    }

    @Override
    public SimpleVersionedSerializer<List<RecordingSplit>> getEnumeratorCheckpointSerializer() {
        return new CheckpointSerializer();
    }

    /** Every split to reader 0 when it registers; other readers (if any) get none. */
    static final class Enumerator implements SplitEnumerator<RecordingSplit, List<RecordingSplit>> {
        private final SplitEnumeratorContext<RecordingSplit> ctx;
        private final List<RecordingSplit> unassigned;

        Enumerator(SplitEnumeratorContext<RecordingSplit> ctx, List<RecordingSplit> unassigned) {
            this.ctx = ctx;
            this.unassigned = unassigned;
        }

        @Override
        public void start() {}

        @Override
        public void handleSplitRequest(int subtaskId, String requesterHostname) {}

        @Override
        public void addSplitsBack(List<RecordingSplit> splits, int subtaskId) {
            unassigned.addAll(splits);
        }

        @Override
        public void addReader(int subtaskId) {
            if (subtaskId == 0) {
                for (RecordingSplit s : unassigned) {
                    ctx.assignSplit(s, 0);
                }
                unassigned.clear();
            }
            ctx.signalNoMoreSplits(subtaskId);
        }

        @Override
        public List<RecordingSplit> snapshotState(long checkpointId) {
            return new ArrayList<>(unassigned);
        }

        @Override
        public void close() {}
    }

    static final class CheckpointSerializer implements SimpleVersionedSerializer<List<RecordingSplit>> {
        private final RecordingSplit.Serializer split = new RecordingSplit.Serializer();

        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(List<RecordingSplit> splits) throws IOException {
            org.apache.flink.core.memory.DataOutputSerializer out = new org.apache.flink.core.memory.DataOutputSerializer(256);
            out.writeInt(splits.size());
            for (RecordingSplit s : splits) {
                byte[] b = split.serialize(s);
                out.writeInt(b.length);
                out.write(b);
            }
            return out.getCopyOfBuffer();
        }

        @Override
        public List<RecordingSplit> deserialize(int version, byte[] bytes) throws IOException {
            org.apache.flink.core.memory.DataInputDeserializer in = new org.apache.flink.core.memory.DataInputDeserializer(bytes);
            int n = in.readInt();
            List<RecordingSplit> splits = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte[] b = new byte[in.readInt()];
                in.readFully(b);
                splits.add(split.deserialize(version, b));
            }
            return splits;
        }
    }
}
