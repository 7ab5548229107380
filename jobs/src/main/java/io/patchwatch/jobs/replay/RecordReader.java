package io.patchwatch.jobs.replay;

import io.patchwatch.connectors.adapters.RawRecord;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the records of one recorded file incrementally, as bytes (never decoded here: bytes that are
 * not UTF-8 are the adapter's to refuse, as on Kafka), holding one record at a time:
 *
 * <ul>
 *   <li>line formats: a line each (LF, a CR before it dropped; blank lines separate, they are no
 *       records), origin {@code file:line};
 *   <li>multi-line formats (raw ping output, pretty-printed JSON): the whole file, or its parts
 *       between lines of {@code =====}, origin {@code file#part}, record time the file's mtime;
 *   <li>{@code avro}: one single-object encoded record per line in base64 (a line that is not base64
 *       is kept as it is, and refused as malformed).
 * </ul>
 *
 * {@code .gz} and {@code .zst} files are decompressed on the fly. A file that ends before the size it
 * had when it was opened (truncated while the replay ran), a corrupt compressed stream or a read that
 * fails is a {@link RecordingException} naming the file and the byte offset.
 */
final class RecordReader implements Closeable {
    /** A line alone between the records of a multi-line format in one file. */
    static final byte[] SEPARATOR = Replay.RECORD_SEPARATOR.getBytes(StandardCharsets.US_ASCII);

    private final String name;
    /** The file, or null for standard input. */
    private final Path path;
    private final boolean multiLine;
    private final boolean base64;
    private final long mtime;
    private final long sizeAtOpen;
    private final CountingInputStream raw;
    private final InputStream in;
    private byte[] buf = new byte[64 * 1024];
    private int pos;
    private int limit;
    private boolean eof;
    private long line;
    private int part;
    private final int maxRecordBytes;

    private RecordReader(String name, Path path, InputStream source, long sizeAtOpen, long mtime, boolean compressed, String fileName,
                         boolean multiLine, boolean base64, int maxRecordBytes) throws IOException {
        this.name = name;
        this.path = path;
        this.multiLine = multiLine;
        this.base64 = base64;
        this.mtime = mtime;
        this.sizeAtOpen = sizeAtOpen;
        this.maxRecordBytes = maxRecordBytes;
        this.raw = new CountingInputStream(source);
        InputStream decoded = raw;
        if (compressed) {
            try {
                decoded = fileName.endsWith(".gz") ? new GZIPInputStream(raw, 64 * 1024)
                        : new com.github.luben.zstd.ZstdInputStream(new BufferedInputStream(raw, 64 * 1024));
            } catch (IOException e) {
                throw new RecordingException(name + ": not a valid " + (fileName.endsWith(".gz") ? "gzip" : "zstd")
                        + " file (at byte " + raw.count + "): " + e.getMessage());
            }
        }
        this.in = decoded;
    }

    /** Opens a file; {@code .gz} and {@code .zst} by their name. */
    static RecordReader open(Path file, boolean multiLine, boolean base64, int maxRecordBytes) {
        String display = file.toString();
        try {
            if (!Files.isRegularFile(file)) {
                throw new RecordingException("cannot read " + display + ": " + (Files.exists(file) ? "not a regular file" : "no such file"));
            }
            long size = Files.size(file);
            long mtime = Files.getLastModifiedTime(file).toMillis();
            String fileName = file.getFileName().toString();
            return new RecordReader(display, file, Files.newInputStream(file), size, mtime, isCompressed(fileName), fileName,
                    multiLine, base64, maxRecordBytes);
        } catch (NoSuchFileException e) {
            throw new RecordingException("cannot read " + display + ": no such file");
        } catch (IOException e) {
            throw new RecordingException("cannot read " + display + ": " + e.getMessage());
        }
    }

    /** Standard input ({@code -}), read as it comes: its size is unknown. */
    static RecordReader stdin(InputStream stdin, boolean multiLine, boolean base64, int maxRecordBytes) {
        try {
            return new RecordReader("stdin", null, stdin, -1, System.currentTimeMillis(), false, "-", multiLine, base64, maxRecordBytes);
        } catch (IOException e) {
            throw new RecordingException("cannot read standard input: " + e.getMessage());
        }
    }

    static boolean isCompressed(String fileName) {
        return fileName.endsWith(".gz") || fileName.endsWith(".zst");
    }

    /** Bytes of the file read so far (compressed bytes for a compressed file). */
    long bytesRead() {
        return raw.count;
    }

    /** The file's size when it was opened, or -1 (standard input). */
    long size() {
        return sizeAtOpen;
    }

    String name() {
        return name;
    }

    /** The next record, or null at the end of the file. */
    RawRecord next() {
        try {
            return multiLine ? nextPart() : nextLine();
        } catch (ZipException | EOFException e) {
            throw new RecordingException(name + ": corrupt or truncated compressed data at byte " + raw.count + ": " + e.getMessage());
        } catch (IOException e) {
            throw new RecordingException(name + ": read failed at byte " + raw.count + ": " + e.getMessage());
        } catch (RuntimeException e) {
            if (e instanceof RecordingException) {
                throw e;
            }
            // zstd-jni reports corrupt frames as unchecked exceptions
            throw new RecordingException(name + ": corrupt compressed data at byte " + raw.count + ": " + e.getMessage());
        }
    }

    private RawRecord nextLine() throws IOException {
        while (true) {
            byte[] l = readLine();
            if (l == null) {
                return null;
            }
            line++;
            if (!isBlank(l, 0, l.length)) {
                return new RawRecord(name + ":" + line, base64 ? fromBase64(l) : l);
            }
        }
    }

    private RawRecord nextPart() throws IOException {
        ByteArrayBuilder current = new ByteArrayBuilder();
        while (true) {
            byte[] l = readLine();
            boolean separator = l == null || isSeparator(l);
            if (!separator) {
                // Past twice the record limit the rest of the part is dropped: it is refused as too
                // large all the same, and memory stays bounded.
                if (current.size() <= 2L * Math.max(maxRecordBytes, 1)) {
                    if (current.size() > 0) {
                        current.write('\n');
                    }
                    current.write(l, 0, l.length);
                }
                continue;
            }
            part++;
            byte[] rec = strip(current.toByteArray());
            if (rec.length > 0) {
                return new RawRecord(name + "#" + part, rec, mtime);
            }
            if (l == null) {
                return null;
            }
            current.reset();
        }
    }

    /**
     * The next line without its LF (and a CR before it), or null at the end. A line longer than
     * twice the record limit is cut there (the rest of it skipped): it is refused as too large all
     * the same, and the reader's memory stays bounded whatever the file holds.
     */
    private byte[] readLine() throws IOException {
        ByteArrayBuilder longLine = null;
        long dropped = 0;
        int cap = Math.max(maxRecordBytes, 1) * 2;
        while (true) {
            if (pos >= limit && !fill()) {
                if (longLine == null) {
                    checkComplete();
                    return null;
                }
                checkComplete();
                return longLine.toByteArray();
            }
            int nl = indexOf(buf, pos, limit, (byte) '\n');
            int end = nl < 0 ? limit : nl;
            if (longLine == null && nl >= 0) {
                int e = end > pos && buf[end - 1] == '\r' ? end - 1 : end;
                byte[] l = Arrays.copyOfRange(buf, pos, e);
                pos = nl + 1;
                return l;
            }
            if (longLine == null) {
                longLine = new ByteArrayBuilder();
            }
            int room = cap - longLine.size();
            int take = Math.min(room, end - pos);
            if (take > 0) {
                longLine.write(buf, pos, take);
            }
            dropped += (end - pos) - Math.max(take, 0);
            pos = nl < 0 ? limit : nl + 1;
            if (nl >= 0) {
                byte[] l = longLine.toByteArray();
                if (dropped == 0 && l.length > 0 && l[l.length - 1] == '\r') {
                    l = Arrays.copyOf(l, l.length - 1);
                }
                return l;
            }
        }
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
            eof = true;
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }

    /**
     * A file shorter than when it was opened was truncated while the replay read it; one that is gone
     * was removed (or rotated away) while it was read: the recording is not what the replay began with.
     */
    private void checkComplete() {
        if (path != null && !Files.exists(path)) {
            throw new RecordingException(name + ": disappeared while it was read (at byte " + raw.count + ")");
        }
        if (sizeAtOpen >= 0 && raw.count < sizeAtOpen) {
            throw new RecordingException(name + ": truncated at byte " + raw.count + " (it had " + sizeAtOpen
                    + " bytes when the replay started)");
        }
    }

    private static int indexOf(byte[] b, int from, int to, byte x) {
        for (int i = from; i < to; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    static boolean isSeparator(byte[] line) {
        if (line.length < SEPARATOR.length) {
            return false;
        }
        for (int i = 0; i < SEPARATOR.length; i++) {
            if (line[i] != SEPARATOR[i]) {
                return false;
            }
        }
        return isBlank(line, SEPARATOR.length, line.length);
    }

    static boolean isBlank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r' && b[i] != '\n') {
                return false;
            }
        }
        return true;
    }

    static byte[] strip(byte[] b) {
        int from = 0;
        int to = b.length;
        while (from < to && isBlank(b, from, from + 1)) {
            from++;
        }
        while (to > from && isBlank(b, to - 1, to)) {
            to--;
        }
        return from == 0 && to == b.length ? b : Arrays.copyOfRange(b, from, to);
    }

    private static byte[] fromBase64(byte[] line) {
        try {
            return Base64.getDecoder().decode(strip(line));
        } catch (IllegalArgumentException e) {
            return line;
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Counts the bytes read from the file itself (progress, truncation, error offsets). */
    private static final class CountingInputStream extends FilterInputStream {
        long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            count += s;
            return s;
        }
    }

    /** A growable byte array without ByteArrayOutputStream's synchronisation. */
    private static final class ByteArrayBuilder {
        private byte[] b = new byte[256];
        private int n;

        void write(int x) {
            ensure(1);
            b[n++] = (byte) x;
        }

        void write(byte[] src, int off, int len) {
            ensure(len);
            System.arraycopy(src, off, b, n, len);
            n += len;
        }

        private void ensure(int extra) {
            if (n + extra > b.length) {
                b = Arrays.copyOf(b, Math.max(b.length * 2, n + extra));
            }
        }

        int size() {
            return n;
        }

        void reset() {
            n = 0;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(b, n);
        }
    }
}
