package io.patchwatch.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recordings people have, through {@code patchwatch replay} as a user runs it: files merged by
 * time, compressed files, directories, standard input, files out of order (refused, then sorted with
 * {@code --sort}), a time range, and files that are corrupt or cut short (exit 2, the file and the
 * byte named, the alerts before the damage kept in {@code --out}).
 */
class ReplayInputsITCase {
    /** SRV-01 installs at 02:01 and falls silent; OTHER heartbeats every minute until 03:00. */
    private static final String OFFLINE_ALERT = "\"rule\":\"offline-after-patch\",\"status\":\"firing\",\"ts\":\"2026-11-10T02:11:00Z\"";

    @TempDir
    Path dir;

    @Test
    void filesMergeByTimeWhateverTheirCompression() throws Exception {
        // Heartbeats in one file, the patch log in another: read one after the other, the install
        // would come after an hour of heartbeats; merged by time, it is decided in order.
        Path heartbeats = write("heartbeats.jsonl.gz", heartbeats(0, 60));
        Path patches = write("patches.jsonl.zst", List.of(patch()));

        Run r = replay("--events", heartbeats.toString(), patches.toString());

        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).hasSize(1);
        assertThat(r.out.get(0)).contains(OFFLINE_ALERT);
        assertThat(r.err).contains("replayed 62 records: 62 accepted, 0 skipped");
    }

    @Test
    void alertsComeOutInTimeOrderFromEveryParallelInstance() throws Exception {
        // 24 monitored devices install a second apart and fall silent; one device's heartbeats move time a
        // minute at a time, so every deadline falls due at once in both instances of the incidents.
        List<String> lines = new ArrayList<>();
        for (int d = 0; d < 24; d++) {
            lines.add(String.format("{\"ts\":\"2026-11-10T02:00:%02dZ\",\"tenant\":\"acme\",\"device\":\"SRV-%02d\","
                    + "\"kind\":\"heartbeat\"}", d, d));
        }
        for (int d = 0; d < 24; d++) {
            lines.add(String.format("{\"ts\":\"2026-11-10T02:01:%02dZ\",\"tenant\":\"acme\",\"device\":\"SRV-%02d\","
                    + "\"kind\":\"patch_installed\",\"kb\":\"KB5044284\"}", d, d));
        }
        lines.addAll(heartbeats(2, 30));
        Path file = write("fleet.jsonl", lines);

        Run r = replay("--events", file.toString());

        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).hasSize(24);
        List<String> times = r.out.stream().map(l -> l.substring(l.indexOf("\"ts\":"), l.indexOf("\"ts\":") + 26)).toList();
        assertThat(times).isSorted();
    }

    @Test
    void aDirectoryIsEveryFileInIt() throws Exception {
        Path recording = Files.createDirectories(dir.resolve("night"));
        write("night/1-heartbeats.jsonl", heartbeats(0, 60));
        write("night/2-patches.jsonl.gz", List.of(patch()));
        write("night/.hidden", List.of("not a record"));

        Run r = replay("--events", recording.toString());

        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).singleElement().asString().contains(OFFLINE_ALERT);
    }

    @Test
    void aDirectoryOfMixedFormatsIsRefusedNamingTheFile() throws Exception {
        Path recording = Files.createDirectories(dir.resolve("mixed"));
        write("mixed/a.jsonl", heartbeats(0, 5));
        write("mixed/b.xml", List.of("<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"></Event>"));

        Run r = replay("--events", recording.toString());

        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("b.xml").contains("canonical-json");
    }

    @Test
    void standardInputIsReadAsItComes() throws Exception {
        List<String> lines = new ArrayList<>(heartbeats(0, 60));
        lines.add(1, patch());
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8)));
            Run r = replay("--events", "-");
            assertThat(r.exit).as(r.err).isZero();
            assertThat(r.out).singleElement().asString().contains(OFFLINE_ALERT);
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void aFileOutOfOrderIsRefusedWithItsLineAndSortedWithSort() throws Exception {
        List<String> lines = new ArrayList<>(heartbeats(0, 60));
        lines.add(patch()); // the install at 02:01 written after the heartbeats until 03:00
        Path file = write("unsorted.jsonl", lines);

        Run refused = replay("--events", file.toString());
        Run sorted = replay("--events", file.toString(), "--sort");

        assertThat(refused.exit).isEqualTo(2);
        assertThat(refused.err).contains(file + ":62 is not in time order").contains("--sort");
        assertThat(sorted.exit).as(sorted.err).isZero();
        assertThat(sorted.out).singleElement().asString().contains(OFFLINE_ALERT);
        assertThat(sorted.err).contains("sorted 62 records into 1 runs");
    }

    @Test
    void fromAndToSelectATimeRange() throws Exception {
        Path heartbeats = write("heartbeats.jsonl", heartbeats(0, 60));
        Path patches = write("patches.jsonl", List.of(patch()));

        // Before 02:11 the alert is not reported, though the install before it warms the state up.
        Run after = replay("--events", heartbeats.toString(), patches.toString(), "--from", "2026-11-10T02:12:00Z");
        Run within = replay("--events", heartbeats.toString(), patches.toString(), "--from", "2026-11-10T02:05:00Z");
        // Until 02:08 the clock never reaches the deadline.
        Run until = replay("--events", heartbeats.toString(), patches.toString(), "--to", "2026-11-10T02:08:00Z");

        assertThat(after.out).isEmpty();
        assertThat(within.out).singleElement().asString().contains(OFFLINE_ALERT);
        assertThat(until.exit).as(until.err).isZero();
        assertThat(until.out).isEmpty();
        assertThat(until.err).contains("stopped at --to");
    }

    @Test
    void aCorruptGzipStopsTheReplayNamingTheFileAndKeepsTheAlertsBeforeIt() throws Exception {
        // Two hours of heartbeats after the install: the alert at 02:11 is decided long before the
        // file breaks off.
        List<String> lines = new ArrayList<>(heartbeats(0, 120));
        lines.add(1, patch());
        byte[] gz = gzip(lines);
        Path file = dir.resolve("cut.jsonl.gz");
        Files.write(file, Arrays.copyOf(gz, gz.length * 3 / 4));
        Path out = dir.resolve("alerts.jsonl");

        Run r = replay("--events", file.toString(), "--out", out.toString());

        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains(file.toString()).containsPattern("at byte \\d+");
        assertThat(Files.readAllLines(out)).singleElement().asString().contains(OFFLINE_ALERT);
    }

    @Test
    void aFileThatIsNotThereIsNamed() throws Exception {
        Run r = replay("--events", dir.resolve("missing.jsonl").toString());

        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("missing.jsonl: no such file");
    }

    private static List<String> heartbeats(int fromMinute, int toMinute) {
        List<String> lines = new ArrayList<>();
        for (int m = fromMinute; m <= toMinute; m++) {
            lines.add(String.format("{\"ts\":\"2026-11-10T%02d:%02d:00Z\",\"tenant\":\"acme\",\"device\":\"%s\",\"kind\":\"heartbeat\"}",
                    2 + m / 60, m % 60, m == 0 ? "SRV-01" : "OTHER"));
        }
        return lines;
    }

    private static String patch() {
        return "{\"ts\":\"2026-11-10T02:01:00Z\",\"tenant\":\"acme\",\"device\":\"SRV-01\",\"kind\":\"patch_installed\",\"kb\":\"KB5044284\"}";
    }

    private Path write(String name, List<String> lines) throws IOException {
        Path file = dir.resolve(name);
        byte[] text = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        if (name.endsWith(".gz")) {
            Files.write(file, gzip(lines));
        } else if (name.endsWith(".zst")) {
            try (OutputStream z = new ZstdOutputStream(Files.newOutputStream(file))) {
                z.write(text);
            }
        } else {
            Files.write(file, text);
        }
        return file;
    }

    private static byte[] gzip(List<String> lines) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    private record Run(int exit, List<String> out, String err) {}

    private Run replay(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] argv = new String[args.length + 3];
        argv[0] = "replay";
        System.arraycopy(args, 0, argv, 1, args.length);
        argv[args.length + 1] = "--parallelism";
        argv[args.length + 2] = "2";
        int exit = PatchwatchCli.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String o = out.toString(StandardCharsets.UTF_8);
        return new Run(exit, o.isBlank() ? List.of() : List.of(o.strip().split("\n")), err.toString(StandardCharsets.UTF_8));
    }
}
