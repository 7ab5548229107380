package io.patchwatch.jobs.device;

import io.patchwatch.jobs.JobTags;
import io.patchwatch.jobs.config.DeviceInfo;
import io.patchwatch.jobs.config.Inventory;
import io.patchwatch.jobs.config.RuleIds;
import io.patchwatch.jobs.config.RuleProfile;
import io.patchwatch.jobs.config.RuleSet;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import io.patchwatch.schemas.ServiceState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
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
 * Per device (keyed by tenant/device): liveness, silence, patch sessions, reboots and critical
 * services; emits the rare {@link DeviceFact}s the CEP rules match on, and on {@link
 * JobTags#RESOLUTIONS} the facts that can end an incident. Heartbeats never leave this operator.
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
 *       silence deadline (lastSignal + N), the session end (lastInstall + W). A heartbeat never
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

    private final RuleSet rules;
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
    private transient ValueState<Watches> watches;
    private transient Counter lateEvents;
    private transient Counter silences;
    private transient DeviceCounts counts;
    private transient Map<String, String> sites;

    public DeviceTracker(RuleSet rules, Inventory inventory) {
        this(rules, inventory, JobSettings.DEFAULT_DEVICE_EXPIRY);
    }

    /** @param expiry a device that sent nothing this long is forgotten; null: never */
    public DeviceTracker(RuleSet rules, Inventory inventory, Duration expiry) {
        this.rules = rules;
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
        public static final ValueStateDescriptor<Watches> WATCHES =
                new ValueStateDescriptor<>("watches", Watches.class);
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
        watches = getRuntimeContext().getState(States.WATCHES);
        MetricGroup metrics = JobMetrics.group(getRuntimeContext());
        lateEvents = metrics.counter(JobMetrics.LATE_EVENTS);
        silences = metrics.counter(JobMetrics.SILENCES);
        counts.register(metrics);
        sites = new java.util.HashMap<>();
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
        } else if (kind == EventKind.heartbeat || pingOk) {
            long silenceAfter = profile(ctx.getCurrentKey(), d).silenceAfterMs();
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
        schedule(d, ctx, nextPendingTs());
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
        long nextPending = NONE;
        Iterable<DeviceEvent> buffered = pending.get();
        if (buffered != null) {
            List<DeviceEvent> due = new ArrayList<>();
            List<DeviceEvent> later = new ArrayList<>();
            for (DeviceEvent e : buffered) {
                (e.getTs() <= timestamp ? due : later).add(e);
            }
            if (!due.isEmpty()) {
                due.sort(Comparator.comparingLong(DeviceEvent::getTs));
                for (DeviceEvent e : due) {
                    apply(e, d, ctx, out);
                }
                if (later.isEmpty()) {
                    pending.clear();
                } else {
                    pending.update(later);
                }
            }
            for (DeviceEvent e : later) {
                nextPending = nextPending == NONE ? e.getTs() : Math.min(nextPending, e.getTs());
            }
        }
        expireWatches(d, timestamp, out);
        RuleProfile profile = profile(ctx.getCurrentKey(), d);
        // 2. Session end: open while t < lastInstall + W.
        PatchSession s = session.value();
        if (s != null && timestamp >= s.lastInstall + profile.sessionWindowMs()) {
            closeSession(profile);
            s = null;
        }
        // 3. Silence: no liveness signal for N inside a session, judged once the device was monitored.
        if (s != null && watchedForSilence(d, profile) && d.lastSignal + profile.silenceAfterMs() <= timestamp) {
            long silentAt = d.lastSignal + profile.silenceAfterMs();
            d.silentSince = silentAt;
            d.silentInSession = s != null && silentAt < s.lastInstall + profile.sessionWindowMs();
            silences.inc();
            counts.silent++;
            if (d.silentInSession) {
                DeviceFact f = fact(ctx.getCurrentKey(), d, s, FactKind.DEVICE_SILENT, silentAt);
                problem(d, out, f);
            }
        }
        schedule(d, ctx, nextPending);
        device.update(d);
    }

    /** Applies one event in event-time order. */
    private void apply(DeviceEvent e, DeviceState d, Context ctx, Collector<DeviceFact> out) throws Exception {
        String key = ctx.getCurrentKey();
        RuleProfile profile = profile(ctx.getCurrentKey(), d);
        long ts = e.getTs();
        EventKind kind = e.getKind();
        boolean liveness = kind != EventKind.ping || Boolean.TRUE.equals(e.getOk());
        // A deadline at this very moment has passed before the event counts (as CEP's within).
        expireWatches(d, ts, out);
        PatchSession s = session.value();
        if (s != null && ts >= s.lastInstall + profile.sessionWindowMs()) {
            closeSession(profile);
            s = null;
        }
        if (liveness) {
            if (d.silentSince != NONE && ts >= d.silentSince) {
                if (d.silentInSession) {
                    DeviceFact back = fact(key, d, s, FactKind.DEVICE_BACK, ts);
                    ctx.output(JobTags.RESOLUTIONS, back);
                }
                d.silentSince = NONE;
                d.silentInSession = false;
                counts.silent--;
            }
            d.lastSignal = Math.max(d.lastSignal, ts);
        }
        switch (kind) {
            case patch_installed, patch_failed -> {
                s = joinSession(s, e, profile);
                DeviceFact f = fact(key, d, s, kind == EventKind.patch_installed ? FactKind.PATCH_INSTALLED : FactKind.PATCH_FAILED, ts);
                f.update = updateOf(e);
                f.error = e.getError();
                f.rebootRequired = Boolean.TRUE.equals(e.getRebootRequired());
                if (kind == EventKind.patch_failed) {
                    problem(d, out, f);
                } else {
                    resolution(d, ctx, f);
                    if (f.rebootRequired) {
                        DeviceFact pendingReboot = f.copy();
                        pendingReboot.windowMs = profile.rule(RuleIds.REBOOT_PENDING_TOO_LONG).windowMs();
                        Watches w = watchesOf();
                        if (w.pendingReboot == null) {
                            w.pendingReboot = pendingReboot;
                            watches.update(w);
                        }
                    }
                }
            }
            case reboot_initiated -> {
                if (s != null) {
                    DeviceFact f = fact(key, d, s, FactKind.REBOOT_INITIATED, ts);
                    f.windowMs = profile.rule(RuleIds.REBOOT_HANG).windowMs();
                    Watches w = watchesOf();
                    if (w.reboot == null) {
                        w.reboot = f;
                        watches.update(w);
                    }
                }
            }
            case booted -> {
                if (s != null) {
                    s.bootedAt = ts;
                    s.watchUntil = ts + profile.rule(RuleIds.SERVICE_DOWN_AFTER_REBOOT).windowMs();
                    session.update(s);
                }
                DeviceFact boot = fact(key, d, s, FactKind.BOOTED, ts);
                resolution(d, ctx, boot);
                // Boots end reboot-pending windows (P may outlast the session) and reboot hangs,
                // and start the watch of the session's critical services.
                Watches w = watches.value();
                if (w != null) {
                    w.reboot = null;
                    w.pendingReboot = null;
                }
                if (s != null && s.critical.length > 0) {
                    w = w == null ? new Watches() : w;
                    for (String service : s.critical) {
                        if (w.services.stream().noneMatch(x -> x.service.equalsIgnoreCase(service))) {
                            DeviceFact watch = fact(key, d, s, FactKind.SERVICE_WATCH, ts);
                            watch.service = service;
                            watch.windowMs = profile.rule(RuleIds.SERVICE_DOWN_AFTER_REBOOT).windowMs();
                            w.services.add(watch);
                        }
                    }
                }
                saveWatches(w);
            }
            case unexpected_shutdown -> {
                // One crash is logged twice at the next boot (EventLog 6008 and Kernel-Power 41):
                // report it once.
                if (s != null && (s.lastUnexpectedShutdown == NONE || ts - s.lastUnexpectedShutdown > SAME_CRASH_MS)) {
                    s.lastUnexpectedShutdown = ts;
                    session.update(s);
                    problem(d, out, fact(key, d, s, FactKind.UNEXPECTED_SHUTDOWN, ts));
                }
            }
            case service_state -> {
                if (e.getState() == ServiceState.running) {
                    Long prev = lastRunning.get(e.getService());
                    if (prev == null ? learnsAnotherService() : prev < ts) {
                        lastRunning.put(e.getService(), ts);
                    }
                    DeviceFact running = fact(key, d, s, FactKind.SERVICE_RUNNING, ts);
                    running.service = e.getService();
                    running.windowMs = profile.rule(RuleIds.SERVICE_DOWN_AFTER_REBOOT).windowMs();
                    resolution(d, ctx, running);
                    Watches w = watches.value();
                    if (w != null && watched(s, e.getService(), ts)
                            && w.services.removeIf(x -> x.service.equalsIgnoreCase(e.getService()))) {
                        saveWatches(w);
                    }
                }
            }
            case service_failed -> {
                if (watched(s, e.getService(), ts)) {
                    DeviceFact failed = fact(key, d, s, FactKind.SERVICE_FAILED, ts);
                    failed.service = e.getService();
                    failed.error = e.getError();
                    failed.windowMs = profile.rule(RuleIds.SERVICE_DOWN_AFTER_REBOOT).windowMs();
                    problem(d, out, failed);
                }
            }
            default -> {}
        }
    }

    /** Opens a session at this install, or adds the install to the open one. */
    private PatchSession joinSession(PatchSession s, DeviceEvent e, RuleProfile profile) throws Exception {
        String update = updateOf(e);
        if (s == null) {
            counts.openSessions++;
            s = new PatchSession();
            s.start = e.getTs();
            s.lastInstall = e.getTs();
            s.kbs = new String[] {update};
            s.critical = criticalServices(profile, e.getTs());
        } else {
            s.lastInstall = Math.max(s.lastInstall, e.getTs());
            if (Arrays.stream(s.kbs).noneMatch(update::equals)) {
                if (s.kbs.length >= PatchSession.MAX_KBS) {
                    s.moreKbs++; // a repeat beyond the cap counts again: an estimate, never unbounded
                } else {
                    s.kbs = Arrays.copyOf(s.kbs, s.kbs.length + 1);
                    s.kbs[s.kbs.length - 1] = update;
                }
            }
        }
        session.update(s);
        return s;
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

    private void closeSession(RuleProfile profile) throws Exception {
        counts.openSessions--;
        session.clear();
    }

    /** Alive, with a last signal, and monitored before its silence would start. */
    private static boolean watchedForSilence(DeviceState d, RuleProfile profile) {
        return d.silentSince == NONE && d.lastSignal != NONE && d.monitoredSince != NONE
                && d.monitoredSince <= d.lastSignal + profile.silenceAfterMs();
    }

    private static boolean watched(PatchSession s, String service, long ts) {
        return s != null && s.watchUntil != NONE && ts <= s.watchUntil
                && Arrays.stream(s.critical).anyMatch(service::equalsIgnoreCase);
    }

    /** Keeps exactly one timer, at the earliest moment something is due. */
    private void schedule(DeviceState d, Context ctx, long nextPending) throws Exception {
        RuleProfile profile = profile(ctx.getCurrentKey(), d);
        long next = nextPending;
        PatchSession s = session.value();
        if (s != null) {
            // Silence matters only inside a patch session (a session opens with an install, itself
            // a sign of life): a quiet device outside one keeps no timer at all.
            next = min(next, s.lastInstall + profile.sessionWindowMs());
            if (watchedForSilence(d, profile)) {
                next = min(next, d.lastSignal + profile.silenceAfterMs());
            }
        }
        Watches w = watches.value();
        if (w != null) {
            next = min(next, w.nextDeadline());
        }
        if (next == d.timer) {
            return;
        }
        // A timer later than needed is moved earlier; an earlier one is left and moves itself on
        // firing, so heartbeats that push the deadline out never touch the timer service.
        if (d.timer != NONE && (next == NONE || d.timer <= next)) {
            return;
        }
        if (d.timer != NONE) {
            ctx.timerService().deleteEventTimeTimer(d.timer);
        }
        d.timer = next;
        if (next != NONE) {
            ctx.timerService().registerEventTimeTimer(next);
        }
    }

    private Watches watchesOf() throws Exception {
        Watches w = watches.value();
        return w == null ? new Watches() : w;
    }

    private void saveWatches(Watches w) throws Exception {
        if (w == null || w.isEmpty()) {
            watches.clear();
        } else {
            watches.update(w);
        }
    }

    /**
     * Every watch whose deadline is at or before {@code now} becomes a deadline fact for the rules
     * (the awaited event did not come): CEP then sees one fact per problem, not one per patched
     * device, which keeps it cheap on RocksDB.
     */
    private void expireWatches(DeviceState d, long now, Collector<DeviceFact> out) throws Exception {
        Watches w = watches.value();
        if (w == null || w.nextDeadline() > now) {
            return;
        }
        if (w.reboot != null && w.reboot.ts + w.reboot.windowMs <= now) {
            problem(d, out, deadline(w.reboot, FactKind.REBOOT_HUNG));
            w.reboot = null;
        }
        if (w.pendingReboot != null && w.pendingReboot.ts + w.pendingReboot.windowMs <= now) {
            problem(d, out, deadline(w.pendingReboot, FactKind.REBOOT_STILL_PENDING));
            w.pendingReboot = null;
        }
        List<DeviceFact> expired = new ArrayList<>();
        for (DeviceFact watch : w.services) {
            if (watch.ts + watch.windowMs <= now) {
                expired.add(watch);
            }
        }
        expired.sort(Comparator.comparingLong(f -> f.ts));
        for (DeviceFact watch : expired) {
            problem(d, out, deadline(watch, FactKind.SERVICE_NOT_STARTED));
        }
        w.services.removeAll(expired);
        saveWatches(w);
    }

    /** A fact that can open an incident, to the rules. */
    private static void problem(DeviceState d, Collector<DeviceFact> out, DeviceFact f) {
        d.problems = true;
        out.collect(f);
    }

    /**
     * A fact that can end an incident, to the incidents; none for a device that never had a problem
     * fact (most devices, on a good night): the incidents would only look for nothing, which on
     * RocksDB is an iterator per fact.
     */
    private static void resolution(DeviceState d, Context ctx, DeviceFact f) {
        if (d.problems) {
            ctx.output(JobTags.RESOLUTIONS, f);
        }
    }

    /** The start fact of a watch, as the fact of its deadline. */
    private static DeviceFact deadline(DeviceFact start, FactKind kind) {
        DeviceFact f = start.copy();
        f.kind = kind;
        f.ts = start.ts + start.windowMs;
        return f;
    }

    private long nextPendingTs() throws Exception {
        long next = NONE;
        Iterable<DeviceEvent> buffered = pending.get();
        if (buffered != null) {
            for (DeviceEvent e : buffered) {
                next = next == NONE ? e.getTs() : Math.min(next, e.getTs());
            }
        }
        return next;
    }

    private static long min(long a, long b) {
        return a == NONE ? b : b == NONE ? a : Math.min(a, b);
    }

    private RuleProfile profile(String key, DeviceState d) {
        return rules.profileFor(inventory.lookupKey(key, d.site));
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
            f.moreKbs = s.moreKbs;
            f.bootedAt = s.bootedAt;
        }
        return f;
    }
}
