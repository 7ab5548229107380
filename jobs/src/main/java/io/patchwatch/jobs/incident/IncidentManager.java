package io.patchwatch.jobs.incident;

import io.patchwatch.jobs.eventtime.EventTimeBuffer;
import io.patchwatch.jobs.config.Inventory;
import io.patchwatch.jobs.rules.RuleDefinition;
import io.patchwatch.jobs.rules.RuleParams;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.jobs.rules.RuleVersions;
import io.patchwatch.jobs.device.FactKind;
import org.apache.flink.streaming.api.TimerService;
import io.patchwatch.jobs.device.DeviceFact;
import io.patchwatch.jobs.rules.Trigger;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertContext;
import io.patchwatch.schemas.AlertStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import io.patchwatch.jobs.metrics.JobMetrics;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns rule triggers and resolving facts into alerts, per device: one alert per (rule, device,
 * session, episode[, service or update]), {@code firing} then {@code resolved} with the same stable
 * dedup key ({@code tenant/device/rule/sessionStart/episode[/subject]}).
 *
 * <ol>
 *   <li>Both inputs are buffered until the watermark passes them and then handled in timestamp order
 *       (triggers before facts at equal times): a rule's timeout is only noticed when the watermark
 *       passes its deadline, possibly after the fact that resolves it arrived.
 *   <li>A trigger for an incident already firing is a duplicate (an RMM retry, a second boot) and
 *       is dropped. A trigger for a resolved one opens the next episode.
 *   <li>A resolving fact ends every firing incident whose rule's {@code resolve} it meets (for
 *       the incident's service or update, where the rule has one as its subject). A rule that
 *       never resolves leaves no incident firing: a later trigger is a new episode.
 *   <li>Nothing after the clock stop is emitted (replay: the last input event). A recording read as
 *       it streams only knows its clock stop at its end: its last watermark before the end of
 *       input, which {@link IncidentOperator} hands over ({@link #stopClockAt}).
 *   <li>Incidents no longer firing are forgotten after the retention (the longest a session and its
 *       rules can last), which brings a device's state back to empty.
 * </ol>
 */
public class IncidentManager extends KeyedCoProcessFunction<String, Trigger, DeviceFact, Alert> {
    private static final long serialVersionUID = 1L;
    private static final long NONE = DeviceFact.NONE;

    /** Detection lag: the last observations kept for its quantiles. */
    private static final int LAG_WINDOW = 10_000;

    /** The job's rules and the versions published: severity, message and enabled as in force at each decision. */
    private final RuleVersions versions;
    private final RuleSet rules;
    private final Inventory inventory;
    private long clockStop;
    /** Live: the detection lag is measured (a replay's times are not the wall clock's). */
    private final boolean live;
    private final long retentionMs;

    private transient ListState<Trigger> pendingTriggers;
    private transient ListState<DeviceFact> pendingFacts;
    private transient MapState<String, Incident> incidents;
    private transient JobMetrics.LabelledCounters alerts;
    private transient Counter duplicates;
    private transient Histogram detectionLag;
    /** While onTimer runs: the facts it keeps pending, where a fact scheduled meanwhile goes too. */
    private transient List<DeviceFact> scheduledInTimer;

    /**
     * @param clockStop nothing with a later time is emitted (Long.MAX_VALUE when live; {@link
     *     io.patchwatch.jobs.JobSettings#CLOCK_STOP_AT_END}: the last watermark before the end)
     */
    public IncidentManager(RuleSet rules, Inventory inventory, long clockStop) {
        this(new RuleVersions(rules), inventory, clockStop);
    }

    public IncidentManager(RuleVersions versions, Inventory inventory, long clockStop) {
        this.versions = versions;
        RuleSet rules = versions.compiled();
        this.rules = rules;
        this.inventory = inventory;
        this.live = clockStop == Long.MAX_VALUE;
        this.clockStop = clockStop == io.patchwatch.jobs.JobSettings.CLOCK_STOP_AT_END ? Long.MAX_VALUE : clockStop;
        this.retentionMs = rules.longestHorizonMs();
    }

    /** The end of a streamed recording: nothing after {@code stop} fires or resolves. */
    void stopClockAt(long stop) {
        clockStop = Math.min(clockStop, stop);
    }

    /** State descriptors, shared with the tests that check cleanup. */
    public static final class States {
        public static final ListStateDescriptor<Trigger> PENDING_TRIGGERS =
                new ListStateDescriptor<>("pending-triggers", TypeInformation.of(Trigger.class));
        public static final ListStateDescriptor<DeviceFact> PENDING_FACTS =
                new ListStateDescriptor<>("pending-facts", TypeInformation.of(DeviceFact.class));
        public static final MapStateDescriptor<String, Incident> INCIDENTS =
                new MapStateDescriptor<>("incidents", Types.STRING, TypeInformation.of(Incident.class));

        private States() {}
    }

    @Override
    public void open(OpenContext openContext) {
        pendingTriggers = getRuntimeContext().getListState(States.PENDING_TRIGGERS);
        pendingFacts = getRuntimeContext().getListState(States.PENDING_FACTS);
        incidents = getRuntimeContext().getMapState(States.INCIDENTS);
        MetricGroup metrics = JobMetrics.group(getRuntimeContext());
        alerts = new JobMetrics.LabelledCounters(metrics, JobMetrics.ALERTS, "rule", "status");
        duplicates = metrics.counter(JobMetrics.DUPLICATE_TRIGGERS);
        detectionLag = metrics.histogram(JobMetrics.DETECTION_LAG, new DescriptiveStatisticsHistogram(LAG_WINDOW));
    }

    @Override
    public void processElement1(Trigger t, Context ctx, Collector<Alert> out) throws Exception {
        if (t.ts > clockStop) {
            return;
        }
        if (t.ts <= ctx.timerService().currentWatermark()) {
            onTrigger(t, ctx.timerService(), out);
            return;
        }
        pendingTriggers.add(t);
        ctx.timerService().registerEventTimeTimer(t.ts);
    }

    @Override
    public void processElement2(DeviceFact f, Context ctx, Collector<Alert> out) throws Exception {
        if (f.ts > clockStop) {
            return;
        }
        if (f.ts <= ctx.timerService().currentWatermark()) {
            onResolvingFact(f, ctx, out);
            return;
        }
        // Buffered even with no incident open: the trigger it resolves may still be on its way (a
        // rule notices a deadline only when its watermark passes it).
        pendingFacts.add(f);
        ctx.timerService().registerEventTimeTimer(f.ts);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        // 1. Everything due, in time order, triggers first at equal times.
        // Past a stop learnt at the end of a recording: dropped, as if never received.
        EventTimeBuffer<Trigger> triggers = EventTimeBuffer.split(pendingTriggers.get(), timestamp, clockStop, t -> t.ts);
        EventTimeBuffer<DeviceFact> facts = EventTimeBuffer.split(pendingFacts.get(), timestamp, clockStop, f -> f.ts);
        List<Trigger> dueTriggers = triggers.due();
        List<DeviceFact> dueFacts = facts.due();
        scheduledInTimer = facts.later();
        int i = 0;
        int j = 0;
        while (i < dueTriggers.size() || j < dueFacts.size()) {
            if (j >= dueFacts.size() || (i < dueTriggers.size() && dueTriggers.get(i).ts <= dueFacts.get(j).ts)) {
                onTrigger(dueTriggers.get(i++), ctx.timerService(), out);
            } else {
                onResolvingFact(dueFacts.get(j++), ctx, out);
            }
        }
        scheduledInTimer = null;
        triggers.keepLater(pendingTriggers);
        facts.keepLater(pendingFacts);
        // 5. Forget incidents that ended more than the retention ago.
        List<String> expired = new ArrayList<>();
        for (Map.Entry<String, Incident> e : incidents.entries()) {
            Incident inc = e.getValue();
            if (!inc.firing && inc.lastChange + retentionMs <= timestamp) {
                expired.add(e.getKey());
            }
        }
        for (String id : expired) {
            incidents.remove(id);
        }
    }

    /** The versions this book decides with. */
    public RuleVersions versions() {
        return versions;
    }

    /**
     * After a new rules version, for the current device: if it disables the rule of a firing
     * incident, that incident resolves ({@code reason: rule_disabled}) when the version is in force,
     * never before {@code notBefore}.
     */
    void rulesChanged(String key, TimerService timers, long notBefore) throws Exception {
        io.patchwatch.jobs.rules.RuleVersion newest = versions.latest();
        for (Incident inc : incidents.values()) {
            if (inc.firing && !params(inc.alert, newest.effectiveFrom()).enabled()) {
                DeviceFact f = disabledAt(key, newest, Math.max(newest.effectiveFrom(), notBefore));
                pendingFacts.add(f);
                timers.registerEventTimeTimer(f.ts);
                return;
            }
        }
    }

    private RuleParams params(Alert a, long ts) {
        long sessionStart = a.getContext().getInstalledAt() == null ? NONE : a.getContext().getInstalledAt();
        return versions.profileFor(inventory.lookup(a.getTenant(), a.getDevice(), a.getSite()), ts, sessionStart).rule(a.getRule());
    }

    private void onTrigger(Trigger t, TimerService timers, Collector<Alert> out) throws Exception {
        RuleParams params = versions.profileFor(inventory.lookup(t.tenant, t.device, t.site), t.ts, t.sessionStart).rule(t.rule);
        if (!params.enabled()) {
            return;
        }
        boolean oneShot = rules.rule(t.rule).neverResolves();
        String id = t.rule + "|" + t.sessionStart + "|" + (t.subject == null ? "" : t.subject.toLowerCase(Locale.ROOT));
        Incident inc = incidents.get(id);
        if (inc != null && (inc.firing || (oneShot && inc.lastTriggerTs == t.ts))) {
            duplicates.inc();
            return;
        }
        if (inc == null) {
            inc = new Incident();
        }
        inc.episode++;
        inc.firing = !oneShot;
        inc.lastTriggerTs = t.ts;
        inc.lastChange = t.ts;
        inc.subject = t.subject;
        inc.alert = alert(t, params, inc.episode);
        incidents.put(id, inc);
        alerts.get(t.rule, AlertStatus.firing.name()).inc();
        if (live) {
            // Live: how long after its deadline (the trigger's time) the alert leaves this operator.
            detectionLag.update(Math.max(0, System.currentTimeMillis() - t.ts));
        }
        out.collect(inc.alert);
        if (inc.firing) {
            resolveWhenDisabled(t.key, inc.alert, t.ts, timers);
        }
    }

    /**
     * A version already known that disables the rule after {@code from} (a replay knows them all; live,
     * one published ahead with a later effective_from): the incident resolves when it is in force.
     */
    private void resolveWhenDisabled(String key, Alert alert, long from, TimerService timers) throws Exception {
        for (io.patchwatch.jobs.rules.RuleVersion v : versions.all()) {
            if (v.effectiveFrom() > from && !params(alert, v.effectiveFrom()).enabled()) {
                DeviceFact f = disabledAt(key, v, v.effectiveFrom());
                if (scheduledInTimer != null) {
                    scheduledInTimer.add(f); // onTimer rewrites the pending facts when it is done
                } else {
                    pendingFacts.add(f);
                }
                timers.registerEventTimeTimer(v.effectiveFrom());
                return;
            }
        }
    }

    private static DeviceFact disabledAt(String key, io.patchwatch.jobs.rules.RuleVersion v, long ts) {
        DeviceFact f = new DeviceFact();
        f.key = key;
        f.kind = FactKind.RULES_VERSION;
        f.ts = ts;
        f.rulesVersion = v.version();
        return f;
    }

    private void onResolvingFact(DeviceFact f, Context ctx, Collector<Alert> out) throws Exception {
        List<Map.Entry<String, Incident>> ended = new ArrayList<>();
        for (Map.Entry<String, Incident> e : incidents.entries()) {
            Incident inc = e.getValue();
            if (!inc.firing || inc.alert.getTs() > f.ts) {
                continue;
            }
            if (f.kind == FactKind.RULES_VERSION ? !params(inc.alert, f.ts).enabled()
                    : rules.rule(inc.alert.getRule()).resolvedBy(f, inc.subject)) {
                ended.add(e);
            }
        }
        for (Map.Entry<String, Incident> e : ended) {
            Incident inc = e.getValue();
            inc.firing = false;
            inc.lastChange = f.ts;
            Alert resolve = Alert.newBuilder(inc.alert).setStatus(AlertStatus.resolved).setTs(f.ts)
                    .setReason(f.kind == FactKind.RULES_VERSION ? "rule_disabled" : null).build();
            incidents.put(e.getKey(), inc);
            alerts.get(inc.alert.getRule(), AlertStatus.resolved.name()).inc();
            out.collect(resolve);
            ctx.timerService().registerEventTimeTimer(f.ts + retentionMs);
        }
    }

    private Alert alert(Trigger t, RuleParams params, int episode) {
        boolean isService = rules.rule(t.rule).subject() == RuleDefinition.Subject.SERVICE;
        Long installedAt = t.sessionStart == NONE ? null : t.sessionStart;
        Long lastSeen = t.lastSeen == NONE ? null : t.lastSeen;
        Long bootedAt = t.bootedAt == NONE ? null : t.bootedAt;
        Long silentFor = t.silentForS == NONE ? null : t.silentForS;
        List<String> kbs = Arrays.asList(t.kbs);
        List<String> named = new ArrayList<>(kbs);
        named.addAll(Arrays.asList(t.updates));
        Map<String, String> vars = new HashMap<>();
        vars.put("device", t.device);
        vars.put("tenant", t.tenant);
        vars.put("site", t.site == null ? "-" : t.site);
        vars.put("kbs", named.isEmpty() ? "no KB" : String.join(", ", named) + (t.moreKbs > 0 ? " +" + t.moreKbs + " more" : ""));
        vars.put("service", t.service == null ? "-" : t.service);
        vars.put("update", t.updateName == null ? "-" : t.updateName);
        vars.put("error", t.error == null ? "unknown" : t.error);
        vars.put("window", AlertMessages.duration(t.windowMs));
        vars.put("silent_for", silentFor == null ? "-" : AlertMessages.duration(silentFor * 1000));
        vars.put("installed_at", AlertMessages.time(installedAt));
        vars.put("last_seen", AlertMessages.time(lastSeen));
        vars.put("booted_at", AlertMessages.time(bootedAt));
        String dedupKey = t.tenant + "/" + t.device + "/" + t.rule + "/" + (installedAt == null ? 0 : installedAt)
                + "/" + episode + (t.subject == null ? "" : "/" + t.subject);
        return Alert.newBuilder()
                .setRule(t.rule)
                .setStatus(AlertStatus.firing)
                .setTs(t.ts)
                .setSeverity(params.severity())
                .setTenant(t.tenant)
                .setSite(t.site)
                .setDevice(t.device)
                .setKbs(kbs)
                .setService(isService ? t.service : null)
                .setMessage(AlertMessages.render(params.message(), vars))
                .setContext(AlertContext.newBuilder()
                        .setInstalledAt(installedAt)
                        .setLastSeen(lastSeen)
                        .setBootedAt(bootedAt)
                        .setSilentForS(silentFor)
                        .setUpdate(t.update)
                        .setError(t.error)
                        .setUpdates(Arrays.asList(t.updates))
                        .setRuleVersion(t.rulesVersion > 0 ? t.rulesVersion : null)
                        .build())
                .setDedupKey(dedupKey)
                .build();
    }
}
