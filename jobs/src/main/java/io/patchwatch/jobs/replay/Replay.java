package io.patchwatch.jobs.replay;

import io.patchwatch.connectors.adapters.AdapterOutput;
import io.patchwatch.connectors.adapters.DeadLetterReason;
import io.patchwatch.connectors.adapters.EventAdapter;
import io.patchwatch.jobs.JobSettings;
import io.patchwatch.jobs.PatchwatchJob;
import io.patchwatch.jobs.config.Inventory;
import io.patchwatch.jobs.config.RuleSet;
import io.patchwatch.jobs.ingest.NormalizeEvents;
import io.patchwatch.connectors.adapters.RawRecord;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.DeadLetter;
import io.patchwatch.schemas.DeviceEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.types.Either;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * Runs the job topology over recorded events with a bounded source, in event time (backtesting).
 *
 * <ol>
 *   <li>The records are read whole and, unless {@code keepOrder}, sorted by event time (stable):
 *       recorded files are the truth, whatever order they were written in. {@code keepOrder} feeds
 *       them as they would arrive live, to study out-of-order and late arrivals.
 *   <li>The clock stops at the newest accepted event: the end of a bounded input moves the
 *       watermark to the end of time, and without the stop every pending deadline would fire.
 *   <li>Alerts come back sorted by time, then device, rule and status.
 * </ol>
 *
 * Replay holds its input in memory (and ships it with the job), fine for a night of a fleet of
 * thousands; larger backtests belong on Kafka with {@code patchwatch run}.
 */
public final class Replay {
    private Replay() {}

    /** What a replay produced. */
    public record Result(List<Alert> alerts, List<DeadLetter> deadLetters, long clockStop) {}

    /** A replay input that cannot be read: the message is the one line the CLI prints. */
    public static final class InputException extends Exception {
        private static final long serialVersionUID = 1L;

        public InputException(String message) {
            super(message);
        }
    }

    public static final Comparator<Alert> ALERT_ORDER = Comparator.comparingLong(Alert::getTs)
            .thenComparing(Alert::getTenant)
            .thenComparing(a -> a.getDevice().toLowerCase(java.util.Locale.ROOT))
            .thenComparing(Alert::getRule)
            .thenComparing(Alert::getDedupKey)
            .thenComparing(Alert::getStatus);

    /** A line alone between the records of a multi-line format in one file. */
    public static final String RECORD_SEPARATOR = "=====";

    /**
     * The records of the files: a line each (blank lines are no records), or for multi-line formats
     * (raw ping output, pretty-printed JSON) the whole file, or its parts between lines of {@code
     * =====}. Records of multi-line formats take the file's modification time as their record time.
     */
    public static List<RawRecord> readRecords(List<Path> files, boolean multiLine) throws InputException {
        if (!multiLine) {
            return readLines(files);
        }
        List<RawRecord> records = new ArrayList<>();
        for (Path file : files) {
            String text;
            long mtime;
            try {
                if (!Files.isRegularFile(file)) {
                    throw new InputException("cannot read " + file + ": " + (Files.exists(file) ? "not a regular file" : "no such file"));
                }
                text = Files.readString(file, StandardCharsets.UTF_8);
                mtime = Files.getLastModifiedTime(file).toMillis();
            } catch (IOException e) {
                throw new InputException("cannot read " + file + ": " + e.getMessage());
            }
            String[] parts = text.split("(?m)^" + RECORD_SEPARATOR + "\\s*$");
            for (int i = 0; i < parts.length; i++) {
                String part = parts[i].strip();
                if (!part.isEmpty()) {
                    records.add(new RawRecord(file + "#" + (i + 1), part.getBytes(StandardCharsets.UTF_8), mtime));
                }
            }
        }
        return records;
    }

