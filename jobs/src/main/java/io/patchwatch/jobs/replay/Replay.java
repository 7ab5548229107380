package io.patchwatch.jobs.replay;

import io.patchwatch.connectors.adapters.Adapters;
import io.patchwatch.connectors.adapters.EventAdapter;
import io.patchwatch.connectors.adapters.RawRecord;
import io.patchwatch.connectors.adapters.avro.AvroEventAdapter;
import io.patchwatch.connectors.adapters.canonical.CanonicalJsonAdapter;
import io.patchwatch.connectors.adapters.rmm.TacticalRmmAdapter;
import io.patchwatch.jobs.settings.JobSettings;
import io.patchwatch.jobs.fact.JobTags;
import io.patchwatch.jobs.PatchwatchJob;
import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.jobs.live.RuleVersions;
import io.patchwatch.jobs.ingest.EventTimeLimits;
import io.patchwatch.jobs.noise.HeldIncident;
import io.patchwatch.jobs.status.DeviceStatusStream;
import io.patchwatch.jobs.status.StatusChange;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.DeviceStatus;
import io.patchwatch.schemas.DeadLetter;
import io.patchwatch.schemas.DeviceEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * Runs the job topology over recorded events in event time (backtesting), streaming: the recording's
 * files are read by a bounded FLIP-27 source ({@link RecordingSource}) one record at a time, parsed
 * once, merged by event time and handed to the same topology as live events; neither the input nor
 * the job graph holds the recording.
 *
 * <ol>
 *   <li>Each input is read in its own order and the inputs are merged by event time; an input out of
 *       order beyond the out-of-orderness stops the replay with the line that says so, unless the
 *       recording was sorted first ({@link ExternalSort}, {@code --sort}). {@code keepOrder} feeds
 *       the inputs as they would arrive live, to study out-of-order and late arrivals.
 *   <li>The clock stops at the newest accepted event: the reader's last watermark before the end of
 *       the input (a bounded input then moves the watermark to the end of time, and without the stop
 *       every pending deadline would fire).
 *   <li>Alerts come out as they are final, in time order (then device, rule and status), also to a
 *       {@link Listener} while the replay runs; alerts before {@code from} are not reported: the
 *       events before it only warm up device state.
 * </ol>
 *
 * Every record is accounted for ({@link Counts}).
 */
public final class Replay {
    private Replay() {}

    /** At most this many dead letters are kept in a {@link Result} (all of them go to the listener). */
    public static final int MAX_DEAD_LETTERS_KEPT = 10_000;

    /**
     * What a replay produced.
     *
     * @param deadLetters the first {@link #MAX_DEAD_LETTERS_KEPT}; {@code counts.deadLetters()} has them all
     * @param counts what became of each input record: accepted + skipped + dead letters (+ after
     *     {@code --to}) = records
     */
    public record Result(List<Alert> alerts, List<DeadLetter> deadLetters, long clockStop, Counts counts, List<HeldIncident> held) {}

    /** Every input record, accounted for. */
    public record Counts(long records, long accepted, long skipped, long deadLetters, long afterRange, long events, long bytesRead) {
        public static final Counts UNKNOWN = new Counts(-1, -1, -1, -1, 0, -1, -1);

        public Counts(long records, long accepted, long skipped, long deadLetters) {
            this(records, accepted, skipped, deadLetters, 0, -1, -1);
        }
    }

    /**
     * A recording to replay.
     *
     * @param inputs in the order given (ties in event time go to the earlier input)
     * @param keepOrder read the inputs one after the other, as they are (no merge, no order check)
     * @param from alerts before this are not reported (Long.MIN_VALUE: all)
     * @param to records after this are not read (Long.MAX_VALUE: all)
     * @param progressId where the reader reports its progress ({@link ReplayProgress}), or null
     */
    public record Recording(List<RecordingSplit> inputs, boolean keepOrder, long from, long to, String progressId,
                            java.util.Map<String, String> feeds) {
        public static Recording of(List<RecordingSplit> inputs, boolean keepOrder) {
            return new Recording(inputs, keepOrder, Long.MIN_VALUE, Long.MAX_VALUE, null, java.util.Map.of());
        }
    }

    /** Sees alerts and dead letters as the replay produces them. */
    public interface Listener {
        void alert(Alert alert) throws IOException;

        default void deadLetter(DeadLetter deadLetter) throws IOException {}

        /** A held incident's step (held, paged, closed), as noise control decides it. */
        default void held(HeldIncident held) throws IOException {}

        /** Whether the replay also keeps every device's status (FLEET.md, Patch status). */
        default boolean wantsStatus() {
            return false;
        }

