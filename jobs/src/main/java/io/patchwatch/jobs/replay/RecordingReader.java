package io.patchwatch.jobs.replay;

import io.patchwatch.connectors.adapters.DeadLetterReason;
import io.patchwatch.connectors.adapters.DeadLetters;
import io.patchwatch.connectors.adapters.EventAdapter;
import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.connectors.adapters.RawRecord;
import io.patchwatch.connectors.adapters.Refusal;
import io.patchwatch.connectors.adapters.ValidatedAdapter;
import io.patchwatch.schemas.DeadLetter;
import io.patchwatch.schemas.DeviceEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.base.source.reader.synchronization.FutureCompletingBlockingQueue;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.types.Either;
import org.apache.flink.util.InstantiationUtil;

/**
 * Reads a recording's inputs one record at a time and hands the job its events in event-time order:
 *
 * <ol>
 *   <li><b>Parse once</b>: every record goes through the format's adapter with the shared validation
 *       here; refused records become dead letters at once, skipped ones are counted. Reading and
 *       merging run on a prefetch thread, parsing on a thread per core ahead of it ({@link
 *       ParseAhead}, in each input's order); the prefetch thread hands batches to the task's thread,
 *       which emits them (and serialises the events for the shuffle to the devices).
 *   <li><b>Merge by time</b>: each input is read in its own order and the inputs are merged by the
 *       earliest event of their next record (ties to the earlier input, then the earlier record: the
 *       order of a stable sort). A record more than the out-of-orderness behind an earlier record of
 *       its own input means the input is not in time order: the replay stops and says which line, and
 *       that {@code --sort} replays it ({@link ExternalSort}). {@code keepOrder} reads the inputs one
 *       after the other as they are, to study late arrivals.
 *   <li><b>Outliers</b> ({@link RecordingRange}): a few events far from the rest of the recording (a
 *       host whose clock was reset) are dead letters and move neither the watermark nor the clock
 *       stop; so are events ahead of the wall clock.
 *   <li><b>Time</b>: watermarks trail the newest emitted event by the out-of-orderness, emitted as
 *       event time advances by a second (one per record with {@code keepOrder}: lateness must not
 *       depend on the machine's speed); at the end one last watermark at the clock stop, the newest
 *       accepted event, before the source ends. The incidents read it as the end of the clock
 *       ({@link io.patchwatch.jobs.incident.IncidentOperator}).
 * </ol>
 */
final class RecordingReader implements SourceReader<Either<DeviceEvent, Either<DeadLetter, ReaderTotals>>, RecordingSplit> {
    /** Watermarks are emitted when event time moved on by this much (merged inputs). */
    static final long WATERMARK_STEP_MS = 1000;
    private static final int BATCH = 1024;
    private static final int QUEUED_BATCHES = 16;

