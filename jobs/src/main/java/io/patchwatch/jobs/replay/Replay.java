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
import io.patchwatch.connectors.adapters.Adapters;
import io.patchwatch.connectors.adapters.ValidatedAdapter;
import io.patchwatch.connectors.adapters.avro.AvroEventAdapter;
import io.patchwatch.connectors.adapters.canonical.CanonicalJsonAdapter;
import io.patchwatch.connectors.adapters.rmm.TacticalRmmAdapter;
import io.patchwatch.jobs.ingest.EventTimeLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import org.apache.flink.util.InstantiationUtil;
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
 * Every record is accounted for ({@link Counts}). Replay holds its input in memory (and ships it
 * with the job), fine for a night of a fleet of thousands; larger backtests belong on Kafka with
 * {@code patchwatch run}.
 */
public final class Replay {
    private Replay() {}

    /**
     * What a replay produced.
     *
     * @param counts what became of each input record: accepted + skipped + dead letters = records
     */
    public record Result(List<Alert> alerts, List<DeadLetter> deadLetters, long clockStop, Counts counts) {}

    /** Every input record, accounted for. */
    public record Counts(long records, long accepted, long skipped, long deadLetters) {
        public static final Counts UNKNOWN = new Counts(-1, -1, -1, -1);
    }

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
     * The records of the files as bytes, never decoded here (bytes that are not UTF-8 are the
     * adapter's to refuse, as on Kafka): for line formats a line each (blank lines separate, they are
     * no records); for multi-line formats (raw ping output, pretty-printed JSON) the whole file, or its
     * parts between lines of {@code =====}, with the file's modification time as their record time;
     * for {@code avro} one single-object encoded record per line in base64 (a line that is not base64
     * is kept as it is, and refused as malformed).
     */
    public static List<RawRecord> readRecords(List<Path> files, String format) throws InputException {
        List<RawRecord> records = new ArrayList<>();
        boolean multiLine = Adapters.multiLine(format);
        boolean base64 = format.equals(AvroEventAdapter.NAME);
        for (Path file : files) {
            byte[] bytes;
            long mtime;
            try {
                if (!Files.isRegularFile(file)) {
                    throw new InputException("cannot read " + file + ": " + (Files.exists(file) ? "not a regular file" : "no such file"));
                }
                bytes = Files.readAllBytes(file);
                mtime = Files.getLastModifiedTime(file).toMillis();
            } catch (IOException | OutOfMemoryError e) {
                throw new InputException("cannot read " + file + ": " + e.getMessage());
            }
            List<byte[]> lines = lines(bytes);
            if (!multiLine) {
                for (int i = 0; i < lines.size(); i++) {
                    byte[] line = lines.get(i);
                    if (!isBlank(line, 0, line.length)) {
                        records.add(new RawRecord(file + ":" + (i + 1), base64 ? fromBase64(line) : line));
                    }
                }
                continue;
            }
            int part = 0;
            ByteArrayOutputStream current = new ByteArrayOutputStream();
            for (int i = 0; i <= lines.size(); i++) {
                boolean separator = i == lines.size() || isSeparator(lines.get(i));
                if (!separator) {
                    if (current.size() > 0) {
                        current.write('\n');
                    }
                    current.writeBytes(lines.get(i));
                    continue;
                }
                part++;
                byte[] rec = strip(current.toByteArray());
                if (rec.length > 0) {
                    records.add(new RawRecord(file + "#" + part, rec, mtime));
                }
                current.reset();
            }
        }
        return records;
    }

    /** {@link #readRecords(List, String)} by whether the format spans lines (tests of one format). */
    public static List<RawRecord> readRecords(List<Path> files, boolean multiLine) throws InputException {
        return readRecords(files, multiLine ? TacticalRmmAdapter.NAME : CanonicalJsonAdapter.NAME);
    }