        /**
         * A device's status changed, or it was forgotten (only when {@link #wantsStatus}); the newest
         * per device is its final one.
         */
        default void status(StatusChange change) throws IOException {}
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

    /** When an alert was sent: a firing at its {@code paged_at} (after a hold or group_wait), a resolve at its time. */
    public static long sentAt(Alert a) {
        Long paged = a.getContext().getPagedAt();
        return a.getStatus() == io.patchwatch.schemas.AlertStatus.firing && paged != null ? paged : a.getTs();
    }

    /** The order alerts are sent in (what {@code replay --out} writes), then {@link #ALERT_ORDER}. */
    public static final Comparator<Alert> SENT_ORDER = Comparator.comparingLong(Replay::sentAt).thenComparing(ALERT_ORDER);

    /** Held incidents' steps in time order, then by incident, held before its end. */
    public static final Comparator<HeldIncident> HELD_ORDER = Comparator.comparingLong((HeldIncident h) -> h.ts)
            .thenComparing(h -> h.dedupKey)
            .thenComparing(h -> h.step);

    /** A line alone between the records of a multi-line format in one file. */
    public static final String RECORD_SEPARATOR = "=====";

    /**
     * The records of files, read whole into memory (tests, small recordings): the same records a
     * replay reads as it streams ({@link RecordReader}).
     */
    public static List<RawRecord> readRecords(List<Path> files, String format) throws InputException {
        List<RawRecord> records = new ArrayList<>();
        for (Path file : files) {
            try (RecordReader reader = RecordReader.open(file, Adapters.multiLine(format), format.equals(AvroEventAdapter.NAME),
                    Integer.MAX_VALUE / 2)) {
                RawRecord r;
                while ((r = reader.next()) != null) {
                    records.add(r);
                }
            } catch (RecordingException e) {
                throw new InputException(e.getMessage());
            } catch (IOException e) {
                throw new InputException("cannot read " + file + ": " + e.getMessage());
            }
        }
        return records;
    }

    /** {@link #readRecords(List, String)} by whether the format spans lines (tests of one format). */
    public static List<RawRecord> readRecords(List<Path> files, boolean multiLine) throws InputException {
        return readRecords(files, multiLine ? TacticalRmmAdapter.NAME : CanonicalJsonAdapter.NAME);
    }

    /**
     * Records in memory (a test's scenario): sorted by event time unless {@code keepOrder}, as a
     * recording replayed with {@code --sort}.
     */
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
        return run(env, records, keepOrder, adapter, base, new RuleVersions(rules), inventory, onAlert);
    }

    /** As above, with the rules versions a live job had. */
    public static Result run(
            StreamExecutionEnvironment env,
            List<RawRecord> records,
            boolean keepOrder,
            EventAdapter adapter,
            JobSettings base,
            RuleVersions rules,
            Inventory inventory,
            Consumer<Alert> onAlert)
            throws Exception {
        List<RawRecord> ordered = keepOrder ? records : ExternalSort.sortInMemory(records, adapter, base.maxRecordBytes());
        RecordingSplit split = new RecordingSplit(0, RecordingSplit.Kind.RECORDS, "", ordered, true);
        return run(env, Recording.of(List.of(split), keepOrder), adapter, base, rules, inventory,
                onAlert == null ? null : a -> onAlert.accept(a));
    }

    /** Replays a recording; alerts and dead letters also go to {@code listener} as they come. */
    public static Result run(
            StreamExecutionEnvironment env,
            Recording recording,
            EventAdapter adapter,
            JobSettings base,
            RuleSet rules,
            Inventory inventory,
            Listener listener)
            throws Exception {
        return run(env, recording, adapter, base, new RuleVersions(rules), inventory, listener);
    }

