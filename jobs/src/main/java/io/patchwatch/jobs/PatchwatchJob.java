package io.patchwatch.jobs;

import io.patchwatch.jobs.fact.JobTags;
import io.patchwatch.jobs.settings.JobSettings;

import io.patchwatch.connectors.adapters.EventAdapter;
import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.fact.FactKind;
import io.patchwatch.jobs.noise.FeedWatch;
import io.patchwatch.jobs.noise.HeldIncident;
import io.patchwatch.jobs.noise.NoiseControl;
import io.patchwatch.jobs.noise.NoiseOperator;
import io.patchwatch.jobs.fact.DeviceKeys;
import io.patchwatch.jobs.device.DeviceTracker;
import io.patchwatch.jobs.device.DeviceTrackerOperator;
import io.patchwatch.jobs.live.RuleVersions;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import io.patchwatch.jobs.incident.IncidentManager;
import io.patchwatch.jobs.incident.IncidentOperator;
import io.patchwatch.jobs.ingest.EventTimeWatermarks;
import io.patchwatch.jobs.ingest.NormalizeEvents;
import io.patchwatch.connectors.adapters.RawRecord;
import io.patchwatch.jobs.rules.RuleCompiler;
import io.patchwatch.jobs.fact.Trigger;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.DeadLetter;
import io.patchwatch.schemas.DeviceEvent;
import java.util.List;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The patchwatch topology. Every mode (demo, replay, run, submit) and every integration test builds
 * it through {@link #defineWorkflow}, with its own sources and sinks around it:
 *
 * <pre>
 * raw records ─► normalize (adapter; bad ► dead letters) ─► event time ─► keyBy(tenant/device)
 *   ─► DeviceTracker ─┬► facts ─► CEP rules (one operator per rule pattern) ─► triggers ─┐
 *                     ├► resolving facts ──────────────────────────────────────────────┴► incidents ─┐
 *                     └► silences and returns ─► keyBy(tenant/site) ─────────────────────► noise control ◄┘ ─► alerts
 * DeviceTracker ─► feed progress ─► feed watch (one key) ─► (feed silent / back, to every key group) ─┘
 *
 * rules topic (live) ─► broadcast ─► DeviceTracker ─► (per key group) ─► incidents, noise control
 * </pre>
 */
public final class PatchwatchJob {
    private PatchwatchJob() {}

    /**
     * What the topology produces: alerts (what is paged, after noise control), dead letters, the
     * normalized events, every held incident's steps, and what the devices' status takes from the
     * tracker (empty unless the topology was defined with the status on; {@code status/DeviceStatusStream}).
     */
    public record Outputs(DataStream<Alert> alerts, DataStream<DeadLetter> deadLetters, DataStream<DeviceEvent> events,
                          DataStream<HeldIncident> held, DataStream<DeviceFact> statusFacts) {}

    /**
     * One input feed and the adapter of its format.
     *
     * @param name part of the normalizing operator's uid (a topic name); "" for the only input
     * @param timestamped the source already assigns event time and watermarks (per Kafka partition,
     *     see {@link io.patchwatch.jobs.ingest.RecordEventTime}); otherwise they are assigned after
     *     parsing, which is right for one ordered input (replay, demo)
     */
    public record Input(String name, DataStream<RawRecord> records, EventAdapter adapter, boolean timestamped) {}

    /** One input: replay and the demo. */
    public static Outputs defineWorkflow(
            DataStream<RawRecord> raw, EventAdapter adapter, JobSettings settings, RuleSet rules, Inventory inventory) {
        return defineWorkflow(List.of(new Input("", raw, adapter, false)), settings, rules, inventory);
    }

    public static Outputs defineWorkflow(List<Input> inputs, JobSettings settings, RuleSet rules, Inventory inventory) {
        return defineWorkflow(inputs, settings, new RuleVersions(rules), null, inventory);
    }

    /**
     * @param versions the job's compiled rules and the versions published for it so far
     * @param rulesRecords live: the records of the rules topic (new versions while the job runs), or null
     */
    public static Outputs defineWorkflow(List<Input> inputs, JobSettings settings, RuleVersions versions,
                                         DataStream<String> rulesRecords, Inventory inventory) {
        return defineWorkflow(inputs, settings, versions, rulesRecords, inventory, false);
    }

    /** @param status whether the tracker hands on what the devices' status takes ({@link Outputs#statusFacts}) */
    public static Outputs defineWorkflow(List<Input> inputs, JobSettings settings, RuleVersions versions,
                                         DataStream<String> rulesRecords, Inventory inventory, boolean status) {
        // 1. Parse each feed with its adapter; bad records to the dead-letter side output.
        DataStream<DeviceEvent> events = null;
        DataStream<DeadLetter> deadLetters = null;
        // One named input (a single topic): its events need not each carry its name.
        String soleFeed = inputs.size() == 1 && !inputs.get(0).name().isEmpty() ? inputs.get(0).name() : null;
        for (Input input : inputs) {
            String suffix = input.name().isEmpty() ? "" : "-" + input.name();
            SingleOutputStreamOperator<DeviceEvent> parsed = input.records()
                    .process(NormalizeEvents.of(input.name(), input.adapter(), settings, soleFeed != null), new AvroTypeInfo<>(DeviceEvent.class))
                    .setParallelism(settings.ingestParallelism())
                    .uid(Operators.NORMALIZE_UID + suffix)
                    .name(Operators.NORMALIZE_NAME + suffix.replace('-', ' '));
            events = events == null ? parsed : events.union(parsed);
            DataStream<DeadLetter> dead = parsed.getSideOutput(JobTags.DEAD_LETTERS);
            deadLetters = deadLetters == null ? dead : deadLetters.union(dead);
        }

        // 2. Event time, unless the sources keep it (per partition).
        boolean timestampedAtSource = inputs.stream().allMatch(Input::timestamped);
        if (!timestampedAtSource && inputs.stream().anyMatch(Input::timestamped)) {
            throw new IllegalArgumentException("inputs must all, or none, assign event time at their source");
        }
        DataStream<DeviceEvent> timed = timestampedAtSource ? events : events
                .assignTimestampsAndWatermarks(EventTimeWatermarks.of(settings))
                .setParallelism(settings.ingestParallelism())
                .uid(Operators.WATERMARKS_UID)
                .name(Operators.WATERMARKS_NAME);
        return defineDetection(timed, deadLetters, settings, versions, rulesRecords, inventory, soleFeed, status);
    }

    /**
     * The topology from canonical events with their event time and watermarks on: a recording's
     * reader (the replay's {@code RecordingSource}) parses and times its events itself.
     */
    public static Outputs defineDetection(
            DataStream<DeviceEvent> timed, DataStream<DeadLetter> deadLetters, JobSettings settings, RuleSet rules, Inventory inventory) {
        return defineDetection(timed, deadLetters, settings, new RuleVersions(rules), null, inventory);
    }

    public static Outputs defineDetection(DataStream<DeviceEvent> timed, DataStream<DeadLetter> deadLetters, JobSettings settings,
                                          RuleVersions versions, DataStream<String> rulesRecords, Inventory inventory) {
        return defineDetection(timed, deadLetters, settings, versions, rulesRecords, inventory, null, false);
    }

    /** As above, with the devices' status on: the tracker hands on what it takes ({@link Outputs#statusFacts}). */
    public static Outputs defineDetectionWithStatus(DataStream<DeviceEvent> timed, DataStream<DeadLetter> deadLetters,
                                                    JobSettings settings, RuleVersions versions, DataStream<String> rulesRecords,
                                                    Inventory inventory) {
        return defineDetection(timed, deadLetters, settings, versions, rulesRecords, inventory, null, true);
    }

    /**
     * @param soleFeed the feed of events that carry none (the job's only input), or null
     * @param status whether the tracker hands on what the devices' status takes
     */
    static Outputs defineDetection(DataStream<DeviceEvent> timed, DataStream<DeadLetter> deadLetters, JobSettings settings,
                                   RuleVersions versions, DataStream<String> rulesRecords, Inventory inventory, String soleFeed,
                                   boolean status) {
        RuleSet rules = versions.compiled();
        // 3. Per device: liveness, sessions, reboots, services; live, every rules version too.
        DeviceTrackerOperator tracker = new DeviceTrackerOperator(
                new DeviceTracker(versions, inventory, settings.deviceExpiry()).withSoleFeed(soleFeed).withStatus(status));
        KeyedStream<DeviceEvent, String> byDevice = timed.keyBy(new EventKey());
        SingleOutputStreamOperator<DeviceFact> facts = (rulesRecords == null
                ? byDevice.transform(Operators.TRACKER_NAME, TypeInformation.of(DeviceFact.class),
                        (OneInputStreamOperator<DeviceEvent, DeviceFact>) tracker)
                : byDevice.connect(rulesRecords.broadcast()).transform(Operators.TRACKER_NAME, TypeInformation.of(DeviceFact.class),
                        (TwoInputStreamOperator<DeviceEvent, String, DeviceFact>) tracker))
                .uid(Operators.TRACKER_UID)
                .name(Operators.TRACKER_NAME);

        // 4. The rules, in CEP.
        DataStream<Trigger> triggers = RuleCompiler.compile(facts, rules, inventory);

        // 5. Incidents: dedup, episodes, resolve.
        DataStream<Alert> decisions = triggers
                .keyBy(new TriggerKey())
                .connect(facts.getSideOutput(JobTags.RESOLUTIONS).keyBy(new FactKey()))
                .transform(Operators.INCIDENTS_NAME, new AvroTypeInfo<>(Alert.class), new IncidentOperator(
                        new IncidentManager(versions, inventory, settings.clockStop()), settings.clockStop() == JobSettings.CLOCK_STOP_AT_END))
                .uid(Operators.INCIDENTS_UID)
                .name(Operators.INCIDENTS_NAME);

        // 6. Each feed's clock: silent when event time passes its newest event + feed_silence_after.
        SingleOutputStreamOperator<DeviceFact> feedSignals = facts.getSideOutput(JobTags.FEED_PROGRESS)
                .keyBy(p -> FeedWatch.KEY, Types.STRING)
                .process(new FeedWatch(versions, settings.live()), TypeInformation.of(DeviceFact.class))
                .uid(Operators.FEED_WATCH_UID)
                .name(Operators.FEED_WATCH_NAME);

        // 7. Noise control, per site: what is paged, held or closed, and when.
        SingleOutputStreamOperator<Alert> alerts = decisions.union(feedSignals.getSideOutput(FeedWatch.ALERTS))
                .keyBy(new AlertSiteKey())
                .connect(facts.getSideOutput(JobTags.LIVENESS).union(feedSignals).keyBy(new FactSiteKey()))
                .transform(Operators.NOISE_NAME, new AvroTypeInfo<>(Alert.class), new NoiseOperator(
                        new NoiseControl(versions, inventory, settings.clockStop()).withSoleFeed(soleFeed),
                        settings.clockStop() == JobSettings.CLOCK_STOP_AT_END))
                .uid(Operators.NOISE_UID)
                .name(Operators.NOISE_NAME);

        return new Outputs(alerts, deadLetters, timed, alerts.getSideOutput(NoiseControl.HELD), facts.getSideOutput(JobTags.STATUS));
    }

    /** Device identity of an event. */
    public static final class EventKey implements KeySelector<DeviceEvent, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(DeviceEvent e) {
            return DeviceKeys.of(e);
        }
    }

    static final class FactKey implements KeySelector<DeviceFact, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(DeviceFact f) {
            return f.key;
        }
    }

    static final class AlertSiteKey implements KeySelector<Alert, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(Alert a) {
            return NoiseControl.siteKey(a.getTenant(), a.getSite());
        }
    }

    static final class FactSiteKey implements KeySelector<DeviceFact, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(DeviceFact f) {
            // A feed's signal and a rules version come once per key group, each copy with a key of its group.
            return f.kind == FactKind.FEED_SILENT || f.kind == FactKind.FEED_BACK || f.kind == FactKind.RULES_VERSION
                    ? f.key : NoiseControl.siteKey(f.tenant, f.site);
        }
    }

    static final class TriggerKey implements KeySelector<Trigger, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(Trigger t) {
            return t.key();
        }
    }
}
