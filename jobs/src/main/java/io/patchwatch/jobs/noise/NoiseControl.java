package io.patchwatch.jobs.noise;

import io.patchwatch.jobs.eventtime.StopAtEndOperator;
import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.fact.FactKind;
import io.patchwatch.jobs.inventory.DeviceInfo;
import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.jobs.live.RuleVersions;
import io.patchwatch.jobs.metrics.JobMetrics;
import io.patchwatch.jobs.rules.MaintenanceWindow;
import io.patchwatch.jobs.rules.NoiseSettings;
import io.patchwatch.jobs.rules.RuleDefinition;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertContext;
import io.patchwatch.schemas.AlertStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Noise control (FLEET.md): decides, per site, which of the incident book's decisions are paged,
 * held or closed, and when. Keyed by tenant/site: a site outage is a site's concern, and every
 * device's incidents live under its site's key so a parent can hold its children.
 *
 * <ol>
 *   <li>Decisions (firing, resolved) and the devices' silences and returns are buffered until the
 *       watermark passes them and handled in time order (silences, then firings, then resolves at
 *       equal times), so a replay and the live job decide alike.
 *   <li>A firing is held by flapping, the maintenance window it fired in, the silence of the feed
 *       its device was last heard through ({@link FeedWatch}), the site outage that covers its
 *       device, a parent incident of its own device, or its rule's hold_for
 *       ({@link Holds}); else offline-type rules and rules about a service or update wait
 *       group_wait, and the subjects of one rule on one device that fire within it page once.
 *   <li>A held incident ends paged (its hold ended while it still fires, after settle for a parent
 *       or a window) or closed with the reason of its hold (it resolved while held). Resolves of
 *       paged incidents are never held.
 *   <li>The alert's ts stays when its rule fired; {@code context.paged_at} says when it was sent.
 * </ol>
 */