    private final ValidatedAdapter adapter;
    private final RecordingSource.Options options;
    private final List<RecordingSplit> splits = new ArrayList<>();
    private final CompletableFuture<Void> splitsArrived = new CompletableFuture<>();
    private final ArrayDeque<Either<DeviceEvent, Either<DeadLetter, ReaderTotals>>> ready = new ArrayDeque<>();
    private final ReaderTotals totals = new ReaderTotals();
    private final RecordingRange range;
    private final ReplayProgress progress;
    private final List<Input> inputs = new ArrayList<>();
    /** Parsed, merged items from the prefetch thread, a batch at a time; an empty batch ends them. */
    private final FutureCompletingBlockingQueue<List<Either<DeviceEvent, Either<DeadLetter, ReaderTotals>>>> batches =
            new FutureCompletingBlockingQueue<>(QUEUED_BATCHES);
    private Thread prefetch;
    private volatile Throwable prefetchFailure;
    /**
     * Where records are parsed ahead of the merge (see {@link ParseAhead}): a thread per core but
     * one, which the job's own operators need (on 2 cores a second parser gained nothing measurable).
     */
    private final ExecutorService parsers = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors() - 1), r -> {
        Thread t = new Thread(r, "Recording parser");
        t.setDaemon(true);
        return t;
    });
    private final java.util.function.Supplier<ValidatedAdapter> adapterOfThread;
    private List<Either<DeviceEvent, Either<DeadLetter, ReaderTotals>>> batch;
    private int batchPos;
    private PriorityQueue<Input> merge;
    private int sequentialInput;
    private long seq;
    private long maxTs = Long.MIN_VALUE;
    private long emittedWatermark = Long.MIN_VALUE;

    RecordingReader(SourceReaderContext ctx, EventAdapter adapter, RecordingSource.Options options) {
        this.adapter = ValidatedAdapter.of(adapter, options.maxRecordBytes());
        ValidatedAdapter template = this.adapter;
        this.adapterOfThread = ThreadLocal.withInitial(() -> copyOf(template))::get;
        this.options = options;
        this.range = new RecordingRange(options.outlierGapMs(), options.maxPastMs(), !options.keepOrder());
        this.progress = ReplayProgress.get(options.progressId());
    }

    @Override
    public void start() {}

    @Override
    public void addSplits(List<RecordingSplit> newSplits) {
        splits.addAll(newSplits);
    }

    @Override
    public void notifyNoMoreSplits() {
        splitsArrived.complete(null);
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        return splitsArrived.isDone() ? batches.getAvailabilityFuture() : splitsArrived;
    }

    /**
     * Emits what the prefetch thread read: reading and parsing run there, beside this task's thread
     * (which serialises the events for the shuffle), so that the two share the work of a single input.
     */
    @Override
    public InputStatus pollNext(ReaderOutput<Either<DeviceEvent, Either<DeadLetter, ReaderTotals>>> output) {
        if (!splitsArrived.isDone()) {
            return InputStatus.NOTHING_AVAILABLE;
        }
        if (prefetch == null) {
            prefetch = new Thread(this::prefetch, "Recording reader");
            prefetch.setDaemon(true);
            prefetch.start();
        }
        for (int i = 0; i < BATCH; i++) {
            if (batch == null || batchPos >= batch.size()) {
                batch = batches.poll();
                batchPos = 0;
                if (batch == null) {
                    if (prefetchFailure != null) {
                        throw new IllegalStateException("the recording's reader failed", prefetchFailure);
                    }
                    return InputStatus.NOTHING_AVAILABLE;
                }
                if (batch.isEmpty()) {
                    return InputStatus.END_OF_INPUT;
                }
            }
            emit(batch.get(batchPos++), output);
        }
        return InputStatus.MORE_AVAILABLE;
    }

    /** The prefetch thread: the whole recording, parsed and merged, in batches; an empty one at the end. */
    private void prefetch() {
        try {
            try {
                open();
            } catch (RecordingException e) {
                stopAt(e);
            }
            while (true) {
                Parsed next;
                try {
                    next = nextInOrder();
                } catch (RecordingException e) {
                    stopAt(e);
                    next = null;
                }
                if (next == null) {
                    break;
                }
                for (Parsed p : range.offer(next)) {
                    release(p);
                }
                if (ready.size() >= BATCH) {
                    handOn();
                }
            }
            finish();
            handOn();
            batches.put(0, List.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the task was cancelled
        } catch (Throwable t) {
            prefetchFailure = t;
            batches.notifyAvailable();
        } finally {
            for (Input in : inputs) {
                in.close();
            }
        }
    }

    private void handOn() throws InterruptedException {
        if (!ready.isEmpty()) {
            batches.put(0, new ArrayList<>(ready));
            ready.clear();
        }
        publishProgress();
    }

    private void open() {
        splits.sort(Comparator.comparingInt(RecordingSplit::index));
        long total = 0;
        for (RecordingSplit s : splits) {
            Input in = new Input(s);
            inputs.add(in);
            total = in.size() < 0 || total < 0 ? -1 : total + in.size();
        }
        progress.totalBytes = total;
        if (!options.keepOrder()) {
            merge = new PriorityQueue<>(Comparator.<Input>comparingLong(in -> in.head.earliest)
                    .thenComparingInt(in -> in.split.index())
                    .thenComparingLong(in -> in.head.seq));
            for (Input in : inputs) {
                in.advance();
                if (in.head != null) {
                    merge.add(in);
                }
            }
        }
    }

    /** The next accepted record: by time across the inputs, or as they come with keepOrder. */
    private Parsed nextInOrder() {
        if (options.keepOrder()) {
            while (sequentialInput < inputs.size()) {
                Input in = inputs.get(sequentialInput);
                in.advance();
                if (in.head != null && in.head.earliest > options.to()) {
                    totals.afterRange++; // arrival order: later records may still be in range
                    range.reachedEnd(options.to());
                    continue;
                }
                if (in.head != null) {
                    return in.head;
                }
                sequentialInput++;
            }
            return null;
        }
        Input in = merge == null ? null : merge.poll();
        if (in == null) {
            return null;
        }
        Parsed head = in.head;
        try {
            in.advance();
        } catch (RecordingException e) {
            stopAt(e);
            return head; // the last good record before the failure still counts
        }
        if (in.head != null) {
            merge.add(in);
        }
        if (head.earliest > options.to()) {
            // Past --to: nothing later is read (every input is in time order).
            totals.afterRange++;
            for (Input i : merge) {
                totals.afterRange++; // read already, as the next record of its input
            }
            for (Input i : inputs) {
                i.close();
            }
            merge.clear();
            range.reachedEnd(options.to());
            return null;
        }
        return head;
    }

    /**
     * The recording cannot be read on: it ends here, as if it had ended here, so that every alert
     * up to this point is decided and kept; the replay then fails with why ({@link ReaderTotals#failure}).
     */
    private void stopAt(RecordingException e) {
        if (totals.failure == null) {
            totals.failure = e.getMessage();
        }
        for (Input in : inputs) {
            in.close();
        }
        if (merge != null) {
            merge.clear();
        }
    }

    /** A record the range let through: its events, timestamped, and the watermark behind them. */
    private void release(Parsed p) {
        if (p.refusal != null) {
            dead(p.raw, p.refusal, "ts", p.refusalDetail);
            return;
        }
        totals.accepted++;
        for (DeviceEvent e : p.events) {
            ready.add(Either.Left(e));
            totals.events++;
        }
        totals.clockStop = Math.max(totals.clockStop, p.latest);
    }

    private void emit(Either<DeviceEvent, Either<DeadLetter, ReaderTotals>> item, ReaderOutput<Either<DeviceEvent, Either<DeadLetter, ReaderTotals>>> output) {
        if (!item.isLeft()) {
            if (item.right().isRight()) {
                // The end: the last watermark is the clock stop, then the totals.
                long stop = item.right().right().clockStop;
                if (stop != Long.MIN_VALUE && stop > emittedWatermark) {
                    emittedWatermark = stop;
                    output.emitWatermark(new Watermark(stop));
                }
            }
            output.collect(item);
            return;
        }
        long ts = item.left().getTs();
        output.collect(item, ts);
        maxTs = Math.max(maxTs, ts);
        long wm = maxTs - options.outOfOrdernessMs() - 1;
        if (wm > emittedWatermark && (options.keepOrder() || wm >= emittedWatermark + WATERMARK_STEP_MS
                || emittedWatermark == Long.MIN_VALUE)) {
            emittedWatermark = wm;
            output.emitWatermark(new Watermark(wm));
        }
    }

    /** The end: outliers become dead letters, the clock stop is known, the totals go last. */
    private void finish() {
        for (Parsed p : range.finish()) {
            release(p);
        }
        totals.clockStop = range.clockStop(totals.clockStop);
        for (Input in : inputs) {
            totals.bytesRead += in.bytesRead();
            in.close();
        }
        publishProgress();
        progress.finished = true;
        ready.add(Either.Right(Either.Right(totals)));
    }

    private void dead(RawRecord raw, DeadLetterReason reason, String field, String detail) {
        totals.deadLetters++;
        byte[] payload = raw.payload == null ? new byte[0] : raw.payload;
        ready.add(Either.Right(Either.Left(DeadLetters.of(reason, field, detail, raw.origin, payload, System.currentTimeMillis()))));
    }

    private void publishProgress() {
        long bytes = 0;
        for (Input in : inputs) {
            bytes += in.bytesRead();
        }
        progress.bytesRead = bytes;
        progress.records = totals.records;
        progress.events = totals.events;
        progress.eventTime = totals.clockStop; // the newest event handed on so far
    }

    @Override
    public List<RecordingSplit> snapshotState(long checkpointId) {
        // Replay takes no checkpoints: a replay that fails is run again from the start.
        return List.of();
    }

    @Override
    public void close() throws InterruptedException {
        if (prefetch != null) {
            prefetch.interrupt();
            batches.wakeUpPuttingThread(0);
            prefetch.join(5000);
        }
        parsers.shutdownNow();
    }

    /** An adapter of its own for a parsing thread: adapters keep per-instance parsers and caches. */
    private static ValidatedAdapter copyOf(ValidatedAdapter adapter) {
        try {
            return InstantiationUtil.clone(adapter);
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("cannot copy the " + adapter.name() + " adapter for a parsing thread", e);
        }
    }

    /** One record, parsed, with its place in the merge. */
    static final class Parsed {
        final RawRecord raw;
        final List<DeviceEvent> events;
        final long earliest;
        final long latest;
        final long seq;
        DeadLetterReason refusal;
        String refusalDetail;

        Parsed(RawRecord raw, List<DeviceEvent> events, long earliest, long latest, long seq) {
            this.raw = raw;
            this.events = events;
            this.earliest = earliest;
            this.latest = latest;
            this.seq = seq;
        }

        void refuse(DeadLetterReason reason, String detail) {
            refusal = reason;
            refusalDetail = detail;
        }
    }

    /** One input and its next accepted record. */
    private final class Input {
        final RecordingSplit split;
        private final RecordReader file;
        private final Iterator<RawRecord> memory;
        private final ParseAhead parsed;
        private long newest = Long.MIN_VALUE;
        private boolean closed;
        /** Each input names the feeds of its records (a sorted run holds several inputs' records). */
        private final io.patchwatch.jobs.ingest.FeedNames feeds = new io.patchwatch.jobs.ingest.FeedNames(options.feeds());
        Parsed head;

        Input(RecordingSplit split) {
            this.split = split;
            boolean multiLine = io.patchwatch.connectors.adapters.Adapters.multiLine(adapter.name());
            boolean base64 = adapter.name().equals(io.patchwatch.connectors.adapters.avro.AvroEventAdapter.NAME);
            switch (split.kind()) {
                case FILE -> {
                    file = RecordReader.open(Path.of(split.path()), multiLine, base64, options.maxRecordBytes());
                    memory = null;
                }
                case STDIN -> {
                    file = RecordReader.stdin(System.in, multiLine, base64, options.maxRecordBytes());
                    memory = null;
                }
                case RUN -> {
                    file = null;
                    memory = ExternalSort.readRun(Path.of(split.path()));
                }
                default -> {
                    file = null;
                    memory = split.records().iterator();
                }
            }
            parsed = new ParseAhead(file != null ? file::next : () -> memory.hasNext() ? memory.next() : null,
                    adapter, parsers, adapterOfThread);
        }

        long size() {
            return file == null ? 0 : file.size();
        }

        long bytesRead() {
            return file == null ? 0 : file.bytesRead();
        }

        /** Reads on to the next accepted record (refused and skipped ones are handed on at once). */
        void advance() {
            head = null;
            while (!closed) {
                ParseAhead.Result result = parsed.next();
                if (result == null) {
                    close();
                    return;
                }
                RawRecord raw = result.raw();
                totals.records++;
                Parsed p = accept(result);
                if (p == null) {
                    continue;
                }
                if (!split.inOrder() && !options.keepOrder() && newest != Long.MIN_VALUE
                        && p.earliest < newest - options.outOfOrdernessMs()) {
                    throw new RecordingException(raw.origin + " is not in time order: its event ("
                            + EventTimes.format(p.earliest) + ") is " + Duration.ofMillis(newest - p.earliest).toSeconds()
                            + " s before an earlier line's (" + EventTimes.format(newest) + "), beyond --out-of-orderness "
                            + options.outOfOrdernessMs() / 1000 + " s; replay it with --sort");
                }
                newest = Math.max(newest, p.earliest);
                head = p;
                return;
            }
        }

        /** A record as the adapter left it: skipped and refused ones counted and handed on here, in order. */
        private Parsed accept(ParseAhead.Result result) {
            RawRecord raw = result.raw();
            List<DeviceEvent> events = result.verdict().events();
            ValidatedAdapter.Outcome outcome = result.verdict().outcome();
            for (DeviceEvent e : events) {
                e.setFeed(feeds.ofOrigin(raw.origin));
            }
            if (outcome == ValidatedAdapter.Outcome.SKIPPED) {
                totals.skipped++;
                return null;
            }
            if (outcome == ValidatedAdapter.Outcome.DEAD_LETTER) {
                dead(raw, result.verdict().reason(), result.verdict().field(), result.verdict().detail());
                return null;
            }
            long earliest = Long.MAX_VALUE;
            long latest = Long.MIN_VALUE;
            long now = System.currentTimeMillis();
            for (DeviceEvent e : events) {
                // Ahead of the wall clock, as live (the running check against the newest event is
                // the recording's range instead, below).
                Refusal refusal = options.limits().check(e.getTs(), Long.MIN_VALUE, now);
                if (refusal != null) {
                    dead(raw, refusal.reason(), refusal.field(), refusal.getMessage());
                    return null;
                }
                earliest = Math.min(earliest, e.getTs());
                latest = Math.max(latest, e.getTs());
            }
            return new Parsed(raw, events, earliest, latest, seq++);
        }

        void close() {
            if (closed) {
                return;
            }
            closed = true;
            parsed.close();
            if (file != null) {
                try {
                    file.close();
                } catch (IOException e) {
                    // read to its end already
                }
            }
        }
    }
}
