package io.patchwatch.jobs.replay;

import io.patchwatch.connectors.adapters.RawRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * One input of a recording, in the order the replay was given them: a file (plain, {@code .gz},
 * {@code .zst}), standard input, a sorted run written by {@link ExternalSort}, or records already in
 * memory (a test's scenario; never a file's content).
 *
 * @param index the input's place: ties in event time go to the earlier input, as in a stable sort
 * @param inOrder the input is known to be in time order (a sorted run, sorted records): no check
 */
public record RecordingSplit(int index, Kind kind, String path, List<RawRecord> records, boolean inOrder)
        implements SourceSplit, java.io.Serializable {

    public enum Kind { FILE, STDIN, RUN, RECORDS }

    public static RecordingSplit file(int index, String path) {
        return new RecordingSplit(index, Kind.FILE, path, List.of(), false);
    }

    @Override
    public String splitId() {
        return Integer.toString(index);
    }

    /** Splits go nowhere but the local reader; records of a test travel with them. */
    static final class Serializer implements SimpleVersionedSerializer<RecordingSplit> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(RecordingSplit s) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(256);
            out.writeInt(s.index);
            out.writeUTF(s.kind.name());
            out.writeUTF(s.path == null ? "" : s.path);
            out.writeBoolean(s.inOrder);
            out.writeInt(s.records.size());
            for (RawRecord r : s.records) {
                out.writeUTF(r.origin == null ? "" : r.origin);
                out.writeLong(r.timestamp);
                byte[] p = r.payload == null ? new byte[0] : r.payload;
                out.writeInt(p.length);
                out.write(p);
            }
            return out.getCopyOfBuffer();
        }

        @Override
        public RecordingSplit deserialize(int version, byte[] bytes) throws IOException {
            DataInputDeserializer in = new DataInputDeserializer(bytes);
            int index = in.readInt();
            Kind kind = Kind.valueOf(in.readUTF());
            String path = in.readUTF();
            boolean inOrder = in.readBoolean();
            int n = in.readInt();
            List<RawRecord> records = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String origin = in.readUTF();
                long ts = in.readLong();
                byte[] p = new byte[in.readInt()];
                in.readFully(p);
                records.add(new RawRecord(origin, p, ts));
            }
            return new RecordingSplit(index, kind, path, records, inOrder);
        }
    }
}