public class NoiseControl extends KeyedCoProcessFunction<String, Alert, DeviceFact, Alert>
        implements StopAtEndOperator.Stoppable, CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final long NONE = Notice.NONE;
    /** The site itself among the keys woken at a time (its outage's settle). */
    private static final String SITE = "";

    /** Every held incident's steps (held, then paged or closed), for {@code replay --held-out}. */
    public static final OutputTag<HeldIncident> HELD = new OutputTag<>("held", TypeInformation.of(HeldIncident.class));

    private final RuleVersions versions;
    private final Inventory inventory;
    private long clockStop;
    /** The feed of devices whose signals carried none (the job's only input), or null. */
    private String soleFeed;

    private transient MapState<Long, List<Alert>> pendingAlerts;
    private transient MapState<Long, List<DeviceFact>> pendingSignals;
    private transient MapState<Long, List<String>> wakeups;
    private transient MapState<String, DeviceNotices> devices;
    private transient MapState<String, SilentDevice> silent;
    private transient ValueState<SiteOutage> outage;
    private transient JobMetrics.LabelledCounters held;
    private transient JobMetrics.LabelledCounters heldResolved;
    private transient JobMetrics.LabelledCounters pages;
    /** Feed silences this instance heard of (operator state: every instance hears them all). */
    private transient FeedSilences feeds;
    private transient ListState<String> feedsState;

    /** @param clockStop nothing later is sent (Long.MAX_VALUE live; {@link io.patchwatch.jobs.incident.IncidentManager#CLOCK_STOP_AT_END}) */
    public NoiseControl(RuleVersions versions, Inventory inventory, long clockStop) {
        this.versions = versions;
        this.inventory = inventory;
        this.clockStop = clockStop == Long.MIN_VALUE ? Long.MAX_VALUE : clockStop;
    }

    /** State descriptors, shared with the tests that check cleanup. */
    public static final class States {
        public static final MapStateDescriptor<String, DeviceNotices> DEVICES =
                new MapStateDescriptor<>("noise-devices", Types.STRING, TypeInformation.of(DeviceNotices.class));
        public static final MapStateDescriptor<String, SilentDevice> SILENT =
                new MapStateDescriptor<>("noise-silent", Types.STRING, TypeInformation.of(SilentDevice.class));

        private States() {}
    }

    /** The site key a decision or a silence belongs to. */
    public static String siteKey(String tenant, String site) {
        return tenant + "/" + (site == null ? "" : site.toLowerCase(Locale.ROOT));
    }

    /** Devices heard through no named feed were heard through {@code feed}, the job's only input. */
    public NoiseControl withSoleFeed(String feed) {
        this.soleFeed = feed;
        return this;
    }

    /** The versions it decides with (live, new ones arrive through {@link NoiseOperator}). */
    RuleVersions versions() {
        return versions;
    }

    @Override
    public void stopClockAt(long stop) {
        clockStop = Math.min(clockStop, stop);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        feeds = new FeedSilences();
        feedsState = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>("noise-feed-silences", Types.STRING));
        if (context.isRestored()) {
            for (String line : feedsState.get()) {
                feeds.addText(line);
            }
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        feedsState.update(feeds.toText());
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        pendingAlerts = getRuntimeContext().getMapState(new MapStateDescriptor<>("noise-pending-alerts", Types.LONG,
                Types.LIST(new AvroTypeInfo<>(Alert.class))));
        pendingSignals = getRuntimeContext().getMapState(new MapStateDescriptor<>("noise-pending-signals", Types.LONG,
                Types.LIST(TypeInformation.of(DeviceFact.class))));
        wakeups = getRuntimeContext().getMapState(new MapStateDescriptor<>("noise-wakeups", Types.LONG, Types.LIST(Types.STRING)));
        devices = getRuntimeContext().getMapState(States.DEVICES);
        silent = getRuntimeContext().getMapState(States.SILENT);
        outage = getRuntimeContext().getState(new ValueStateDescriptor<>("noise-site", TypeInformation.of(SiteOutage.class)));
        MetricGroup metrics = JobMetrics.group(getRuntimeContext());
        held = new JobMetrics.LabelledCounters(metrics, JobMetrics.HELD, "rule", "reason");
        heldResolved = new JobMetrics.LabelledCounters(metrics, JobMetrics.HELD_RESOLVED, "reason");
        pages = new JobMetrics.LabelledCounters(metrics, JobMetrics.PAGES, "rule", "status");
    }

    @Override
    public void processElement1(Alert a, Context ctx, Collector<Alert> out) throws Exception {
        if (a.getTs() > clockStop) {
            return;
        }
        if (a.getTs() <= ctx.timerService().currentWatermark()) {
            onDecision(a, ctx, out);
            return;
        }
        List<Alert> at = pendingAlerts.get(a.getTs());
        at = at == null ? new ArrayList<>() : at;
        at.add(a);
        pendingAlerts.put(a.getTs(), at);
        ctx.timerService().registerEventTimeTimer(a.getTs());
    }

    @Override
    public void processElement2(DeviceFact f, Context ctx, Collector<Alert> out) throws Exception {
        if (f.ts > clockStop) {
            return;
        }
        if (f.ts <= ctx.timerService().currentWatermark()) {
            onSignal(f, ctx, out);
            return;
        }
        List<DeviceFact> at = pendingSignals.get(f.ts);
        at = at == null ? new ArrayList<>() : at;
        at.add(f);
        pendingSignals.put(f.ts, at);
        ctx.timerService().registerEventTimeTimer(f.ts);
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        if (t > clockStop) {
            // Past a recording's end nothing new is received or decided, but an incident that only
            // waited for group_wait is sent as it would have been: a replay loses no firing to it.
            List<String> woken = wakeups.get(t);
            if (woken != null) {
                wakeups.remove(t);
                for (String device : new TreeSet<>(woken)) {
                    if (!device.equals(SITE)) {
                        sendWaiting(device, t, ctx, out);
                    }
                }
            }
            return;
        }
        List<DeviceFact> signals = pendingSignals.get(t);
        if (signals != null) {
            pendingSignals.remove(t);
            // A feed's signals and rules versions name no device.
            signals.sort(Comparator.comparing((DeviceFact f) -> f.device, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
                    .thenComparing(f -> f.kind).thenComparing(f -> f.feed, Comparator.nullsFirst(Comparator.<String>naturalOrder())));
            for (DeviceFact f : signals) {
                onSignal(f, ctx, out);
            }
        }
        List<Alert> decisions = pendingAlerts.get(t);
        if (decisions != null) {
            pendingAlerts.remove(t);
            decisions.sort(Comparator.comparing(Alert::getStatus).thenComparing(Alert::getDedupKey));
            for (Alert a : decisions) {
                onDecision(a, ctx, out);
            }
        }
        List<String> woken = wakeups.get(t);
        if (woken != null) {
            wakeups.remove(t);
            for (String device : new TreeSet<>(woken)) {
                if (device.equals(SITE)) {
                    afterOutage(t, ctx, out);
                } else {
                    wake(device, t, ctx, out);
                }
            }
        }
    }

    // ---- decisions of the incident book ----

    private void onDecision(Alert a, Context ctx, Collector<Alert> out) throws Exception {
        DeviceNotices dn = devices.get(a.getDevice());
        dn = dn == null ? new DeviceNotices() : dn;
        if (a.getStatus() == AlertStatus.firing) {
            onFiring(a, dn, ctx, out);
        } else {
            onResolved(a, dn, ctx, out);
        }
        devices.put(a.getDevice(), dn);
    }

    private void onFiring(Alert a, DeviceNotices dn, Context ctx, Collector<Alert> out) throws Exception {
        long t = a.getTs();
        if (dn.find(a.getDedupKey()) != null) {
            return; // already known (a decision sent twice)
        }
        RuleSet rules = versions.at(t).rules();
        NoiseSettings noise = rules.noise();
        Notice n = new Notice();
        n.id = a.getDedupKey();
        n.alert = a;
        dn.notices.add(n);
        // Flapping first: the firing that makes a flap is not paged itself, nor are later episodes.
        Flap flap = dn.flap(a.getRule(), subjectKey(a, rules));
        flap.firings.removeIf(ts -> ts <= t - noise.flapping().withinMs());
        flap.firings.add(t);
        RuleDefinition rule = rules.find(a.getRule());
        if (rule != null && rule.neverResolves()) {
            flap.lastResolve = t; // a rule that never resolves is over as it fires: quiet counts from each firing
        } else {
            flap.firingNow++;
        }
        wakeAt(t + noise.flapping().withinMs(), a.getDevice(), ctx); // forget the count then
        if (flap.alert == null && flap.firings.size() >= noise.flapping().count()) {
            flap.alert = Pages.flapping(a, flap.subject, flap.firings, noise.flapping().withinMs());
            send(flap.alert, out);
        }
        if (flap.alert != null) {
            if (flap.firingNow == 0) {
                wakeAt(t + noise.flapping().quietMs(), a.getDevice(), ctx);
            }
            hold(n, new Hold(Hold.Kind.FLAPPING, NoiseSettings.FLAPPING, flap.alert.getDedupKey(), NONE), t, ctx);
            if (rule != null && rule.neverResolves()) {
                close(n, t, Hold.Kind.FLAPPING.closeReason, ctx); // nothing would ever end it: the flapping page stands for it
            }
            return;
        }
        DeviceInfo info = inventory.lookup(a.getTenant(), a.getDevice(), a.getSite());
        MaintenanceWindow.Occurrence window = Holds.window(rules.maintenance(), a.getRule(), rule != null, info, t);
        if (window != null) {
            n.maintenance = window.window();
            n.maintenanceDecideAt = window.decideAt();
        }
        // A later subject of one rule on one device joins the first's page if it fires within group_wait of it.
        if (rule != null && rule.subject() != RuleDefinition.Subject.DEVICE) {
            for (Notice leader : dn.notices) {
                if (leader != n && leader.state == NoticeState.PENDING && leader.leader == null && leader.firing
                        && leader.alert.getRule().equals(a.getRule()) && t < leader.alert.getTs() + noise.groupWaitMs()) {
                    n.state = NoticeState.PENDING;
                    n.leader = leader.id;
                    leader.members.add(n.id);
                    return;
                }
            }
        }
        decide(n, t, dn, ctx, out);
    }

    private void onResolved(Alert a, DeviceNotices dn, Context ctx, Collector<Alert> out) throws Exception {
        long t = a.getTs();
        Notice n = dn.find(a.getDedupKey());
        if (n == null) {
            send(a, out); // fired before noise control knew it: whoever heard of it hears the end
            return;
        }
        RuleSet rules = versions.at(t).rules();
        NoiseSettings noise = rules.noise();
        n.firing = false;
        n.resolvedAt = t;
        Flap flap = dn.flap(a.getRule(), subjectKey(a, rules));
        flap.firingNow = Math.max(0, flap.firingNow - 1);
        flap.lastResolve = t;
        if (flap.alert != null) {
            wakeAt(t + noise.flapping().quietMs(), a.getDevice(), ctx);
        }
        switch (n.state) {
            case PAGED -> {
                if (n.membersFiring == 0) {
                    send(Pages.resolved(n.paged, t, a.getReason()), out);
                }
            }
            case GROUPED -> {
                Notice leader = dn.find(n.leader);
                if (leader != null && --leader.membersFiring == 0 && !leader.firing) {
                    send(Pages.resolved(leader.paged, t, a.getReason()), out);
                }
            }
            case HELD -> close(n, t, n.holdKind.closeReason, ctx);
            case PENDING -> {
                // It ended within group_wait: it is paged as it was, and its end with it.
                detachFromGroup(n, dn, ctx);
                page(n, Pages.page(n, t), t, ctx, out);
                send(Pages.resolved(n.paged, t, a.getReason()), out);
            }
            default -> {}
        }
        // Children it held are decided settle after it (a device's reboot-hang after its offline).
        wakeAt(t + Math.max(1, noise.settleMs()), a.getDevice(), ctx);
    }

    /** A pending notice that ends before its group's page: it leaves the group, or hands the group on. */
    private void detachFromGroup(Notice n, DeviceNotices dn, Context ctx) throws Exception {
        if (n.leader != null) {
            Notice leader = dn.find(n.leader);
            if (leader != null) {
                leader.members.remove(n.id);
            }
            n.leader = null;
        } else if (!n.members.isEmpty()) {
            Notice next = dn.find(n.members.get(0));
            next.leader = null;
            next.members = new ArrayList<>(n.members.subList(1, n.members.size()));
            for (String id : next.members) {
                dn.find(id).leader = next.id;
            }
            next.wakeAt = n.wakeAt;
            n.members = new ArrayList<>();
        }
    }

    /** Decides a notice at {@code t}: held, waiting group_wait, or paged (with the subjects grouped under it). */
    private void decide(Notice n, long t, DeviceNotices dn, Context ctx, Collector<Alert> out) throws Exception {
        RuleSet rules = versions.at(t).rules();
        NoiseSettings noise = rules.noise();
        SiteOutage site = outage.value();
        Hold h = Holds.at(n, t, noise, dn, site, silent.get(n.alert.getDevice()), feeds, holdForMs(n));
        if (h != null) {
            hold(n, h, t, ctx);
            releaseMembers(n, t, dn, ctx, out);
            return;
        }
        if (n.state == null && waitsGroupWait(n.alert.getRule(), rules) && t < n.alert.getTs() + noise.groupWaitMs()) {
            n.state = NoticeState.PENDING;
            n.wakeAt = n.alert.getTs() + noise.groupWaitMs();
            wakeAt(n.wakeAt, n.alert.getDevice(), ctx);
            return;
        }
        List<Notice> grouped = new ArrayList<>();
        for (String id : n.members) {
            Notice m = dn.find(id);
            if (m != null && m.state == NoticeState.PENDING && m.firing) {
                m.leader = null;
                Hold mh = Holds.at(m, t, noise, dn, site, silent.get(m.alert.getDevice()), feeds, holdForMs(m));
                if (mh != null) {
                    hold(m, mh, t, ctx);
                } else {
                    m.leader = n.id;
                    m.state = NoticeState.GROUPED;
                    m.paged = null;
                    grouped.add(m);
                }
            }
        }
        n.members = new ArrayList<>();
        for (Notice m : grouped) {
            n.members.add(m.id);
        }
        n.membersFiring = grouped.size();
        page(n, grouped.isEmpty() ? Pages.page(n, t) : Pages.grouped(n, grouped, t), t, ctx, out);
    }

    /** A leader that did not page: the subjects waiting on it are decided on their own. */
    private void releaseMembers(Notice n, long t, DeviceNotices dn, Context ctx, Collector<Alert> out) throws Exception {
        List<String> members = n.members;
        n.members = new ArrayList<>();
        for (String id : members) {
            Notice m = dn.find(id);
            if (m != null && m.state == NoticeState.PENDING && m.firing) {
                m.leader = null;
                m.state = null;
                decide(m, t, dn, ctx, out);
            }
        }
    }

    private void page(Notice n, Alert alert, long t, Context ctx, Collector<Alert> out) {
        boolean wasHeld = n.state == NoticeState.HELD;
        n.state = NoticeState.PAGED;
        n.wakeAt = NONE;
        n.paged = alert;
        send(alert, out);
        if (wasHeld) {
            ctx.output(HELD, HeldIncident.of(HeldIncident.Step.paged, t, n, null));
        }
    }

    private void hold(Notice n, Hold h, long t, Context ctx) throws Exception {
        boolean first = n.state != NoticeState.HELD;
        n.state = NoticeState.HELD;
        n.heldBy = h.heldBy();
        n.holdKind = h.kind();
        n.parent = h.parent();
        n.wakeAt = h.until();
        if (h.until() != NONE) {
            wakeAt(h.until(), n.alert.getDevice(), ctx);
        }
        if (first) {
            held.get(n.alert.getRule(), h.kind().label).inc();
            ctx.output(HELD, HeldIncident.of(HeldIncident.Step.held, t, n, null));
        }
    }

    private void close(Notice n, long t, String reason, Context ctx) {
        n.state = NoticeState.CLOSED;
        n.wakeAt = NONE;
        heldResolved.get(reason).inc();
        ctx.output(HELD, HeldIncident.of(HeldIncident.Step.closed, t, n, reason));
    }

    // ---- time: holds that end, flaps that go quiet, what is forgotten ----

    private void wake(String device, long t, Context ctx, Collector<Alert> out) throws Exception {
        DeviceNotices dn = devices.get(device);
        if (dn == null) {
            return;
        }
        RuleSet rules = versions.at(t).rules();
        NoiseSettings noise = rules.noise();
        for (Notice n : new ArrayList<>(dn.notices)) {
            boolean due = n.wakeAt != NONE && n.wakeAt <= t;
            boolean parentHeld = n.state == NoticeState.HELD && (n.holdKind == Hold.Kind.PARENT);
            if ((n.state == NoticeState.PENDING && n.leader == null && due) || (n.state == NoticeState.HELD && (due || parentHeld))) {
                if (n.firing || neverResolves(n, rules)) {
                    decide(n, t, dn, ctx, out);
                }
            }
        }
        for (Flap f : dn.flaps) {
            if (f.alert != null && f.firingNow == 0 && f.lastResolve != NONE && f.lastResolve + noise.flapping().quietMs() <= t) {
                send(Pages.resolved(f.alert, t, null), out);
                f.alert = null;
            }
        }
        // Forget what can no longer matter: ended notices after settle (a parent's children are
        // decided by then), flap counts older than flapping.within.
        dn.notices.removeIf(n -> n.terminal(neverResolves(n, rules)) && n.membersFiring == 0
                && endedAt(n) + noise.settleMs() < t && n.alert.getTs() + noise.flapping().withinMs() <= t);
        dn.flaps.removeIf(f -> f.alert == null && f.firingNow == 0 && f.firings.stream().allMatch(ts -> ts <= t - noise.flapping().withinMs()));
        if (dn.notices.isEmpty() && dn.flaps.isEmpty()) {
            devices.remove(device);
        } else {
            devices.put(device, dn);
        }
    }

    /** After the clock stop: the device's incidents whose group_wait ends at {@code t} are paged, unless held. */
    private void sendWaiting(String device, long t, Context ctx, Collector<Alert> out) throws Exception {
        DeviceNotices dn = devices.get(device);
        if (dn == null) {
            return;
        }
        for (Notice n : new ArrayList<>(dn.notices)) {
            if (n.state == NoticeState.PENDING && n.leader == null && n.wakeAt == t && n.firing) {
                decide(n, t, dn, ctx, out);
            }
        }
        devices.put(device, dn);
    }

    private static long endedAt(Notice n) {
        if (n.resolvedAt != NONE) {
            return n.resolvedAt;
        }
        return n.paged != null && n.paged.getContext().getPagedAt() != null ? n.paged.getContext().getPagedAt() : n.alert.getTs();
    }

    private void wakeAt(long ts, String device, Context ctx) throws Exception {
        List<String> at = wakeups.get(ts);
        at = at == null ? new ArrayList<>() : at;
        if (!at.contains(device)) {
            at.add(device);
            wakeups.put(ts, at);
        }
        ctx.timerService().registerEventTimeTimer(ts);
    }

    // ---- the site: silences, outage ----

    private void onSignal(DeviceFact f, Context ctx, Collector<Alert> out) throws Exception {
        if (f.kind == FactKind.FEED_SILENT) {
            feeds.silent(f.feed, f.ts);
            return;
        }
        if (f.kind == FactKind.FEED_BACK) {
            feeds.back(f.feed, f.ts);
            feeds.forget(f.ts - 7 * 86_400_000L); // a week of them is plenty for any settle
            return;
        }
        NoiseSettings noise = versions.at(f.ts).rules().noise();
        SiteOutage site = outage.value();
        site = site == null ? new SiteOutage() : site;
        if (f.kind == FactKind.DEVICE_SILENT) {
            if (silent.contains(f.device)) {
                return; // silent already
            }
            SilentDevice sd = new SilentDevice();
            sd.since = f.ts;
            sd.kbs = f.kbs;
            sd.feed = f.feed != null ? f.feed : soleFeed;
            if (feeds.at(f.feed, f.ts) != null) {
                // Its feed is silent: that explains it first; it does not count towards a site outage.
                sd.explainedByFeed = true;
                silent.put(f.device, sd);
            } else if (f.site == null) {
                silent.put(f.device, sd); // a device with no site known is in no site's outage
            } else if (site.active) {
                // Silent while the outage lasts: covered by it.
                sd.covered = true;
                site.silentCovered++;
                site.peak = Math.max(site.peak, site.silentCovered);
                silent.put(f.device, sd);
            } else {
                silent.put(f.device, sd);
                recentSilence(site, f, noise, out);
            }
        } else if (f.kind == FactKind.DEVICE_BACK) {
            SilentDevice sd = silent.get(f.device);
            silent.remove(f.device);
            int i = site.recentDevices.indexOf(f.device);
            if (i >= 0) {
                site.recentDevices.remove(i);
                site.recentTimes.remove(i);
            }
            if (sd != null && sd.covered && site.active && --site.silentCovered < site.threshold / 2.0) {
                site.active = false;
                site.resolvedAt = f.ts;
                Alert resolved = Pages.resolved(site.alert, f.ts, null);
                send(Alert.newBuilder(resolved).setContext(AlertContext.newBuilder(resolved.getContext()).setCount(site.peak).build()).build(), out);
                wakeAt(f.ts + Math.max(1, noise.settleMs()), SITE, ctx);
            }
        }
        outage.update(site);
    }

    /** A device went silent with no outage on: counts it, and decides the outage at the threshold. */
    private void recentSilence(SiteOutage site, DeviceFact f, NoiseSettings noise, Collector<Alert> out) throws Exception {
        while (!site.recentTimes.isEmpty() && site.recentTimes.get(0) <= f.ts - noise.siteOutage().withinMs()) {
            site.recentTimes.remove(0);
            site.recentDevices.remove(0);
        }
        site.recentDevices.add(f.device);
        site.recentTimes.add(f.ts);
        int monitored = inventory.devicesAt(f.tenant, f.site);
        int threshold = noise.siteOutage().threshold(monitored);
        if (site.recentDevices.size() < threshold) {
            return;
        }
        Map<String, Integer> kbCounts = new LinkedHashMap<>();
        for (String d : site.recentDevices) {
            SilentDevice sd = silent.get(d);
            sd.covered = true;
            silent.put(d, sd);
            for (String kb : new TreeSet<>(List.of(sd.kbs))) {
                kbCounts.merge(kb, 1, Integer::sum);
            }
        }
        int version = versions.at(f.ts).version();
        site.alert = Pages.siteOutage(f.tenant, f.site, f.ts, site.recentDevices, kbCounts, monitored, noise.siteOutage().withinMs(),
                version > 0 ? version : null);
        site.active = true;
        site.threshold = threshold;
        site.silentCovered = site.recentDevices.size();
        site.peak = site.silentCovered;
        site.recentDevices = new ArrayList<>();
        site.recentTimes = new ArrayList<>();
        send(site.alert, out);
    }

    /** Settle after an outage resolved: what it held and still fires pages, one by one. */
    private void afterOutage(long t, Context ctx, Collector<Alert> out) throws Exception {
        SiteOutage site = outage.value();
        if (site == null || site.alert == null) {
            return;
        }
        RuleSet rules = versions.at(t).rules();
        List<String> touched = new ArrayList<>();
        for (Map.Entry<String, DeviceNotices> e : devices.entries()) {
            for (Notice n : e.getValue().notices) {
                if (n.state == NoticeState.HELD && n.holdKind == Hold.Kind.SITE_OUTAGE && (n.firing || neverResolves(n, rules))) {
                    touched.add(e.getKey());
                    break;
                }
            }
        }
        for (String device : touched) {
            DeviceNotices dn = devices.get(device);
            for (Notice n : new ArrayList<>(dn.notices)) {
                if (n.state == NoticeState.HELD && n.holdKind == Hold.Kind.SITE_OUTAGE && (n.firing || neverResolves(n, rules))) {
                    decide(n, t, dn, ctx, out);
                }
            }
            devices.put(device, dn);
        }
        if (!site.active) {
            outage.clear();
        }
    }

    // ---- helpers ----

    private void send(Alert a, Collector<Alert> out) {
        pages.get(a.getRule(), a.getStatus().name()).inc();
        out.collect(a);
    }

    private long holdForMs(Notice n) {
        Alert a = n.alert;
        RuleSet rules = versions.at(a.getTs()).rules();
        if (rules.find(a.getRule()) == null) {
            return 0;
        }
        long session = a.getContext().getInstalledAt() == null ? NONE : a.getContext().getInstalledAt();
        return versions.profileFor(inventory.lookup(a.getTenant(), a.getDevice(), a.getSite()), a.getTs(), session)
                .rule(a.getRule()).holdForMs();
    }

    private static boolean waitsGroupWait(String rule, RuleSet rules) {
        if (rules.noise().offlineType(rule)) {
            return true;
        }
        RuleDefinition r = rules.find(rule);
        return r != null && r.subject() != RuleDefinition.Subject.DEVICE;
    }

    private static boolean neverResolves(Notice n, RuleSet rules) {
        RuleDefinition r = rules.find(n.alert.getRule());
        return r != null && r.neverResolves();
    }

    /** What the incident is about, for flapping: its service or update, "" for the device. */
    private static String subjectKey(Alert a, RuleSet rules) {
        RuleDefinition r = rules.find(a.getRule());
        if (r == null || r.subject() == RuleDefinition.Subject.DEVICE) {
            return "";
        }
        return Pages.subjectOf(a).toLowerCase(Locale.ROOT);
    }
}