    /** Reads every line of every file (empty lines included: they are dead letters, not skipped). */
    public static List<RawRecord> readLines(List<Path> files) throws InputException {
        List<RawRecord> records = new ArrayList<>();
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new InputException("cannot read " + file + ": " + (Files.exists(file) ? "not a regular file" : "no such file"));
            }
            try (InputStream in = Files.newInputStream(file);
                    BufferedReader reader = new BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                int n = 0;
                while ((line = reader.readLine()) != null) {
                    n++;
                    if (line.isEmpty()) {
                        continue; // a trailing newline or blank separator line is not a record
                    }
                    records.add(new RawRecord(file + ":" + n, line.getBytes(StandardCharsets.UTF_8)));
                }
            } catch (IOException e) {
                throw new InputException("cannot read " + file + ": " + e.getMessage());
            }
        }
        return records;
    }

    public static Result run(
            StreamExecutionEnvironment env,
            List<RawRecord> records,
            boolean keepOrder,
            EventAdapter adapter,
            JobSettings base,
            RuleSet rules,
            Inventory inventory,
            Consumer<Alert> onAlert)
            throws Exception {
        List<RawRecord> ordered = new ArrayList<>(records);
        long[] times = eventTimes(ordered, adapter);
        if (!keepOrder) {
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < ordered.size(); i++) idx.add(i);
            idx.sort(Comparator.comparingLong(i -> times[i]));
            List<RawRecord> sorted = new ArrayList<>(ordered.size());
            long[] sortedTimes = new long[times.length];
            for (int i = 0; i < idx.size(); i++) {
                sorted.add(ordered.get(idx.get(i)));
                sortedTimes[i] = times[idx.get(i)];
            }
            ordered = sorted;
            System.arraycopy(sortedTimes, 0, times, 0, times.length);
        }
        long[] range = acceptedRange(times, base);
        JobSettings settings = base.forRecording(range[1], range[0], range[1]);

        DataStream<RawRecord> input = env.fromData(ordered, TypeInformation.of(RawRecord.class)).name("Recorded events");
        return execute(input, adapter, settings, rules, inventory, onAlert);
    }

    /**
     * Runs the topology over a bounded input until it ends; alerts are handed to {@code onAlert} as
     * they fire, and returned sorted.
     */
    public static Result execute(
            DataStream<RawRecord> input,
            EventAdapter adapter,
            JobSettings settings,
            RuleSet rules,
            Inventory inventory,
            Consumer<Alert> onAlert)
            throws Exception {
        PatchwatchJob.Outputs outputs = PatchwatchJob.defineWorkflow(input, adapter, settings, rules, inventory);
        // One output stream (alerts and dead letters) and one iterator: a second iterator could
        // still be reading when the per-job mini cluster shuts down and lose its tail.
        TypeInformation<Either<Alert, DeadLetter>> type =
                new EitherTypeInfo<>(new AvroTypeInfo<>(Alert.class), new AvroTypeInfo<>(DeadLetter.class));
        DataStream<Either<Alert, DeadLetter>> merged = outputs.alerts()
                .map(a -> Either.<Alert, DeadLetter>Left(a), type)
                .name("Alerts out")
                .union(outputs.deadLetters().map(d -> Either.<Alert, DeadLetter>Right(d), type).name("Dead letters out"));

        List<Alert> alerts = new ArrayList<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        try (CloseableIterator<Either<Alert, DeadLetter>> it = merged.executeAndCollect("patchwatch replay")) {
            while (it.hasNext()) {
                Either<Alert, DeadLetter> next = it.next();
                if (next.isLeft()) {
                    alerts.add(next.left());
                    if (onAlert != null) {
                        onAlert.accept(next.left());
                    }
                } else {
                    deadLetters.add(next.right());
                }
            }
        }
        alerts.sort(ALERT_ORDER);
        return new Result(alerts, deadLetters, settings.clockStop());
    }

    /** Event time of each record as the adapter reads it; unreadable ones sort first (they are dead letters). */
    private static long[] eventTimes(List<RawRecord> records, EventAdapter adapter) {
        long[] times = new long[records.size()];
        for (int i = 0; i < records.size(); i++) {
            long[] ts = {Long.MIN_VALUE};
            RawRecord r = records.get(i);
            adapter.parse(r.payload, r.origin, r.timestamp, new AdapterOutput() {
                @Override
                public void event(DeviceEvent e) {
                    ts[0] = ts[0] == Long.MIN_VALUE ? e.getTs() : Math.min(ts[0], e.getTs());
                }

                @Override
                public void deadLetter(DeadLetterReason reason, String field, String detail) {}
            });
            times[i] = ts[0];
        }
        return times;
    }

    /**
     * The range of event times of a recording, without its outliers: a small cluster of events (at
     * most 3, or 0.1 % of the recording, and fewer than the rest) separated from the rest by more
     * than {@code maxFuture} at the top, or {@code maxPast} at the bottom, is refused (a host with its
     * clock in 2099 or 1970). Quiet weeks inside a recording are fine. The top is the clock stop.
     */
    static long[] acceptedRange(long[] times, JobSettings settings) {
        long[] t = java.util.Arrays.stream(times).filter(x -> x != Long.MIN_VALUE).sorted().toArray();
        int n = t.length;
        if (n == 0) {
            return new long[] {Long.MIN_VALUE, Long.MIN_VALUE};
        }
        int limit = Math.max(3, n / 1000);
        int top = n - 1;
        for (int i = n - 1; i > 0 && n - i <= limit; i--) {
            if (t[i] - t[i - 1] > settings.maxFuture().toMillis() && n - i < i) {
                top = i - 1;
            }
        }
        int bottom = 0;
        for (int i = 0; i < top && i + 1 <= limit; i++) {
            if (t[i + 1] - t[i] > settings.maxPast().toMillis() && i + 1 < n - i - 1) {
                bottom = i + 1;
            }
        }
        return new long[] {t[bottom], t[top]};
    }
}
