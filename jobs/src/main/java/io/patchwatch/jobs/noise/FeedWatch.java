package io.patchwatch.jobs.noise;

import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.fact.FactKind;
import io.patchwatch.jobs.fact.FeedProgress;
import io.patchwatch.jobs.incident.AlertMessages;
import io.patchwatch.jobs.live.RuleVersions;
import io.patchwatch.jobs.live.RuleVersionsInput;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertContext;
import io.patchwatch.schemas.AlertStatus;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Watches every feed's clock (FLEET.md "Feed silence"), all feeds under one key (there are a few):
 * a feed that carries heartbeats or pings (the ones devices can be heard through alone: a patch log
 * on its own is quiet between patch runs, and its silence would hold nothing) is silent when the job's event time passes its newest event + feed_silence_after while
 * something else moves that clock: another feed still delivering, or, live, the wall-clock floor
 * when every input stopped. (A replay of one input with a gap in it has nothing else: its gap is
 * the whole job's, not one feed's silence.) Then it pages one {@code feed-silent} incident and
 * tells noise control (one copy per key group, so every site hears it); when the feed delivers
 * again, the incident resolves and noise control hears that too.
 */
public class FeedWatch extends KeyedProcessFunction<String, FeedProgress, DeviceFact> {
    private static final long serialVersionUID = 1L;
    private static final long NONE = Long.MIN_VALUE;
    /** The one key: feeds are few, and each one's silence depends on the others. */
    public static final String KEY = "feeds";
    /** The tenant of incidents about patchwatch's own inputs. */
    public static final String TENANT = "patchwatch";
    public static final OutputTag<Alert> ALERTS = new OutputTag<>("feed-alerts", new AvroTypeInfo<>(Alert.class));

    private final RuleVersions versions;
    /** The wall-clock floor moves event time when every input stopped (live, unless turned off). */
    private final boolean live;
    private transient MapState<String, State> feeds;
    /**
     * Progress not yet reached by event time, applied in time order as every decision is: at each
     * time, "feed NUL ts" (a late one is applied at the next watermark, with its own time).
     */
    private transient MapState<Long, List<String>> pending;
    private transient List<String> everyKeyGroup;

    /** A feed's clock. A Flink POJO. */
    public static class State {
        public long newest = NONE;
        public long silentFrom = NONE;
        /** The newest event when it went silent: a newer one means it delivers again. */
        public long newestAtSilence = NONE;
        public long backAt = NONE;
        public Alert alert;
        /** It carried heartbeats or pings: only such a feed's silence makes devices look offline. */
        public boolean monitoring;

        public State() {}
    }

    public FeedWatch(RuleVersions versions, boolean live) {
        this.versions = versions;
        this.live = live;
    }

    @Override
    public void open(OpenContext openContext) {
        feeds = getRuntimeContext().getMapState(new MapStateDescriptor<>("feed-clocks", Types.STRING, TypeInformation.of(State.class)));
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("feed-progress", Types.LONG, Types.LIST(Types.STRING)));
        int maxParallelism = getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks();
        everyKeyGroup = RuleVersionsInput.keysFor(new KeyGroupRange(0, maxParallelism - 1), maxParallelism);
    }

    @Override
    public void processElement(FeedProgress p, Context ctx, Collector<DeviceFact> out) throws Exception {
        long at = Math.max(p.ts, ctx.timerService().currentWatermark() + 1);
        List<String> due = pending.get(at);
        due = due == null ? new ArrayList<>() : due;
        due.add(p.feed + "\u0000" + p.ts + "\u0000" + p.liveness);
        pending.put(at, due);
        ctx.timerService().registerEventTimeTimer(at);
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<DeviceFact> out) throws Exception {
        long after = versions.at(t).rules().noise().feedSilenceAfterMs();
        // Progress at t first: a feed that delivers at the very moment it would fall silent is not silent.
        List<String> delivered = pending.get(t);
        if (delivered != null) {
            pending.remove(t);
            for (String entry : delivered) {
                String[] parts = entry.split("\u0000");
                String feed = parts[0];
                long ts = Long.parseLong(parts[1]);
                State s = feeds.get(feed);
                s = s == null ? new State() : s;
                s.monitoring |= Boolean.parseBoolean(parts[2]);
                if (s.silentFrom != NONE && ts > s.newestAtSilence) {
                    long back = Math.max(ts, s.silentFrom);
                    s.backAt = s.backAt == NONE ? back : Math.min(s.backAt, back);
                }
                if (ts > s.newest) {
                    s.newest = ts;
                    ctx.timerService().registerEventTimeTimer(Math.max(t, ts + after));
                }
                feeds.put(feed, s);
            }
        }
        List<String> names = new ArrayList<>();
        feeds.keys().forEach(names::add);
        java.util.Collections.sort(names);
        for (String feed : names) {
            State s = feeds.get(feed);
            if (s.silentFrom != NONE && s.backAt != NONE && t >= s.backAt) {
                signal(FactKind.FEED_BACK, feed, s.backAt, out);
                ctx.output(ALERTS, Alert.newBuilder(s.alert).setStatus(AlertStatus.resolved).setTs(s.backAt).build());
                s.silentFrom = NONE;
                s.backAt = NONE;
                s.alert = null;
                feeds.put(feed, s);
            }
            if (s.monitoring && s.silentFrom == NONE && t >= s.newest + after && (live || othersDeliver(feed, t, after))) {
                // Silent from when it is known: a replay's clock can jump past newest + after at once
                // (the next input's first event), and what was decided before then stays decided.
                s.silentFrom = t;
                s.newestAtSilence = s.newest;
                s.alert = alert(feed, s.silentFrom, s.newest, after);
                signal(FactKind.FEED_SILENT, feed, s.silentFrom, out);
                ctx.output(ALERTS, s.alert);
                feeds.put(feed, s);
            }
        }
    }

    /** Whether another feed delivered within feed_silence_after of {@code t}: it is what moves the clock. */
    private boolean othersDeliver(String feed, long t, long after) throws Exception {
        for (java.util.Map.Entry<String, State> e : feeds.entries()) {
            if (!e.getKey().equals(feed) && e.getValue().newest + after > t) {
                return true;
            }
        }
        return false;
    }

    /** To every key group of noise control: the feed went silent, or delivers again. */
    private void signal(FactKind kind, String feed, long ts, Collector<DeviceFact> out) {
        for (String key : everyKeyGroup) {
            DeviceFact f = new DeviceFact();
            f.key = key;
            f.kind = kind;
            f.ts = ts;
            f.feed = feed;
            out.collect(f);
        }
    }

    /** The dedup key of the feed-silent incident that began at {@code from}: the parent of what it holds. */
    static String parentKey(String feed, long from) {
        return TENANT + "/feed:" + feed + "/feed-silent/" + from;
    }

    static Alert alert(String feed, long ts, long newest, long afterMs) {
        return Alert.newBuilder()
                .setRule(io.patchwatch.jobs.rules.NoiseSettings.FEED_SILENT).setStatus(AlertStatus.firing).setTs(ts).setSeverity("critical")
                .setTenant(TENANT).setSite(null).setDevice("feed:" + feed).setKbs(List.of())
                .setMessage("Feed " + feed + " is silent: nothing since " + AlertMessages.time(newest) + " ("
                        + AlertMessages.duration(afterMs) + "); incidents of devices last heard through it are held")
                .setContext(AlertContext.newBuilder().setLastSeen(newest).build())
                .setDedupKey(parentKey(feed, ts))
                .build();
    }
}