    /**
     * As above, with the rules versions a live job had (a rules topic's record): each decision uses
     * the version in force at its event time, as the live job did.
     */
    public static Result run(
            StreamExecutionEnvironment env,
            Recording recording,
            EventAdapter adapter,
            JobSettings base,
            RuleVersions rules,
            Inventory inventory,
            Listener listener)
            throws Exception {
        JobSettings settings = base.streamedRecording();
        // The reader hands on a new object per item and no operator chained behind it keeps or
        // changes what it receives: without reuse Flink deep-copies every event between the reader
        // and its splitter (a tenth of the reader's thread).
        env.getConfig().enableObjectReuse();
        RecordingSource source = new RecordingSource(recording.inputs(), adapter, new RecordingSource.Options(
                recording.keepOrder(), base.outOfOrderness().toMillis(), EventTimeLimits.of(settings), base.maxPast().toMillis(),
                JobSettings.RECORDING_OUTLIER_GAP.toMillis(), recording.to(), base.maxRecordBytes(), recording.progressId(), recording.feeds()));
        SingleOutputStreamOperator<DeviceEvent> events = env
                .fromSource(source, WatermarkStrategy.noWatermarks(), "Recording", RecordingSource.type())
                .setParallelism(1)
                .uid("recording")
                .process(new SplitRecording(), new AvroTypeInfo<>(DeviceEvent.class))
                .setParallelism(1)
                .uid("recording-split")
                .name("Events of the recording");
        boolean status = listener != null && listener.wantsStatus();
        PatchwatchJob.Outputs outputs = status
                ? PatchwatchJob.defineDetectionWithStatus(events, events.getSideOutput(JobTags.DEAD_LETTERS), settings, rules, null, inventory)
                : PatchwatchJob.defineDetection(events, events.getSideOutput(JobTags.DEAD_LETTERS), settings, rules, null, inventory);

        TypeInformation<ReplayOutput> type = TypeInformation.of(ReplayOutput.class);
        DataStream<ReplayOutput> merged = outputs.alerts()
                .transform("Alerts in time order", new AvroTypeInfo<>(Alert.class), new AlertOrder())
                .setParallelism(1)
                .map(ReplayOutput::of, type)
                .setParallelism(1)
                .name("Alerts out")
                .union(outputs.deadLetters().map(ReplayOutput::of, type).name("Dead letters out"),
                        events.getSideOutput(SplitRecording.TOTALS).map(ReplayOutput::of, type).name("Totals out"),
                        outputs.held().map(ReplayOutput::of, type).name("Held incidents out"));
        if (status) {
            // Every change: the listener keeps the newest per device (a replay has no status topic to spare).
            merged = merged.union(DeviceStatusStream.define(outputs, inventory, settings, Duration.ZERO)
                    .map(ReplayOutput::of, type).name("Device status out"));
        }

        List<Alert> alerts = new ArrayList<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        List<HeldIncident> held = new ArrayList<>();
        ReaderTotals totals = null;
        try (CloseableIterator<ReplayOutput> it = merged.executeAndCollect("patchwatch replay")) {
            while (it.hasNext()) {
                ReplayOutput next = it.next();
                if (next.alert != null) {
                    Alert a = next.alert;
                    if (a.getTs() < recording.from()) {
                        continue;
                    }
                    alerts.add(a);
                    if (listener != null) {
                        listener.alert(a);
                    }
                } else if (next.deadLetter != null) {
                    if (deadLetters.size() < MAX_DEAD_LETTERS_KEPT) {
                        deadLetters.add(next.deadLetter);
                    }
                    if (listener != null) {
                        listener.deadLetter(next.deadLetter);
                    }
                } else if (next.status != null) {
                    listener.status(next.status);
                } else if (next.held != null) {
                    if (next.held.firedAt < recording.from()) {
                        continue;
                    }
                    held.add(next.held);
                    if (listener != null) {
                        listener.held(next.held);
                    }
                } else {
                    totals = next.totals;
                }
            }
        }
        alerts.sort(ALERT_ORDER);
        if (totals == null) {
            throw new IllegalStateException("the recording's reader ended without its totals");
        }
        if (totals.failure != null) {
            // The alerts up to the failure went to the listener.
            throw new RecordingException(totals.failure);
        }
        held.sort(HELD_ORDER);
        return new Result(alerts, deadLetters, totals.clockStop, new Counts(totals.records, totals.accepted, totals.skipped,
                totals.deadLetters, totals.afterRange, totals.events, totals.bytesRead), held);
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
        TypeInformation<ReplayOutput> type = TypeInformation.of(ReplayOutput.class);
        DataStream<ReplayOutput> merged = outputs.alerts()
                .map(ReplayOutput::of, type)
                .name("Alerts out")
                .union(outputs.deadLetters().map(ReplayOutput::of, type).name("Dead letters out"),
                        outputs.held().map(ReplayOutput::of, type).name("Held incidents out"));

        List<Alert> alerts = new ArrayList<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        List<HeldIncident> held = new ArrayList<>();
        try (CloseableIterator<ReplayOutput> it = merged.executeAndCollect("patchwatch replay")) {
            while (it.hasNext()) {
                ReplayOutput next = it.next();
                if (next.alert != null) {
                    alerts.add(next.alert);
                    if (onAlert != null) {
                        onAlert.accept(next.alert);
                    }
                } else if (next.deadLetter != null) {
                    deadLetters.add(next.deadLetter);
                } else if (next.held != null) {
                    held.add(next.held);
                }
            }
        }
        alerts.sort(ALERT_ORDER);
        held.sort(HELD_ORDER);
        return new Result(alerts, deadLetters, settings.clockStop(), Counts.UNKNOWN, held);
    }

}
