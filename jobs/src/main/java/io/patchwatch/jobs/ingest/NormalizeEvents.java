package io.patchwatch.jobs.ingest;

import io.patchwatch.connectors.adapters.AdapterOutput;
import io.patchwatch.connectors.adapters.DeadLetterReason;
import io.patchwatch.connectors.adapters.DeadLetters;
import io.patchwatch.connectors.adapters.EventAdapter;
import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.connectors.adapters.RawRecord;
import io.patchwatch.jobs.JobTags;
import io.patchwatch.jobs.metrics.JobMetrics;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Raw records to canonical events through an {@link EventAdapter}. Whatever cannot be used goes to
 * {@link JobTags#DEAD_LETTERS} with its reason and is counted per reason ({@code
 * dead_letters{source, reason}}, see {@link JobMetrics}); nothing here throws.
 *
 * <p>Beyond what the adapter checks, an event must lie within {@code maxFuture} ahead of and {@code
 * maxPast} behind the newest event this subtask has accepted (and, live, the wall clock): a clock
 * set to 2099 on one host must not drag the watermark forward and make every other event late.
 */
public class NormalizeEvents extends ProcessFunction<RawRecord, DeviceEvent> {
    private static final long serialVersionUID = 1L;
    private final String source;
    private final EventAdapter adapter;
    private final long maxFutureMs;
    private final long maxPastMs;
    private final boolean wallClockReference;
    private final long acceptFrom;
    private final long acceptUntil;

    private transient long newest;
    private transient Map<EventKind, Counter> eventsIn;
    private transient Counter skipped;
    private transient Map<DeadLetterReason, Counter> deadLetters;
    private transient Clock clock;

    /**
     * @param wallClockReference live mode: the wall clock also counts as "newest" (replay: only events)
     */
    public NormalizeEvents(String source, EventAdapter adapter, long maxFutureMs, long maxPastMs, boolean wallClockReference) {
        this(source, adapter, maxFutureMs, maxPastMs, wallClockReference, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    private NormalizeEvents(String source, EventAdapter adapter, long maxFutureMs, long maxPastMs, boolean wallClockReference,
                            long acceptFrom, long acceptUntil) {
        this.source = source;
        this.adapter = adapter;
        this.maxFutureMs = maxFutureMs;
        this.maxPastMs = maxPastMs;
        this.wallClockReference = wallClockReference;
        this.acceptFrom = acceptFrom;
        this.acceptUntil = acceptUntil;
    }

    /**
     * Live: the running check against the newest event and the wall clock. Replay of a recording: the
     * fixed range the replay found (a recording may have quiet weeks; only outliers are refused).
     */
    public static NormalizeEvents of(String source, EventAdapter adapter, io.patchwatch.jobs.JobSettings s) {
        return new NormalizeEvents(source, adapter, s.maxFuture().toMillis(), s.maxPast().toMillis(), s.live(),
                s.acceptFrom(), s.acceptUntil());
    }

    @Override
    public void open(OpenContext openContext) {
        newest = Long.MIN_VALUE;
        clock = Clock.systemUTC();
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

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<DeviceEvent> out) {
        byte[] payload = raw.payload == null ? new byte[0] : raw.payload;
        AdapterOutput output = new AdapterOutput() {
            @Override
            public void event(DeviceEvent e) {
                if (acceptUntil != Long.MAX_VALUE || acceptFrom != Long.MIN_VALUE) {
                    if (e.getTs() > acceptUntil) {
                        deadLetter(DeadLetterReason.TS_IN_FUTURE, "ts", "ts " + EventTimes.format(e.getTs())
                                + " is more than " + maxFutureMs / 1000 + " s ahead of the rest of the recording (which ends "
                                + EventTimes.format(acceptUntil) + ")");
                    } else if (e.getTs() < acceptFrom) {
                        deadLetter(DeadLetterReason.TS_TOO_OLD, "ts", "ts " + EventTimes.format(e.getTs())
                                + " is more than " + maxPastMs / 1000 + " s before the rest of the recording (which starts "
                                + EventTimes.format(acceptFrom) + ")");
                    } else {
                        eventsIn.get(e.getKind()).inc();
                        out.collect(e);
                    }
                    return;
                }
                long reference = wallClockReference ? Math.max(newest, clock.millis()) : newest;
                if (reference != Long.MIN_VALUE && e.getTs() > reference + maxFutureMs) {
                    deadLetter(DeadLetterReason.TS_IN_FUTURE, "ts", "ts " + EventTimes.format(e.getTs())
                            + " is more than " + maxFutureMs / 1000 + " s ahead of the newest event ("
                            + EventTimes.format(reference) + ")");
                    return;
                }
                if (reference != Long.MIN_VALUE && e.getTs() < reference - maxPastMs) {
                    deadLetter(DeadLetterReason.TS_TOO_OLD, "ts", "ts " + EventTimes.format(e.getTs())
                            + " is more than " + maxPastMs / 1000 + " s behind the newest event ("
                            + EventTimes.format(reference) + ")");
                    return;
                }
                newest = Math.max(newest, e.getTs());
                eventsIn.get(e.getKind()).inc();
                out.collect(e);
            }

            @Override
            public void skipped(String why) {
                skipped.inc();
            }

            @Override
            public void deadLetter(DeadLetterReason reason, String field, String detail) {
                deadLetters.get(reason).inc();
                ctx.output(JobTags.DEAD_LETTERS,
                        DeadLetters.of(reason, field, detail, raw.origin, payload, clock.millis()));
            }
        };
        try {
            adapter.parse(payload, raw.origin, raw.timestamp, output);
        } catch (RuntimeException e) {
            // Adapters must not throw; if one does, the record is a dead letter and the job goes on.
            output.deadLetter(DeadLetterReason.ADAPTER_FAILURE, null,
                    adapter.name() + " failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
