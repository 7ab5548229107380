package io.patchwatch.jobs.device;

import io.patchwatch.jobs.JobTags;
import io.patchwatch.jobs.eventtime.EventTimeBuffer;
import io.patchwatch.jobs.config.DeviceInfo;
import io.patchwatch.jobs.config.Inventory;
import io.patchwatch.jobs.rules.RuleProfile;
import io.patchwatch.jobs.rules.FactNeeds;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.jobs.rules.RuleVersion;
import io.patchwatch.jobs.rules.RuleVersions;
import org.apache.flink.streaming.api.TimerService;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import io.patchwatch.schemas.ServiceState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import io.patchwatch.jobs.metrics.JobMetrics;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import io.patchwatch.jobs.JobSettings;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per device (keyed by tenant/device): liveness, silence, patch sessions and the learned critical
 * services; emits the rare {@link DeviceFact}s the CEP rules match on, and on {@link
 * JobTags#RESOLUTIONS} the facts that can end an incident. Heartbeats never leave this operator.
 * It knows no rule: {@link FactNeeds} says which facts the compiled rules can use (only those
 * leave), and which absences they await (a deadline on this operator's one timer, which becomes a
 * {@link FactKind#DEADLINE} fact when it passes).
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

    /** Unexpected shutdowns this close together are one crash (its 6008 and Kernel-Power 41). */
    static final long SAME_CRASH_MS = 10 * 60_000L;

    /** The rules versions known, the job's compiled file first: each decision uses the one in force at its time. */
    private final RuleVersions versions;
    private final FactNeeds needs;
    private final Inventory inventory;

    /**
     * Services a device may learn as running (its baseline of critical services), at most: a
     * Windows server runs 80-150, so a real baseline fits; a feed inventing thousands does not.
     */
    public static final int MAX_LEARNED_SERVICES = 256;
    private final Duration expiry;
    private transient ValueState<DeviceState> device;
    private transient ValueState<PatchSession> session;
    private transient ListState<DeviceEvent> pending;
    private transient MapState<String, Long> lastRunning;
    private transient ListState<DeviceFact> deadlines;
    private transient Counter lateEvents;
    private transient Counter silences;
    private transient DeviceCounts counts;
    private transient Map<String, String> sites;
    /** Some rule asks for pings: each is checked before it may take the heartbeat's hot path. */
    private transient boolean pingsMatter;

    public DeviceTracker(RuleSet rules, Inventory inventory) {
        this(rules, inventory, JobSettings.DEFAULT_DEVICE_EXPIRY);
    }

    /** @param expiry a device that sent nothing this long is forgotten; null: never */
    public DeviceTracker(RuleSet rules, Inventory inventory, Duration expiry) {
        this(new RuleVersions(rules), inventory, expiry);
    }

    /** @param versions the job's rules and the versions published for it so far */
    public DeviceTracker(RuleVersions versions, Inventory inventory, Duration expiry) {
        this.versions = versions;
        this.needs = versions.compiled().needs();
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
        session = getRuntimeContext().getState(States.SESSION);
        pending = getRuntimeContext().getListState(States.PENDING);
        lastRunning = getRuntimeContext().getMapState(
                withExpiry(new MapStateDescriptor<String, Long>(States.LAST_RUNNING.getName(), Types.STRING, Types.LONG)));
        deadlines = getRuntimeContext().getListState(States.DEADLINES);
        MetricGroup metrics = JobMetrics.group(getRuntimeContext());
        lateEvents = metrics.counter(JobMetrics.LATE_EVENTS);
        silences = metrics.counter(JobMetrics.SILENCES);
        counts.register(metrics);
        sites = new java.util.HashMap<>();
        pingsMatter = needs.usesKind(FactKind.PING);
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
        boolean monitoringSignal = kind == EventKind.heartbeat || kind == EventKind.ping;

        if (monitoringSignal && (d.monitoredSince == NONE || e.getTs() < d.monitoredSince)) {
            d.monitoredSince = e.getTs();
            dirty = true;
        }
        if (e.getTs() <= watermark) {
            // 4. Late: apply now, at the watermark.
            lateEvents.inc();
            if ((kind == EventKind.heartbeat || pingOk) && d.silentSince == NONE) {
                // Alive back then: it only moves the last signal, never past its own time.
                d.lastSignal = Math.max(d.lastSignal, e.getTs());
            } else if (kind != EventKind.ping || pingOk) {
                // Applied at the next watermark, through the timer, so that what it causes carries
                // a time the rules downstream still accept.
                pending.add(DeviceEvent.newBuilder(e).setTs(watermark + 1).build());
            }
        } else if (kind == EventKind.ping && pingsMatter && needs.mayUse(pingFact(e), d.problems)) {
            // A ping some rule asks for (loss after a patch): applied in order, like host events.
            pending.add(e);
        } else if (kind == EventKind.heartbeat || pingOk) {
            long silenceAfter = profile(ctx.getCurrentKey(), d, e.getTs(), NONE).silenceAfterMs();
            if (d.silentSince == NONE && d.lastSignal != NONE && e.getTs() < d.lastSignal + silenceAfter) {
                // 1. Hot path: within N of a signal already applied, it cannot hide a silence,
                //    whatever order such heartbeats arrive in. A first signal, or one past the
                //    deadline, waits for its turn in event time (an earlier one may still come).
                long stored = d.lastSignal;
                d.lastSignal = Math.max(d.lastSignal, e.getTs());
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
            } else {
                pending.add(e);
            }
        } else if (kind == EventKind.ping) {
            // A failed ping is no liveness signal, but it shows the device is monitored (above).
        } else {
            pending.add(e);
        }
        schedule(d, ctx.getCurrentKey(), ctx.timerService(), nextPendingTs());
        device.update(d);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<DeviceFact> out) throws Exception {
        DeviceState d = device.value();
        if (d == null) {
            return;
        }
        d.timer = NONE;
        // 1. Buffered events up to now, in timestamp order (stable: arrival order among equals).
        EventTimeBuffer<DeviceEvent> buffered = EventTimeBuffer.split(pending.get(), timestamp, DeviceEvent::getTs);
        if (!buffered.due().isEmpty()) {
            for (DeviceEvent e : buffered.due()) {
                apply(e, d, ctx, out);
            }
            buffered.keepLater(pending);
        }
        long nextPending = buffered.nextLater();
        expireDeadlines(d, timestamp, ctx.getCurrentKey(), out);
        // 2. Session end: open while t < lastInstall + W.
        PatchSession s = session.value();
        RuleProfile profile = profile(ctx.getCurrentKey(), d, timestamp, s == null ? NONE : s.start);
        if (s != null && timestamp >= s.lastInstall + profile.sessionWindowMs()) {
            closeSession(d, s, ctx, out, profile);
            s = null;
        }
        // 3. Silence: no liveness signal for N inside a session, judged once the device was monitored.
        if (s != null && watchedForSilence(d, profile) && d.lastSignal + profile.silenceAfterMs() <= timestamp) {
            // A silence_after tightened live counts from when it is in force, never from before.
            long silentAt = Math.max(d.lastSignal + profile.silenceAfterMs(), versions.at(timestamp).effectiveFrom());
            d.silentSince = silentAt;
            d.silentInSession = s != null && silentAt < s.lastInstall + profile.sessionWindowMs();
            silences.inc();
            counts.silent++;
            if (d.silentInSession) {
                DeviceFact f = fact(ctx.getCurrentKey(), d, s, FactKind.DEVICE_SILENT, silentAt);
                f.silentForS = profile.silenceAfterMs() / 1000;
                offer(d, s, f, ctx, out, profile);
            }
        }
        schedule(d, ctx.getCurrentKey(), ctx.timerService(), nextPending);
        device.update(d);
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
     * now say they end (earlier for a tighter window, later for a looser one, gone for a disabled
     * rule), never before {@code notBefore} (a decision already passed is not revisited), and its one
     * timer follows them, its session's end and its silence deadline.
     */
    public void retime(String key, TimerService timers, long notBefore) throws Exception {
        DeviceState d = device.value();
        if (d == null) {
            return;
        }
        Iterable<DeviceFact> all = deadlines.get();
        if (all != null) {
            DeviceInfo info = inventory.lookupKey(key, d.site);
            List<DeviceFact> keep = new ArrayList<>();
            for (DeviceFact deadline : all) {
                long when = versions.deadline(deadline, info);
                if (when != NONE) {
                    deadline.ts = Math.max(when, notBefore);
                    keep.add(deadline);
                }
            }
            keepDeadlines(d, keep);
        }
        schedule(d, key, timers, nextPendingTs());
        device.update(d);
    }

    /** Applies one event in event-time order. */
    private void apply(DeviceEvent e, DeviceState d, Context ctx, Collector<DeviceFact> out) throws Exception {
        String key = ctx.getCurrentKey();
        long ts = e.getTs();
        EventKind kind = e.getKind();
        boolean liveness = kind != EventKind.ping || Boolean.TRUE.equals(e.getOk());
        // A deadline at this very moment has passed before the event counts (as CEP's within).
        expireDeadlines(d, ts, key, out);
        PatchSession s = session.value();
        RuleProfile profile = profile(key, d, ts, s == null ? NONE : s.start);
        if (s != null && ts >= s.lastInstall + profile.sessionWindowMs()) {
            closeSession(d, s, ctx, out, profile);
            s = null;
        }
        if (liveness) {
            if (d.silentSince != NONE && ts >= d.silentSince) {
                if (d.silentInSession) {
                    DeviceFact back = fact(key, d, s, FactKind.DEVICE_BACK, ts);
                    back.silentForS = d.lastSignal == NONE ? NONE : (ts - d.lastSignal) / 1000;
                    offer(d, s, back, ctx, out, profile);
                }
                d.silentSince = NONE;
                d.silentInSession = false;
                counts.silent--;
            }
            d.lastSignal = Math.max(d.lastSignal, ts);
        }
        FactKind factKind = switch (kind) {
            case patch_started -> FactKind.PATCH_STARTED;
            case patch_installed -> FactKind.PATCH_INSTALLED;
            case patch_failed -> FactKind.PATCH_FAILED;
            case reboot_required -> FactKind.REBOOT_REQUIRED;
            case reboot_initiated -> FactKind.REBOOT_INITIATED;
            case booted -> FactKind.BOOTED;
            case unexpected_shutdown -> FactKind.UNEXPECTED_SHUTDOWN;
            case service_state -> FactKind.SERVICE_STATE;
            case service_failed -> FactKind.SERVICE_FAILED;
            case ping -> FactKind.PING;
            default -> null;
        };
        switch (kind) {
            case patch_installed, patch_failed -> s = joinSession(d, s, e, ctx, out, profile);
            case booted -> {
                if (s != null) {
                    s.bootedAt = ts;
                    session.update(s);
                }
            }
            case unexpected_shutdown -> {
                // One crash is logged twice at the next boot (EventLog 6008 and Kernel-Power 41):
                // one fact, unless a boot came between (a boot loop crashes again and again).
                if (s != null) {
                    if (s.lastUnexpectedShutdown != NONE && ts - s.lastUnexpectedShutdown <= SAME_CRASH_MS
                            && (s.bootedAt == NONE || s.bootedAt < s.lastUnexpectedShutdown)) {
                        factKind = null;
                    } else {
                        s.lastUnexpectedShutdown = ts;
                        session.update(s);
                    }
                }
            }
            case service_state -> {
                if (e.getState() == ServiceState.running) {
                    Long prev = lastRunning.get(e.getService());
                    if (prev == null ? learnsAnotherService() : prev < ts) {
                        lastRunning.put(e.getService(), ts);
                    }
                }
            }
            default -> {}
        }
        if (factKind != null && needs.usesKind(factKind)) {
            DeviceFact f = fact(key, d, s, factKind, ts);
            eventFields(f, e);
            offer(d, s, f, ctx, out, profile);
        }
    }

    /**
     * Hands a fact to whatever can use it: the rules when it starts one (and the absences it starts
     * get their deadlines) or may continue a match started recently; the incidents when it may
     * resolve one. Everything else stays here.
     */
    private void offer(DeviceState d, PatchSession s, DeviceFact f, Context ctx, Collector<DeviceFact> out, RuleProfile profile)
            throws Exception {
        DeviceInfo info = inventory.lookupKey(f.key, d.site);
        // A rule disabled for this device at the fact's time starts nothing.
        long starts = needs.startingRules(f);
        if (starts != 0) {
            starts &= versions.enabledRules(info, f.ts, f.sessionStart);
        }
        stamp(f, info);
        long oneShot = starts & needs.oneShotRules();
        if (oneShot != 0 && s != null) {
            // One-shot rules start once per session: at its first fact that matches their start.
            f.firstStarts = oneShot & ~s.oneShotUsed;
            starts &= ~(oneShot & s.oneShotUsed);
            if (f.firstStarts != 0) {
                s.oneShotUsed |= f.firstStarts;
                session.update(s);
            }
        } else {
            f.firstStarts = oneShot;
        }
        if (starts != 0) {
            d.problems |= needs.mayComplete(f);
            d.openUntil = Math.max(d.openUntil, needs.openUntil(f, starts));
            out.collect(f);
            List<DeviceFact> due = needs.deadlines(f, starts, profile);
            if (!due.isEmpty()) {
                for (DeviceFact deadline : due) {
                    // When it ends under the versions known now (the same as f + window while
                    // nothing was published after f's time).
                    deadline.ts = versions.deadline(deadline, info);
                    if (deadline.ts == NONE) {
                        continue; // a version already known disables the rule before it would end
                    }
                    deadlines.add(deadline);
                    d.nextDeadline = min(d.nextDeadline, deadline.ts);
                }
            }
        } else if (d.openUntil != NONE && f.ts <= d.openUntil && needs.continues(f)) {
            d.problems |= needs.mayComplete(f);
            out.collect(f);
        }
        if (d.nextDeadline != NONE && needs.mayAnswer(f.kind)) {
            dropAnsweredDeadlines(d, f);
        }
        if (d.problems && needs.resolves(f)) {
            ctx.output(JobTags.RESOLUTIONS, f);
        }
    }

    /**
     * What a fact carries downstream from the rules version in force at its time: the version's
     * number (for the alert) and the windows CEP checks itself (CEP cannot read the versions).
     */
    private void stamp(DeviceFact f, DeviceInfo info) {
        f.rulesVersion = versions.at(f.ts).version();
        f.windows = versions.stepWindows(info, f.ts, f.sessionStart);
    }

    /** Deadlines whose absence {@code f} answers (a boot after a restart) would match nothing in CEP. */
    private void dropAnsweredDeadlines(DeviceState d, DeviceFact f) throws Exception {
        Iterable<DeviceFact> all = deadlines.get();
        if (all == null) {
            return;
        }
        List<DeviceFact> keep = new ArrayList<>();
        boolean dropped = false;
        for (DeviceFact deadline : all) {
            if (needs.answers(deadline, f)) {
                dropped = true;
            } else {
                keep.add(deadline);
            }
        }
        if (dropped) {
            keepDeadlines(d, keep);
        }
    }

    /** A ping as the fact it would be, to ask whether some rule wants it. */
    private static DeviceFact pingFact(DeviceEvent e) {
        DeviceFact f = new DeviceFact();
        f.kind = FactKind.PING;
        f.ts = e.getTs();
        eventFields(f, e);
        return f;
    }

    private static void eventFields(DeviceFact f, DeviceEvent e) {
        f.service = e.getService();
        f.state = e.getState() == null ? null : e.getState().name();
        f.startType = e.getStartType();
        f.update = updateOf(e);
        f.kb = e.getKb();
        f.title = e.getTitle();
        f.error = e.getError();
        f.reason = e.getReason();
        f.source = e.getSource();
        f.rebootRequired = e.getRebootRequired();
        f.ok = e.getOk();
        f.rttMs = e.getRttMs();
        f.lossPct = e.getLossPct();
    }

    /** Opens a session at this install, or adds the install to the open one. */
    private PatchSession joinSession(DeviceState d, PatchSession s, DeviceEvent e, Context ctx, Collector<DeviceFact> out,
                                     RuleProfile profile) throws Exception {
        boolean opened = s == null;
        if (opened) {
            counts.openSessions++;
            s = new PatchSession();
            s.start = e.getTs();
            s.lastInstall = e.getTs();
            s.critical = criticalServices(profile, e.getTs());
        } else {
            s.lastInstall = Math.max(s.lastInstall, e.getTs());
        }
        addUpdate(s, e);
        session.update(s);
        if (opened && needs.usesKind(FactKind.SESSION_OPENED)) {
            offer(d, s, fact(ctx.getCurrentKey(), d, s, FactKind.SESSION_OPENED, e.getTs()), ctx, out, profile);
        }
        return s;
    }

    /** Adds an update to the session's KBs, or (no KB: a driver, a Store app) to its titled updates. */
    private static void addUpdate(PatchSession s, DeviceEvent e) {
        String kb = e.getKb();
        if (kb != null ? Arrays.asList(s.kbs).contains(kb) : Arrays.asList(s.updateIds).contains(updateOf(e))) {
            return;
        }
        if (s.kbs.length + s.updates.length >= PatchSession.MAX_KBS) {
            s.moreKbs++; // a repeat beyond the cap counts again: an estimate, never unbounded
        } else if (kb != null) {
            s.kbs = append(s.kbs, kb);
        } else {
            s.updateIds = append(s.updateIds, updateOf(e));
            s.updates = append(s.updates, e.getTitle() != null ? e.getTitle() : updateOf(e));
        }
    }

    private static String[] append(String[] a, String v) {
        String[] b = Arrays.copyOf(a, a.length + 1);
        b[a.length] = v;
        return b;
    }

    /**
     * Whether the device may learn one more service: at most {@link #MAX_LEARNED_SERVICES}, so a
     * feed that calls a thousand names "running" cannot make a thousand critical services (and a
     * thousand alerts) of one device. Counting walks the map, but only for a name not seen before.
     */
    private boolean learnsAnotherService() throws Exception {
        int n = 0;
        for (String ignored : lastRunning.keys()) {
            if (++n >= MAX_LEARNED_SERVICES) {
                return false;
            }
        }
        return true;
    }

    /** The configured services plus those seen running within the lookback before the session. */
    private String[] criticalServices(RuleProfile profile, long sessionStart) throws Exception {
        List<String> critical = new ArrayList<>(profile.criticalServices());
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, Long> run : lastRunning.entries()) {
            if (run.getValue() < sessionStart - profile.baselineLookbackMs()) {
                stale.add(run.getKey());
            } else if (run.getValue() <= sessionStart
                    && critical.stream().noneMatch(run.getKey()::equalsIgnoreCase)) {
                critical.add(run.getKey());
            }
        }
        for (String service : stale) {
            lastRunning.remove(service);
        }
        return critical.toArray(new String[0]);
    }

    private void closeSession(DeviceState d, PatchSession s, Context ctx, Collector<DeviceFact> out, RuleProfile profile)
            throws Exception {
        counts.openSessions--;
        session.clear();
        if (needs.usesKind(FactKind.SESSION_CLOSED)) {
            DeviceFact closed = fact(ctx.getCurrentKey(), d, s, FactKind.SESSION_CLOSED, s.lastInstall + profile.sessionWindowMs());
            closed.inSession = false;
            offer(d, null, closed, ctx, out, profile);
        }
    }

    /** Alive, with a last signal, and monitored before its silence would start. */
    private static boolean watchedForSilence(DeviceState d, RuleProfile profile) {
        return d.silentSince == NONE && d.lastSignal != NONE && d.monitoredSince != NONE
                && d.monitoredSince <= d.lastSignal + profile.silenceAfterMs();
    }

    /** Keeps exactly one timer, at the earliest moment something is due. */
    private void schedule(DeviceState d, String key, TimerService timers, long nextPending) throws Exception {
        long next = nextPending;
        PatchSession s = session.value();
        // Session end and silence as the version in force now says (a new version moves them: retime).
        RuleProfile profile = profile(key, d, timers.currentWatermark(), s == null ? NONE : s.start);
        if (s != null) {
            // Silence matters only inside a patch session (a session opens with an install, itself
            // a sign of life): a quiet device outside one keeps no timer at all.
            next = min(next, s.lastInstall + profile.sessionWindowMs());
            if (watchedForSilence(d, profile)) {
                next = min(next, d.lastSignal + profile.silenceAfterMs());
            }
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

    /** Stores the deadlines still pending, and the earliest of them in the device record. */
    private void keepDeadlines(DeviceState d, List<DeviceFact> keep) throws Exception {
        d.nextDeadline = EventTimeBuffer.earliest(keep, f -> f.ts);
        EventTimeBuffer.store(deadlines, keep);
    }

    /**
     * Every deadline at or before {@code now} goes to the rules, in time order: the CEP match of
     * that absence fires unless a fact it awaited came first (then the deadline matches nothing).
     */
    private void expireDeadlines(DeviceState d, long now, String key, Collector<DeviceFact> out) throws Exception {
        if (d.nextDeadline == NONE || d.nextDeadline > now) {
            return; // nothing due: the deadlines are not even read
        }
        EventTimeBuffer<DeviceFact> all = EventTimeBuffer.split(deadlines.get(), now, f -> f.ts);
        if (all.due().isEmpty()) {
            return;
        }
        DeviceInfo info = inventory.lookupKey(key, d.site);
        for (DeviceFact f : all.due()) {
            stamp(f, info); // the version in force when the absence ended
            out.collect(f);
        }
        // An absence's window ran out: its rule may fire, so what resolves it must reach the incidents.
        d.problems = true;
        keepDeadlines(d, all.later());
    }

    private long nextPendingTs() throws Exception {
        return EventTimeBuffer.earliest(pending.get(), DeviceEvent::getTs);
    }

    private static long min(long a, long b) {
        return a == NONE ? b : b == NONE ? a : Math.min(a, b);
    }

    /** A device's parameters at {@code ts}, for its session opened at {@code sessionStart} (or NONE). */
    private RuleProfile profile(String key, DeviceState d, long ts, long sessionStart) {
        return versions.profileFor(inventory.lookupKey(key, d.site), ts, sessionStart);
    }

    /** A fleet has few sites: share one string per site instead of one per device. */
    private String canonical(String site) {
        return site == null ? null : sites.computeIfAbsent(site, s -> s);
    }

    private static String tenantOf(String key) {
        return DeviceKeys.tenantOf(key);
    }

    static String updateOf(DeviceEvent e) {
        return e.getKb() != null ? e.getKb() : e.getUpdateId();
    }

    private static DeviceFact fact(String key, DeviceState d, PatchSession s, FactKind kind, long ts) {
        DeviceFact f = new DeviceFact();
        f.key = key;
        f.tenant = tenantOf(key);
        f.site = d.site;
        f.device = DeviceKeys.displayName(key, d.name);
        f.kind = kind;
        f.ts = ts;
        // What was true at the fact's time: heartbeats ahead of the watermark are already counted
        // in lastSignal, and must not leak into the context of an earlier fact.
        f.lastSeen = d.lastSignal == NONE ? NONE : Math.min(d.lastSignal, ts);
        if (s != null) {
            f.inSession = true;
            f.sessionStart = s.start;
            f.kbs = s.kbs;
            f.updates = s.updates;
            f.moreKbs = s.moreKbs;
            f.bootedAt = s.bootedAt;
            f.critical = s.critical;
        }
        return f;
    }
}
