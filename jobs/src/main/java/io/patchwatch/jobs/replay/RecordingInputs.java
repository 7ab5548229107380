package io.patchwatch.jobs.replay;

import io.patchwatch.connectors.adapters.Adapters;
import io.patchwatch.connectors.adapters.RawRecord;
import io.patchwatch.connectors.adapters.avro.AvroEventAdapter;
import io.patchwatch.connectors.adapters.windows.WindowsXmlAdapter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What {@code replay --events} names, as the recording's inputs in order: a file (plain, {@code
 * .gz}, {@code .zst}), a directory (every file in it, by name; hidden files left out), or {@code -}
 * for standard input (assumed in time order: it cannot be read twice).
 *
 * <p>{@code --format} applies to every file: a directory whose files are not all of that kind (JSON
 * where XML is expected, XML where lines of text are) is refused with the first such file named,
 * rather than turning a whole file into dead letters.
 */
public final class RecordingInputs {
    private RecordingInputs() {}

    public static List<RecordingSplit> expand(List<String> names, String format) {
        List<RecordingSplit> splits = new ArrayList<>();
        for (String name : names) {
            if (name.equals("-")) {
                splits.add(new RecordingSplit(splits.size(), RecordingSplit.Kind.STDIN, "-", List.of(), true));
                continue;
            }
            Path path = Path.of(name);
            if (!Files.isDirectory(path)) {
                if (!Files.isRegularFile(path)) {
                    throw new RecordingException("cannot read " + name + ": " + (Files.exists(path) ? "not a regular file" : "no such file"));
                }
                splits.add(RecordingSplit.file(splits.size(), name));
                continue;
            }
            List<Path> files;
            try (Stream<Path> list = Files.list(path)) {
                files = list.filter(Files::isRegularFile)
                        .filter(p -> !p.getFileName().toString().startsWith("."))
                        .sorted()
                        .toList();
            } catch (IOException e) {
                throw new RecordingException("cannot list " + name + ": " + e.getMessage());
            }
            if (files.isEmpty()) {
                throw new RecordingException(name + " holds no files to replay");
            }
            for (Path f : files) {
                checkKind(f, format);
                splits.add(RecordingSplit.file(splits.size(), f.toString()));
            }
        }
        return splits;
    }

    /** The kinds of content: what the first record of a file starts with. */
    enum Kind { JSON, XML, TEXT }

    private static void checkKind(Path file, String format) {
        Kind kind;
        try (RecordReader reader = RecordReader.open(file, Adapters.multiLine(format), false, 1 << 20)) {
            RawRecord first = reader.next();
            if (first == null) {
                return;
            }
            kind = kindOf(first.payload);
        } catch (IOException e) {
            throw new RecordingException("cannot read " + file + ": " + e.getMessage());
        }
        List<Kind> expected = expected(format);
        if (!expected.contains(kind)) {
            throw new RecordingException(file + " holds " + kind + ", not " + format + " records: a directory is replayed"
                    + " with one --format; replay the files of each format apart");
        }
    }

    static Kind kindOf(byte[] payload) {
        for (byte b : payload) {
            if (b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == (byte) 0xEF || b == (byte) 0xBB || b == (byte) 0xBF) {
                continue; // blanks and a UTF-8 byte order mark
            }
            return b == '{' || b == '[' ? Kind.JSON : b == '<' ? Kind.XML : Kind.TEXT;
        }
        return Kind.TEXT;
    }

    private static List<Kind> expected(String format) {
        return switch (format) {
            case WindowsXmlAdapter.NAME -> List.of(Kind.XML);
            case AvroEventAdapter.NAME -> List.of(Kind.TEXT); // base64 lines
            case io.patchwatch.connectors.adapters.ping.PingOutputAdapter.NAME -> List.of(Kind.TEXT);
            case io.patchwatch.connectors.adapters.nagios.NagiosHostCheckAdapter.NAME -> List.of(Kind.JSON, Kind.TEXT);
            default -> List.of(Kind.JSON);
        };
    }
}
