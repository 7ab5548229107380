package io.patchwatch.jobs.ingest;

import io.patchwatch.connectors.adapters.AdapterOutput;
import io.patchwatch.connectors.adapters.DeadLetterReason;
import io.patchwatch.connectors.adapters.DeadLetters;
import io.patchwatch.connectors.adapters.EventAdapter;
import io.patchwatch.connectors.adapters.Refusal;
import io.patchwatch.connectors.adapters.ValidatedAdapter;
import io.patchwatch.connectors.adapters.RawRecord;
import io.patchwatch.jobs.fact.JobTags;
import io.patchwatch.jobs.metrics.JobMetrics;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import io.patchwatch.connectors.adapters.AdapterMemory;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Raw records to canonical events through an {@link EventAdapter} with the validation every format
 * shares ({@link ValidatedAdapter}). Whatever cannot be used goes to {@link JobTags#DEAD_LETTERS}
 * with its reason and is counted per reason ({@code dead_letters{source, reason}}, see {@link
 * JobMetrics}); nothing here throws.
 *
 * <p>Beyond what the validation checks, every event of a record must lie within the job's {@link
 * EventTimeLimits} (the same the watermark applies at the source): a clock set to 2099 on one host
 * must not drag the watermark forward and make every other event late. A record is used whole or
 * refused whole: one dead letter per refused record.
 */
public class NormalizeEvents extends ProcessFunction<RawRecord, DeviceEvent> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private final String source;
    /** The feed of its events: the input's name (a topic); null: named by each record's origin. */
    private String feed;
    private boolean sole;
    /** An unnamed input's records name their feeds by their origins. */
    private transient FeedNames feedNames;
    private final ValidatedAdapter adapter;
    private final EventTimeLimits limits;

    private transient long newest;
    private transient Map<EventKind, Counter> eventsIn;
    private transient Counter skipped;
    private transient Map<DeadLetterReason, Counter> deadLetters;
    private transient Clock clock;
    private transient List<DeviceEvent> pending;
    private transient ListState<String> memoryState;

    public NormalizeEvents(String source, EventAdapter adapter, EventTimeLimits limits, int maxRecordBytes) {
        this.source = source;
        this.adapter = ValidatedAdapter.of(adapter, maxRecordBytes);
        this.limits = limits;
    }

    /**
     * @param input the input's name (a topic: the feed of its events), or "" for an input without
     *     one (the demo's generator), whose records' origins name their feeds
     */
    public static NormalizeEvents of(String input, EventAdapter adapter, io.patchwatch.jobs.settings.JobSettings s) {
        return of(input, adapter, s, false);
    }

    /**
     * @param sole the job's only input: its events carry no feed (every one would carry the same
     *     name through the shuffle); the tracker and noise control know it as the job's sole feed
     */
    public static NormalizeEvents of(String input, EventAdapter adapter, io.patchwatch.jobs.settings.JobSettings s, boolean sole) {
        NormalizeEvents n = new NormalizeEvents(input.isEmpty() ? adapter.name() : input, adapter, EventTimeLimits.of(s), s.maxRecordBytes());
        n.feed = input.isEmpty() ? null : input;
        n.sole = sole;
        return n;
    }

    @Override
    public void open(OpenContext openContext) {
        newest = Long.MIN_VALUE;
        feedNames = new FeedNames(java.util.Map.of());
        clock = Clock.systemUTC();
        pending = new ArrayList<>();
        MetricGroup metrics = JobMetrics.group(getRuntimeContext()).addGroup("source", source);
        skipped = metrics.counter(JobMetrics.RECORDS_SKIPPED);
        eventsIn = new EnumMap<>(EventKind.class);
        for (EventKind k : EventKind.values()) {
            eventsIn.put(k, metrics.addGroup("kind", k.name()).counter(JobMetrics.EVENTS_IN));
        }
        deadLetters = new EnumMap<>(DeadLetterReason.class);
        for (DeadLetterReason r : DeadLetterReason.values()) {
            deadLetters.put(r, metrics.addGroup("reason", r.code()).counter(JobMetrics.DEAD_LETTERS));
        }
    }

    /**
     * What the format remembers between records (a Windows machine's renames) is union list state:
     * every instance gets back all of it after a restart or a rescale, whichever partitions it reads.
     */
    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        AdapterMemory memory = adapter.memory();
        if (memory == null) {
            return;
        }
        memoryState = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>("adapter-memory", Types.STRING));
        if (context.isRestored()) {
            Map<String, String> remembered = new java.util.HashMap<>();
            for (String entry : memoryState.get()) {
                int tab = entry.indexOf('\t');
                remembered.put(entry.substring(0, tab), entry.substring(tab + 1));
            }
            memory.restore(remembered);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        if (memoryState == null) {
            return;
        }
        List<String> entries = new ArrayList<>();
        // Keys and values are device names: validated names hold no tab.
        adapter.memory().remembered().forEach((k, v) -> entries.add(k + "\t" + v));
        memoryState.update(entries);
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<DeviceEvent> out) {
        byte[] payload = raw.payload == null ? new byte[0] : raw.payload;
        pending.clear();
        AdapterOutput output = new AdapterOutput() {
            @Override
            public void event(DeviceEvent e) {
                pending.add(e);
            }

            @Override
            public void skipped(String why) {
                skipped.inc();
            }

            @Override
            public void deadLetter(DeadLetterReason reason, String field, String detail) {
                deadLetters.get(reason).inc();
                ctx.output(JobTags.DEAD_LETTERS, DeadLetters.of(reason, field, detail, raw.origin, payload, clock.millis()));
            }
        };
        // Parsed already where the source read its event time (chained, the same record): hand that on.
        ValidatedAdapter.Verdict verdict = raw.verdict != null ? raw.verdict : adapter.verdict(payload, raw.origin, raw.timestamp);
        raw.verdict = null;
        if (verdict.deliverTo(output) != ValidatedAdapter.Outcome.ACCEPTED) {
            return;
        }
        long now = clock.millis();
        for (DeviceEvent e : pending) {
            Refusal refusal = limits.check(e.getTs(), newest, now);
            if (refusal != null) {
                output.deadLetter(refusal.reason(), refusal.field(), refusal.getMessage());
                return;
            }
        }
        for (DeviceEvent e : pending) {
            newest = Math.max(newest, e.getTs());
            eventsIn.get(e.getKind()).inc();
            // The input it came through, whatever the producer wrote (FLEET.md feed silence).
            if (!sole) {
                e.setFeed(feed != null ? feed : feedNames.ofOrigin(raw.origin));
            }
            out.collect(e);
        }
    }
}