    /** Splits at LF; a CR before it is dropped. */
    private static List<byte[]> lines(byte[] b) {
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= b.length; i++) {
            if (i == b.length || b[i] == '\n') {
                if (i == b.length && start == b.length) {
                    break;
                }
                int end = i > start && b[i - 1] == '\r' ? i - 1 : i;
                lines.add(java.util.Arrays.copyOfRange(b, start, end));
                start = i + 1;
            }
        }
        return lines;
    }

    private static boolean isSeparator(byte[] line) {
        byte[] sep = RECORD_SEPARATOR.getBytes(StandardCharsets.US_ASCII);
        if (line.length < sep.length) {
            return false;
        }
        for (int i = 0; i < sep.length; i++) {
            if (line[i] != sep[i]) {
                return false;
            }
        }
        return isBlank(line, sep.length, line.length);
    }

    private static boolean isBlank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r' && b[i] != '\n') {
                return false;
            }
        }
        return true;
    }

    private static byte[] strip(byte[] b) {
        int from = 0;
        int to = b.length;
        while (from < to && isBlank(b, from, from + 1)) {
            from++;
        }
        while (to > from && isBlank(b, to - 1, to)) {
            to--;
        }
        return java.util.Arrays.copyOfRange(b, from, to);
    }

    private static byte[] fromBase64(byte[] line) {
        try {
            return Base64.getDecoder().decode(strip(line));
        } catch (IllegalArgumentException e) {
            return line;
        }
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
        // 1. What the validation makes of each record, and its event time (the earliest of its
        //    events): refused records count as dead letters and take no part in the clock stop.
        RecordTimes times = recordTimes(records, adapter, base);
        List<RawRecord> ordered = new ArrayList<>(records);
        long[] sortKey = times.earliest.clone();
        if (!keepOrder) {
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < ordered.size(); i++) idx.add(i);
            idx.sort(Comparator.comparingLong(i -> times.earliest[i]));
            List<RawRecord> sorted = new ArrayList<>(ordered.size());
            for (int i = 0; i < idx.size(); i++) {
                sorted.add(ordered.get(idx.get(i)));
                sortKey[i] = times.earliest[idx.get(i)];
            }
            ordered = sorted;
        }
        // 2. The range of the recording without its outliers: its top is the clock stop.
        long from = acceptedRange(times.earliest, base)[0];
        long until = acceptedRange(times.latest, base)[1];
        JobSettings settings = base.forRecording(until, from, until);
        Counts counts = times.count(from, until);

        DataStream<RawRecord> input = env.fromData(ordered, TypeInformation.of(RawRecord.class)).name("Recorded events");
        Result r = execute(input, adapter, settings, rules, inventory, onAlert);
        return new Result(r.alerts(), r.deadLetters(), r.clockStop(), counts);
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
        return new Result(alerts, deadLetters, settings.clockStop(), Counts.UNKNOWN);
    }

    /** Per record: what the validation made of it and its earliest and latest event time. */
    private record RecordTimes(ValidatedAdapter.Outcome[] outcomes, long[] earliest, long[] latest) {
        /** Refused records (and those outside the range) have no times: Long.MIN_VALUE. */
        Counts count(long from, long until) {
            long accepted = 0;
            long skipped = 0;
            long dead = 0;
            for (int i = 0; i < outcomes.length; i++) {
                if (outcomes[i] == ValidatedAdapter.Outcome.SKIPPED) {
                    skipped++;
                } else if (outcomes[i] == ValidatedAdapter.Outcome.ACCEPTED && earliest[i] >= from && latest[i] <= until) {
                    accepted++;
                } else {
                    dead++;
                }
            }
            return new Counts(outcomes.length, accepted, skipped, dead);
        }
    }

    private static RecordTimes recordTimes(List<RawRecord> records, EventAdapter adapter, JobSettings settings) throws IOException {
        ValidatedAdapter validated;
        try {
            // A copy: adapters that remember (the last inventory of a device) start the job fresh.
            validated = ValidatedAdapter.of(InstantiationUtil.clone(adapter), settings.maxRecordBytes());
        } catch (ClassNotFoundException e) {
            throw new IOException(e);
        }
        EventTimeLimits limits = EventTimeLimits.of(settings);
        long now = System.currentTimeMillis();
        int n = records.size();
        RecordTimes t = new RecordTimes(new ValidatedAdapter.Outcome[n], new long[n], new long[n]);
        for (int i = 0; i < n; i++) {
            long[] range = {Long.MAX_VALUE, Long.MIN_VALUE};
            RawRecord r = records.get(i);
            t.outcomes[i] = validated.parseRecord(r.payload, r.origin, r.timestamp, new AdapterOutput() {
                @Override
                public void event(DeviceEvent e) {
                    range[0] = Math.min(range[0], e.getTs());
                    range[1] = Math.max(range[1], e.getTs());
                }

                @Override
                public void deadLetter(DeadLetterReason reason, String field, String detail) {}
            });
            boolean timed = t.outcomes[i] == ValidatedAdapter.Outcome.ACCEPTED && !limits.tooFarAhead(range[1], now);
            t.earliest[i] = timed ? range[0] : Long.MIN_VALUE;
            t.latest[i] = timed ? range[1] : Long.MIN_VALUE;
        }
        return t;
    }

    /**
     * The range of event times of a recording, without its outliers: a small cluster of events (at
     * most 3, or 0.1 % of the recording, and fewer than the rest) separated from the rest by more
     * than {@link JobSettings#RECORDING_OUTLIER_GAP} at the top, or {@code maxPast} at the bottom, is refused (a host with its
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
            if (t[i] - t[i - 1] > JobSettings.RECORDING_OUTLIER_GAP.toMillis() && n - i < i) {
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
