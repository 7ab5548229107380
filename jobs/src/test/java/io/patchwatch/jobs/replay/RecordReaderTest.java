package io.patchwatch.jobs.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchwatch.connectors.adapters.RawRecord;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a recorded file becomes records, read one at a time. */
class RecordReaderTest {
    @TempDir
    Path dir;

    @Test
    void linesAreRecordsAndBlankLinesSeparateThem() throws Exception {
        Path file = dir.resolve("a.jsonl");
        Files.writeString(file, "{\"a\":1}\r\n\n  \n{\"b\":2}\n{\"c\":3}");

        List<String> records = read(file, false);

        assertThat(records).containsExactly("a.jsonl:1 {\"a\":1}", "a.jsonl:4 {\"b\":2}", "a.jsonl:5 {\"c\":3}");
    }

    @Test
    void multiLineRecordsAreThePartsBetweenSeparators() throws Exception {
        Path file = dir.resolve("ping.txt");
        Files.writeString(file, "PING a\n64 bytes\n=====\n\n=====  \nPING b\n");

        List<String> records = read(file, true);

        assertThat(records).containsExactly("ping.txt#1 PING a\n64 bytes", "ping.txt#3 PING b");
    }

    @Test
    void aFileCutShortWhileItIsReadIsAnErrorNamingTheByte() throws Exception {
        Path file = dir.resolve("big.jsonl");
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 300_000) {
            sb.append("{\"ts\":\"2026-11-10T02:00:00Z\",\"device\":\"SRV-01\",\"kind\":\"heartbeat\"}\n");
        }
        Files.writeString(file, sb);
        try (RecordReader reader = RecordReader.open(file, false, false, 1 << 20)) {
            assertThat(reader.next()).isNotNull();
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(150_000);
            }
            assertThatThrownBy(() -> {
                while (reader.next() != null) {
                    // read on to the end
                }
            }).isInstanceOf(RecordingException.class)
                    .hasMessageContaining(file + ": truncated at byte 150000")
                    .hasMessageContaining(Long.toString(sb.length()));
        }
    }

    @Test
    void aFileRemovedWhileItIsReadIsAnError() throws Exception {
        Path file = dir.resolve("rotated.jsonl");
        Files.writeString(file, "{\"a\":1}\n{\"b\":2}\n");
        try (RecordReader reader = RecordReader.open(file, false, false, 1 << 20)) {
            assertThat(reader.next()).isNotNull();
            Files.delete(file);
            assertThatThrownBy(() -> {
                while (reader.next() != null) {
                    // read on to the end
                }
            }).isInstanceOf(RecordingException.class).hasMessageContaining(file + ": disappeared while it was read");
        }
    }

    @Test
    void aLineFarBeyondTheRecordLimitIsCutAndTheRestStillRead() throws Exception {
        Path file = dir.resolve("huge.jsonl");
        Files.writeString(file, "x".repeat(200_000) + "\n{\"after\":1}\n"); // beyond the read buffer

        List<RawRecord> records = new ArrayList<>();
        try (RecordReader reader = RecordReader.open(file, false, false, 1000)) {
            RawRecord r;
            while ((r = reader.next()) != null) {
                records.add(r);
            }
        }

        assertThat(records).hasSize(2);
        assertThat(records.get(0).payload.length).isEqualTo(2000); // still too large: refused as such
        assertThat(new String(records.get(1).payload, StandardCharsets.UTF_8)).isEqualTo("{\"after\":1}");
    }

    private static List<String> read(Path file, boolean multiLine) {
        List<String> out = new ArrayList<>();
        try (RecordReader reader = RecordReader.open(file, multiLine, false, 1 << 20)) {
            RawRecord r;
            while ((r = reader.next()) != null) {
                out.add(r.origin.substring(r.origin.lastIndexOf('/') + 1) + " " + new String(r.payload, StandardCharsets.UTF_8));
            }
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return out;
    }
}
