package io.patchwatch.jobs.replay;

import io.patchwatch.connectors.adapters.AdapterOutput;
import io.patchwatch.connectors.adapters.Adapters;
import io.patchwatch.connectors.adapters.DeadLetterReason;
import io.patchwatch.connectors.adapters.EventAdapter;
import io.patchwatch.connectors.adapters.RawRecord;
import io.patchwatch.connectors.adapters.ValidatedAdapter;
import io.patchwatch.connectors.adapters.avro.AvroEventAdapter;
import io.patchwatch.schemas.DeviceEvent;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.flink.util.InstantiationUtil;

/**
 * {@code replay --sort}: inputs that are not in time order, sorted in bounded memory. Each input is
 * read in chunks (at most {@code chunkBytes} of records), each chunk sorted by the earliest event of
 * its records (stable; records the validation refuses first, as they carry no time) and written to a
 * run file in a temporary directory; the reader then merges the runs as it merges files. Records are
 * parsed once here for their time and once more in the job.
 */
public final class ExternalSort {
    /** Default chunk: 64 MB of records in memory at a time. */
    public static final long DEFAULT_CHUNK_BYTES = 64L * 1024 * 1024;

    private ExternalSort() {}

    /** What the sort wrote: the runs to merge, and the disk space they take. */
    public record Runs(List<RecordingSplit> splits, long bytesOnDisk, long records) {}

    private record Keyed(long key, RawRecord record) {}

    public static Runs sort(List<RecordingSplit> inputs, EventAdapter adapter, String format, int maxRecordBytes, Path dir,
                            long chunkBytes) throws IOException {
        ValidatedAdapter keys = keyAdapter(adapter, maxRecordBytes);
        boolean multiLine = Adapters.multiLine(format);
        boolean base64 = format.equals(AvroEventAdapter.NAME);
        List<RecordingSplit> runs = new ArrayList<>();
        long disk = 0;
        long records = 0;
        for (RecordingSplit input : inputs) {
            try (RecordReader reader = input.kind() == RecordingSplit.Kind.STDIN
                    ? RecordReader.stdin(System.in, multiLine, base64, maxRecordBytes)
                    : RecordReader.open(Path.of(input.path()), multiLine, base64, maxRecordBytes)) {
                List<Keyed> chunk = new ArrayList<>();
                long size = 0;
                RawRecord r;
                while ((r = reader.next()) != null) {
                    chunk.add(new Keyed(earliest(keys, r), r));
                    records++;
                    size += r.payload.length + 64;
                    if (size >= chunkBytes) {
                        disk += writeRun(chunk, dir, runs);
                        chunk.clear();
                        size = 0;
                    }
                }
                if (!chunk.isEmpty()) {
                    disk += writeRun(chunk, dir, runs);
                }
            }
        }
        return new Runs(runs, disk, records);
    }

    /** Records in memory (a test's scenario), sorted as the runs are. */
    public static List<RawRecord> sortInMemory(List<RawRecord> records, EventAdapter adapter, int maxRecordBytes) {
        ValidatedAdapter keys = keyAdapter(adapter, maxRecordBytes);
        List<Keyed> keyed = new ArrayList<>(records.size());
        for (RawRecord r : records) {
            keyed.add(new Keyed(earliest(keys, r), r));
        }
        keyed.sort(Comparator.comparingLong(Keyed::key));
        return keyed.stream().map(Keyed::record).toList();
    }

    private static ValidatedAdapter keyAdapter(EventAdapter adapter, int maxRecordBytes) {
        try {
            // A copy: adapters that remember (a machine's renames) start the job fresh.
            return ValidatedAdapter.of(InstantiationUtil.clone(adapter), maxRecordBytes);
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("cannot copy the adapter", e);
        }
    }

    private static long earliest(ValidatedAdapter adapter, RawRecord r) {
        long[] t = {Long.MAX_VALUE};
        ValidatedAdapter.Outcome o = adapter.parseRecord(r.payload, r.origin, r.timestamp, new AdapterOutput() {
            @Override
            public void event(DeviceEvent e) {
                t[0] = Math.min(t[0], e.getTs());
            }

            @Override
            public void deadLetter(DeadLetterReason reason, String field, String detail) {}
        });
        return o == ValidatedAdapter.Outcome.ACCEPTED ? t[0] : Long.MIN_VALUE;
    }

    private static long writeRun(List<Keyed> chunk, Path dir, List<RecordingSplit> runs) throws IOException {
        chunk.sort(Comparator.comparingLong(Keyed::key));
        Path file = dir.resolve("run-" + runs.size() + ".bin");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
            for (Keyed k : chunk) {
                RawRecord r = k.record();
                out.writeUTF(r.origin);
                out.writeLong(r.timestamp);
                out.writeInt(r.payload.length);
                out.write(r.payload);
            }
        }
        runs.add(new RecordingSplit(runs.size(), RecordingSplit.Kind.RUN, file.toString(), List.of(), true));
        return Files.size(file);
    }

    /** The records of a run, read as they are needed. */
    static Iterator<RawRecord> readRun(Path file) {
        DataInputStream in;
        try {
            in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
        } catch (IOException e) {
            throw new RecordingException("cannot read the sorted run " + file + ": " + e.getMessage());
        }
        return new Iterator<>() {
            RawRecord next = read();

            private RawRecord read() {
                try {
                    String origin = in.readUTF();
                    long ts = in.readLong();
                    byte[] p = new byte[in.readInt()];
                    in.readFully(p);
                    return new RawRecord(origin, p, ts);
                } catch (EOFException e) {
                    close();
                    return null;
                } catch (IOException e) {
                    close();
                    throw new UncheckedIOException(e);
                }
            }

            private void close() {
                try {
                    in.close();
                } catch (IOException ignored) {
                    // read to its end
                }
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public RawRecord next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                RawRecord r = next;
                next = read();
                return r;
            }
        };
    }
}
