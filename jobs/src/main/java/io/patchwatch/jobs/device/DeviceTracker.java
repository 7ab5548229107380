package io.patchwatch.jobs.device;

import io.patchwatch.jobs.eventtime.EventTimeBuffer;
import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.fact.DeviceKeys;
import io.patchwatch.jobs.fact.FactKind;
import io.patchwatch.jobs.fact.FeedProgress;
import io.patchwatch.jobs.fact.JobTags;
import io.patchwatch.jobs.inventory.DeviceInfo;
import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.jobs.live.RuleVersion;
import io.patchwatch.jobs.live.RuleVersions;
import io.patchwatch.jobs.metrics.JobMetrics;
import io.patchwatch.jobs.rules.RulePlan;
import io.patchwatch.jobs.rules.RuleProfile;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import io.patchwatch.schemas.ServiceState;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per device (keyed by tenant/device): turns the raw stream into the rare {@link DeviceFact}s the
 * CEP rules match on, and on {@link JobTags#RESOLUTIONS} the facts that can end an incident.
 * Heartbeats never leave this operator. It orchestrates its parts, each the one home of its concern:
 * {@link Liveness} (last signal, silence), {@link PatchSessions} (sessions, KBs, crash dedup), {@link
 * ServiceBaseline} (learned critical services), {@link AbsenceDeadlines} (absences awaited on the
 * one timer) and {@link RuleGate} (which facts the compiled {@link RulePlan} can use: only those leave).
 *
 * <p>Decisions are taken in event-time order, not arrival order:
 *
 * <ol>
 *   <li>A heartbeat (or successful ping) before the current silence deadline only moves {@code
 *       lastSignal} forward, whatever order such heartbeats arrive in: that is the hot path, one
 *       state read and write, no timer.
 *   <li>Every other event (and a heartbeat at or past the deadline, which may end or start a
 *       silence) waits in a small buffer until the watermark passes it, then is applied in
 *       timestamp order.
 *   <li>One event-time timer per device at most, at the earliest of: the next buffered event, the
 *       silence deadline (lastSignal + N), the session end (lastInstall + W), the next deadline. A heartbeat never
 *       re-registers it: when it fires early, it is moved to the new deadline.
 *   <li>An event behind the watermark (late beyond the out-of-orderness bound) is counted in {@code
 *       late_events} and applied at once as if it happened at the watermark: a decision already
 *       taken is not revisited (a late heartbeat ends a silence now, it does not undo it).
 * </ol>
 */
public class DeviceTracker extends KeyedProcessFunction<String, DeviceEvent, DeviceFact> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final long NONE = DeviceState.NONE;

    /** A device that sent nothing this long (processing time: a retired machine) is forgotten. */
    public static final Duration DEFAULT_EXPIRY = Duration.ofDays(30);
    /** The status hears that a device is alive once per hour of its signals (a heartbeat every minute is not news). */
    static final long SEEN_EVERY_MS = Duration.ofHours(1).toMillis();

    /** Services a device may learn as running, at most (see {@link ServiceBaseline}). */
    public static final int MAX_LEARNED_SERVICES = ServiceBaseline.MAX_LEARNED_SERVICES;

    /** The rules versions known, the job's compiled file first: each decision uses the one in force at its time. */
    private final RuleVersions versions;
    private final RulePlan plan;
    private final Inventory inventory;
    private final Duration expiry;

    private transient ValueState<DeviceState> device;
    private transient ListState<DeviceEvent> pending;
    private transient Liveness liveness;
    private transient PatchSessions sessions;
    private transient ServiceBaseline baseline;
    private transient AbsenceDeadlines deadlines;
    private transient RuleGate gate;
    private transient Counter lateEvents;
    private transient DeviceCounts counts;
    private transient Map<String, String> sites;
    private transient FeedClocks feedClocks;
    /** The feed of events that carry none (the job's only input), or null. */
    private String soleFeed;
    /** Whether the job reads the devices' status (FLEET.md, Patch status): then every fact it takes goes out too. */
    private boolean status;
    /** Some rule asks for pings: each is checked before it may take the heartbeat's hot path. */
    private transient boolean pingsMatter;

    public DeviceTracker(RuleSet rules, Inventory inventory) {
        this(rules, inventory, DEFAULT_EXPIRY);
    }

    /** @param expiry a device that sent nothing this long is forgotten; null: never */
    public DeviceTracker(RuleSet rules, Inventory inventory, Duration expiry) {
        this(new RuleVersions(rules), inventory, expiry);
    }

    /** @param versions the job's rules and the versions published for it so far */
    public DeviceTracker(RuleVersions versions, Inventory inventory, Duration expiry) {
        this.versions = versions;
        this.plan = versions.compiled().plan();
        this.inventory = inventory;
        this.expiry = expiry;
    }

    private <S extends StateDescriptor<?, ?>> S withExpiry(S descriptor) {
        if (expiry != null) {
            descriptor.enableTimeToLive(StateTtlConfig.newBuilder(expiry)
                    .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                    .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                    .disableCleanupInBackground()
                    .cleanupFullSnapshot()
                    .cleanupInRocksdbCompactFilter(10_000)
                    .build());
        }
        return descriptor;
    }

    /** State descriptors (names and types), shared with the tests that check cleanup. */
    public static final class States {
        public static final ValueStateDescriptor<DeviceState> DEVICE =
                new ValueStateDescriptor<>("device", DeviceState.class);
        public static final ValueStateDescriptor<PatchSession> SESSION =
                new ValueStateDescriptor<>("patch-session", PatchSession.class);
        public static final ListStateDescriptor<DeviceEvent> PENDING =
                new ListStateDescriptor<>("pending-events", new AvroTypeInfo<>(DeviceEvent.class));
        /** Absences the rules await, as the deadline facts they become (ts = when). */
        public static final ListStateDescriptor<DeviceFact> DEADLINES =
                new ListStateDescriptor<>("deadlines", DeviceFact.class);
        public static final MapStateDescriptor<String, Long> LAST_RUNNING =
                new MapStateDescriptor<>("service-last-running", Types.STRING, Types.LONG);

        private States() {}
    }

    @Override
    public void open(OpenContext openContext) {
        // A device that sent nothing for the expiry (processing time: a retired machine) loses its
        // record and learned services. Its record is rewritten at least every N/2 while it is
        // alive, so only devices gone for good expire; sessions and deadlines clear themselves.
        device = getRuntimeContext().getState(
                withExpiry(new ValueStateDescriptor<DeviceState>(States.DEVICE.getName(), DeviceState.class)));
        pending = getRuntimeContext().getListState(States.PENDING);
        sessions = new PatchSessions(getRuntimeContext().getState(States.SESSION));
        baseline = new ServiceBaseline(getRuntimeContext().getMapState(
                withExpiry(new MapStateDescriptor<String, Long>(States.LAST_RUNNING.getName(), Types.STRING, Types.LONG))));
        deadlines = new AbsenceDeadlines(getRuntimeContext().getListState(States.DEADLINES), versions);
        gate = new RuleGate(versions);
        MetricGroup metrics = JobMetrics.group(getRuntimeContext());
        lateEvents = metrics.counter(JobMetrics.LATE_EVENTS);
        liveness = new Liveness(metrics.counter(JobMetrics.SILENCES), counts);
        counts.register(metrics);
        sites = new HashMap<>();
        feedClocks = new FeedClocks(soleFeed);
        pingsMatter = plan.usesKind(FactKind.PING);
    }

    @Override
    public void initializeState(FunctionInitializationContext ctx) throws Exception {
        counts = new DeviceCounts();
        counts.initialize(ctx);
    }

    /** For tests: this subtask's fleet gauges. */
    DeviceCounts counts() {
        return counts;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext ctx) throws Exception {
        counts.snapshot();
    }

    @Override
    public void processElement(DeviceEvent e, Context ctx, Collector<DeviceFact> out) throws Exception {
        FeedProgress progress = feedClocks.observe(e);
        if (progress != null) {
            ctx.output(JobTags.FEED_PROGRESS, progress);
        }
        DeviceState d = device.value();
        // Whether the stored record must be written; see the hot path for when it need not be.
        boolean dirty = d == null;
        if (d == null) {
            counts.devices++;
            d = new DeviceState();
            DeviceInfo info = inventory.lookup(e.getTenant(), e.getDevice(), e.getSite());
            d.name = DeviceKeys.spellingToKeep(ctx.getCurrentKey(), info.device());
            d.site = canonical(info.site());
        } else if (d.site == null && e.getSite() != null) {
            d.site = canonical(e.getSite());
            dirty = true;
        }
        long watermark = ctx.timerService().currentWatermark();
        EventKind kind = e.getKind();
        boolean pingOk = kind == EventKind.ping && Boolean.TRUE.equals(e.getOk());
        if (kind == EventKind.heartbeat || kind == EventKind.ping) {
            dirty |= Liveness.monitored(d, e.getTs());
        }
        if (e.getTs() <= watermark) {
            // 4. Late: apply now, at the watermark.
            lateEvents.inc();
            if ((kind == EventKind.heartbeat || pingOk) && d.silentSince == NONE) {
                // Alive back then: it only moves the last signal, never past its own time.
                heardThrough(d, e);
                Liveness.signal(d, e.getTs());
            } else if (kind != EventKind.ping || pingOk) {
                // Applied at the next watermark, through the timer, so that what it causes carries
                // a time the rules downstream still accept.
                buffer(d, DeviceEvent.newBuilder(e).setTs(watermark + 1).build());
            }
        } else if (kind == EventKind.ping && pingsMatter && plan.mayUse(DeviceFacts.ofPing(e), d.problems)) {
            // A ping some rule asks for (loss after a patch): applied in order, like host events.
            buffer(d, e);
        } else if (kind == EventKind.heartbeat || pingOk) {
            long silenceAfter = profile(ctx.getCurrentKey(), d, e.getTs(), NONE).silenceAfterMs();
            if (Liveness.absorbs(d, e.getTs(), silenceAfter)) {
                // 1. Hot path.
                long stored = d.lastSignal;
                dirty |= heardThrough(d, e);
                Liveness.signal(d, e.getTs());
                // Only the silence deadline moved, later: a timer set for an earlier moment moves
                // itself when it fires, and without a timer there is no session or buffer to
                // schedule for (each keeps one). Nothing else to read.
                // Without a timer no decision depends on the exact last signal (silence counts only
                // in a session, and a session opens with an install, itself a signal), so the
                // record is written only once the signal moved N/2: it stays recent enough for
                // the next heartbeats to take this path, and RocksDB is spared most writes.
                if (dirty || d.timer != NONE || d.lastSignal - stored >= silenceAfter / 2) {
                    device.update(d);
                }
                return;
            }
            buffer(d, e);
        } else if (kind == EventKind.ping) {
            // A failed ping is no liveness signal, but it shows the device is monitored (above).
        } else {
            buffer(d, e);
        }
        schedule(d, ctx.getCurrentKey(), ctx.timerService(), nextPendingTs(d));
        device.update(d);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<DeviceFact> out) throws Exception {
        DeviceState d = device.value();
        if (d == null) {
            return;
        }
        String key = ctx.getCurrentKey();
        d.timer = NONE;
        // 1. Buffered events up to now, in timestamp order (stable: arrival order among equals).
        // An empty buffer, as the device's record says, is not read (on RocksDB, a read per timer).
        EventTimeBuffer<DeviceEvent> buffered = EventTimeBuffer.split(d.pendingFrom == NONE ? null : pending.get(), timestamp,
                DeviceEvent::getTs);
        if (!buffered.due().isEmpty()) {
            for (DeviceEvent e : buffered.due()) {
                apply(e, d, ctx, out);
            }
            buffered.keepLater(pending);
        }
        long nextPending = buffered.nextLater();
        d.pendingFrom = nextPending;
        expireDeadlines(d, timestamp, key, out);
        // 2. Session end: open while t < lastInstall + W.
        PatchSession s = sessions.current(d);
        RuleProfile profile = profile(key, d, timestamp, s == null ? NONE : s.start);
        if (s != null && PatchSessions.over(s, profile, timestamp)) {
            closeSession(d, s, ctx, out, profile);
            s = null;
        }
        // 3. Silence: no liveness signal for N inside a session, judged once the device was monitored.
        long silentAt = liveness.startSilence(d, s, profile, timestamp, versions.at(timestamp).effectiveFrom());
        if (silentAt != NONE && d.silentInSession) {
            DeviceFact f = DeviceFacts.of(key, d, s, FactKind.DEVICE_SILENT, silentAt);
            f.silentForS = profile.silenceAfterMs() / 1000;
            f.feed = d.lastFeed;
            ctx.output(JobTags.LIVENESS, f);
            status(ctx, f);
            offer(d, s, f, ctx, out);
        }
        schedule(d, key, ctx.timerService(), nextPending);
        device.update(d);
    }

    /** Also hands on everything a device's status takes ({@link JobTags#STATUS}). */
    public DeviceTracker withStatus(boolean on) {
        this.status = on;
        return this;
    }

    /** Events without a feed came through {@code feed}, the job's only input (null: none). */
    public DeviceTracker withSoleFeed(String feed) {
        this.soleFeed = feed;
        return this;
    }

    /** The rules versions this tracker decides with. */
    public RuleVersions versions() {
        return versions;
    }

    /** Adds a published version (see {@link RuleVersions#offer}); then {@link #retime} each device. */
    public RuleVersions.Offer offer(RuleVersion v) {
        return versions.offer(v);
    }

    /**
     * After a new rules version: the current device's pending deadlines move to when the versions
     * now say they end, never before {@code notBefore}, and its one timer follows them, its
     * session's end and its silence deadline.
     */
    public void retime(String key, TimerService timers, long notBefore) throws Exception {
        DeviceState d = device.value();
        if (d == null) {
            return;
        }
        deadlines.retime(d, inventory.lookupKey(key, d.site), notBefore);
        schedule(d, key, timers, nextPendingTs(d));
        device.update(d);
    }

    /**
     * Before its signal counts: the device was last heard through the event's feed (FLEET.md feed
     * silence) if it is its newest signal; true if that changed.
     */
    private static boolean heardThrough(DeviceState d, DeviceEvent e) {
        if (e.getFeed() == null || e.getFeed().equals(d.lastFeed) || e.getTs() < d.lastSignal) {
            return false;
        }
        d.lastFeed = e.getFeed().intern(); // a handful of feeds for a million devices: one copy each
        return true;
    }

    /** Applies one event in event-time order. */
    private void apply(DeviceEvent e, DeviceState d, Context ctx, Collector<DeviceFact> out) throws Exception {
        String key = ctx.getCurrentKey();
        long ts = e.getTs();
        EventKind kind = e.getKind();
        // A deadline at this very moment has passed before the event counts (as CEP's within).
        expireDeadlines(d, ts, key, out);
        PatchSession s = sessions.current(d);
        RuleProfile profile = profile(key, d, ts, s == null ? NONE : s.start);
        if (s != null && PatchSessions.over(s, profile, ts)) {
            closeSession(d, s, ctx, out, profile);
            s = null;
        }
        if (kind != EventKind.ping || Boolean.TRUE.equals(e.getOk())) {
            if (Liveness.ends(d, ts)) {
                if (d.silentInSession) {
                    DeviceFact back = DeviceFacts.of(key, d, s, FactKind.DEVICE_BACK, ts);
                    back.silentForS = d.lastSignal == NONE ? NONE : (ts - d.lastSignal) / 1000;
                    back.feed = e.getFeed();
                    ctx.output(JobTags.LIVENESS, back);
                    status(ctx, back);
                    offer(d, s, back, ctx, out);
                }
                liveness.back(d);
            }
            heardThrough(d, e);
            if (status && (d.lastSignal == NONE || ts / SEEN_EVERY_MS != d.lastSignal / SEEN_EVERY_MS)) {
                status(ctx, DeviceFacts.of(key, d, s, FactKind.DEVICE_SEEN, ts));
            }
            Liveness.signal(d, ts);
        }
        FactKind factKind = FactKind.of(kind);
        switch (kind) {
            case patch_installed, patch_failed -> s = joinSession(d, s, e, ctx, out, profile);
            case booted -> {
                if (s != null) {
                    sessions.booted(s, ts);
                }
            }
            case unexpected_shutdown -> {
                if (s != null && !sessions.newCrash(s, ts)) {
                    factKind = null; // the same crash, logged twice
                }
            }
            case service_state -> {
                if (e.getState() == ServiceState.running) {
                    baseline.running(e.getService(), ts);
                }
            }
            default -> {}
        }
        if (factKind != null && status && factKind != FactKind.PING && ServicesDown.news(d, factKind, e)) {
            ctx.output(JobTags.STATUS, DeviceFacts.ofEvent(key, d, s, factKind, e));
        }
        if (factKind != null && plan.usesKind(factKind)) {
            DeviceFact f = DeviceFacts.ofEvent(key, d, s, factKind, e);
            offer(d, s, f, ctx, out);
        }
    }

    /** A fact the device's status takes, when the job reads the status. */
    private void status(Context ctx, DeviceFact f) {
        if (status) {
            ctx.output(JobTags.STATUS, f);
        }
    }

    /** Hands a fact to whatever can use it, as the {@link RuleGate} decides. */
    private void offer(DeviceState d, PatchSession s, DeviceFact f, Context ctx, Collector<DeviceFact> out) throws Exception {
        DeviceInfo info = inventory.lookupKey(f.key, d.site);
        RuleGate.Verdict verdict = gate.offer(d, s, sessions, f, info);
        if (verdict.toRules()) {
            out.collect(f);
            deadlines.await(d, verdict.deadlines(), info);
        }
        deadlines.dropAnswered(d, f);
        if (verdict.toIncidents()) {
            ctx.output(JobTags.RESOLUTIONS, f);
        }
    }

    /** Opens a session at this install, or adds the install to the open one. */
    private PatchSession joinSession(DeviceState d, PatchSession s, DeviceEvent e, Context ctx, Collector<DeviceFact> out,
                                     RuleProfile profile) throws Exception {
        if (s != null) {
            sessions.join(s, e);
            return s;
        }
        counts.openSessions++;
        s = sessions.open(d, e, baseline.criticalServices(profile, e.getTs()));
        if (status) {
            status(ctx, DeviceFacts.of(ctx.getCurrentKey(), d, s, FactKind.SESSION_OPENED, e.getTs()));
        }
        if (plan.usesKind(FactKind.SESSION_OPENED)) {
            offer(d, s, DeviceFacts.of(ctx.getCurrentKey(), d, s, FactKind.SESSION_OPENED, e.getTs()), ctx, out);
        }
        return s;
    }

    private void closeSession(DeviceState d, PatchSession s, Context ctx, Collector<DeviceFact> out, RuleProfile profile)
            throws Exception {
        counts.openSessions--;
        sessions.close(d);
        if (status) {
            DeviceFact closed = DeviceFacts.of(ctx.getCurrentKey(), d, s, FactKind.SESSION_CLOSED, PatchSessions.end(s, profile));
            closed.inSession = false;
            status(ctx, closed);
        }
        if (plan.usesKind(FactKind.SESSION_CLOSED)) {
            DeviceFact closed = DeviceFacts.of(ctx.getCurrentKey(), d, s, FactKind.SESSION_CLOSED, PatchSessions.end(s, profile));
            closed.inSession = false;
            offer(d, null, closed, ctx, out);
        }
    }

    /** Keeps exactly one timer, at the earliest moment something is due. */
    private void schedule(DeviceState d, String key, TimerService timers, long nextPending) throws Exception {
        long next = nextPending;
        PatchSession s = sessions.current(d);
        // Session end and silence as the version in force now says (a new version moves them: retime).
        RuleProfile profile = profile(key, d, timers.currentWatermark(), s == null ? NONE : s.start);
        if (s != null) {
            // Silence matters only inside a patch session (a session opens with an install, itself
            // a sign of life): a quiet device outside one keeps no timer at all.
            next = min(next, PatchSessions.end(s, profile));
            next = min(next, Liveness.silenceDeadline(d, profile));
        }
        next = min(next, d.nextDeadline);
        if (next == d.timer) {
            return;
        }
        // A timer later than needed is moved earlier; an earlier one is left and moves itself on
        // firing, so heartbeats that push the deadline out never touch the timer service.
        if (d.timer != NONE && (next == NONE || d.timer <= next)) {
            return;
        }
        if (d.timer != NONE) {
            timers.deleteEventTimeTimer(d.timer);
        }
        d.timer = next;
        if (next != NONE) {
            timers.registerEventTimeTimer(next);
        }
    }

    /**
     * Every deadline at or before {@code now} goes to the rules, in time order: the CEP match of
     * that absence fires unless a fact it awaited came first (then the deadline matches nothing).
     */
    private void expireDeadlines(DeviceState d, long now, String key, Collector<DeviceFact> out) throws Exception {
        List<DeviceFact> due = deadlines.takeDue(d, now);
        if (due.isEmpty()) {
            return;
        }
        DeviceInfo info = inventory.lookupKey(key, d.site);
        for (DeviceFact f : due) {
            gate.stamp(f, info); // the version in force when the absence ended
            out.collect(f);
        }
        // An absence's window ran out: its rule may fire, so what resolves it must reach the incidents.
        d.problems = true;
    }

    /** The earliest buffered event's time, as the device's record knows it (read once if it does not). */
    private long nextPendingTs(DeviceState d) throws Exception {
        if (d.pendingFrom == DeviceState.UNKNOWN) {
            d.pendingFrom = EventTimeBuffer.earliest(pending.get(), DeviceEvent::getTs);
        }
        return d.pendingFrom;
    }

    /** Buffers an event for the timer, to be applied in event-time order. */
    private void buffer(DeviceState d, DeviceEvent e) throws Exception {
        pending.add(e);
        if (d.pendingFrom != DeviceState.UNKNOWN) {
            d.pendingFrom = d.pendingFrom == NONE ? e.getTs() : Math.min(d.pendingFrom, e.getTs());
        }
    }

    private static long min(long a, long b) {
        return a == NONE ? b : b == NONE ? a : Math.min(a, b);
    }

    /** A device's parameters at {@code ts}, for its session opened at {@code sessionStart} (or NONE). */
    private RuleProfile profile(String key, DeviceState d, long ts, long sessionStart) {
        // Per event (every heartbeat): a device the inventory does not list, when no override of the
        // version in force can match one, has that version's defaults (whichever version its session
        // opened under: an override it could inherit would have to match it first).
        RuleSet rules = versions.at(ts).rules();
        if (rules.unlistedTakeDefaults() && !inventory.lists(key)) {
            return rules.defaultProfile();
        }
        return versions.profileFor(inventory.lookupKey(key, d.site), ts, sessionStart);
    }

    /** A fleet has few sites: share one string per site instead of one per device. */
    private String canonical(String site) {
        return site == null ? null : sites.computeIfAbsent(site, s -> s);
    }
}
