package io.patchwatch.jobs.incident;

import io.patchwatch.jobs.eventtime.EventTimeBuffer;
import io.patchwatch.jobs.eventtime.StopAtEndOperator;
import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.fact.FactKind;
import io.patchwatch.jobs.fact.Trigger;
import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.jobs.live.RuleVersion;
import io.patchwatch.jobs.live.RuleVersions;
import io.patchwatch.jobs.metrics.JobMetrics;
import io.patchwatch.jobs.rules.RuleDefinition;
import io.patchwatch.jobs.rules.RuleParams;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertStatus;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns rule triggers and resolving facts into alerts, per device, as a pipeline: the {@link
 * IncidentBook} decides (a new episode, a repeat, a resolve), the {@link AlertFactory} builds the
 * alert from the rule and the fact; noise control ({@link io.patchwatch.jobs.noise.NoiseControl}, the
 * next operator) decides what of it is sent, and when. One
 * alert per (rule, device, session, episode[, service or update]), {@code firing} then {@code
 * resolved} with the same stable dedup key ({@code tenant/device/rule/sessionStart/episode[/subject]}).
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
public class IncidentManager extends KeyedCoProcessFunction<String, Trigger, DeviceFact, Alert> implements StopAtEndOperator.Stoppable {
    private static final long serialVersionUID = 1L;
    private static final long NONE = DeviceFact.NONE;

    /**
     * A clock stop known only at the end of the input: the last watermark before it (a recording
     * read as it streams).
     */
    public static final long CLOCK_STOP_AT_END = Long.MIN_VALUE;

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
    private transient IncidentBook book;
    private transient JobMetrics.LabelledCounters alerts;
    private transient Counter duplicates;
    private transient Histogram detectionLag;
    /** While onTimer runs: the facts it keeps pending, where a fact scheduled meanwhile goes too. */
    private transient List<DeviceFact> scheduledInTimer;

    /**
     * @param clockStop nothing with a later time is emitted (Long.MAX_VALUE when live; {@link
     *     #CLOCK_STOP_AT_END}: the last watermark before the end)
     */
    public IncidentManager(RuleSet rules, Inventory inventory, long clockStop) {
        this(new RuleVersions(rules), inventory, clockStop);
    }

    public IncidentManager(RuleVersions versions, Inventory inventory, long clockStop) {
        this.versions = versions;
        this.rules = versions.compiled();
        this.inventory = inventory;
        this.live = clockStop == Long.MAX_VALUE;
        this.clockStop = clockStop == CLOCK_STOP_AT_END ? Long.MAX_VALUE : clockStop;
        this.retentionMs = rules.plan().longestHorizonMs();
    }

    /** The end of a streamed recording: nothing after {@code stop} fires or resolves. */
    @Override
    public void stopClockAt(long stop) {
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
    public void open(OpenContext openContext) throws Exception {
        pendingTriggers = getRuntimeContext().getListState(States.PENDING_TRIGGERS);
        pendingFacts = getRuntimeContext().getListState(States.PENDING_FACTS);
        book = new IncidentBook(getRuntimeContext().getMapState(States.INCIDENTS), retentionMs);
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
            onTrigger(t, ctx, out);
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
                onTrigger(dueTriggers.get(i++), ctx, out);
            } else {
                onResolvingFact(dueFacts.get(j++), ctx, out);
            }
        }
        scheduledInTimer = null;
        triggers.keepLater(pendingTriggers);
        facts.keepLater(pendingFacts);
        // 5. Forget incidents that ended more than the retention ago.
        book.forget(timestamp);
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
        RuleVersion newest = versions.latest();
        for (Incident inc : book.firing()) {
            if (!params(inc.alert, newest.effectiveFrom()).enabled()) {
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

    private void onTrigger(Trigger t, Context ctx, Collector<Alert> out) throws Exception {
        DeviceFact f = t.fact;
        RuleParams params = versions.profileFor(inventory.lookup(f.tenant, f.device, f.site), t.ts, f.sessionStart).rule(t.rule());
        if (!params.enabled()) {
            return;
        }
        RuleDefinition rule = rules.rule(t.rule());
        Incident inc = book.fire(t, rule.neverResolves(), episode -> AlertFactory.firing(rule, t, params, episode));
        if (inc == null) {
            duplicates.inc();
            return;
        }
        alerts.get(t.rule(), AlertStatus.firing.name()).inc();
        if (live) {
            // Live: how long after its deadline (the trigger's time) the alert leaves this operator.
            detectionLag.update(Math.max(0, System.currentTimeMillis() - t.ts));
        }
        out.collect(inc.alert);
        if (inc.firing) {
            resolveWhenDisabled(t.key(), inc.alert, t.ts, ctx.timerService());
        }
    }

    /**
     * A version already known that disables the rule after {@code from} (a replay knows them all; live,
     * one published ahead with a later effective_from): the incident resolves when it is in force.
     */
    private void resolveWhenDisabled(String key, Alert alert, long from, TimerService timers) throws Exception {
        for (RuleVersion v : versions.all()) {
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

    private static DeviceFact disabledAt(String key, RuleVersion v, long ts) {
        DeviceFact f = new DeviceFact();
        f.key = key;
        f.kind = FactKind.RULES_VERSION;
        f.ts = ts;
        f.rulesVersion = v.version();
        return f;
    }

    private void onResolvingFact(DeviceFact f, Context ctx, Collector<Alert> out) throws Exception {
        boolean disabling = f.kind == FactKind.RULES_VERSION;
        List<Incident> ended = book.resolve(f.ts, inc -> disabling ? !params(inc.alert, f.ts).enabled()
                : rules.rule(inc.alert.getRule()).resolvedBy(f, inc.subject));
        for (Incident inc : ended) {
            alerts.get(inc.alert.getRule(), AlertStatus.resolved.name()).inc();
            out.collect(AlertFactory.resolved(inc.alert, f.ts, disabling ? "rule_disabled" : null));
            ctx.timerService().registerEventTimeTimer(book.forgottenAt(f.ts));
        }
    }
}
