package io.patchwatch.jobs;

import io.patchwatch.connectors.adapters.EventAdapter;
import io.patchwatch.jobs.config.Inventory;
import io.patchwatch.jobs.config.RuleSet;
import io.patchwatch.jobs.device.DeviceFact;
import io.patchwatch.jobs.device.DeviceKeys;
import io.patchwatch.jobs.device.DeviceTracker;
import io.patchwatch.jobs.incident.IncidentManager;
import io.patchwatch.jobs.ingest.EventTimeWatermarks;
import io.patchwatch.jobs.ingest.NormalizeEvents;
import io.patchwatch.jobs.ingest.RawRecord;
import io.patchwatch.jobs.rules.RuleCompiler;
import io.patchwatch.jobs.rules.Trigger;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.DeadLetter;
import io.patchwatch.schemas.DeviceEvent;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
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
 *   ─► DeviceTracker ─┬► facts ─► CEP rules (one operator per rule and window) ─► triggers ─┐
 *                     └► resolving facts ──────────────────────────────────────────────────┴► incidents ─► alerts
 * </pre>
 */
public final class PatchwatchJob {
    private PatchwatchJob() {}

    /** What the topology produces. */
    public record Outputs(DataStream<Alert> alerts, DataStream<DeadLetter> deadLetters) {}

    public static Outputs defineWorkflow(
            DataStream<RawRecord> raw, EventAdapter adapter, JobSettings settings, RuleSet rules, Inventory inventory) {
        // 1. Parse; bad records to the dead-letter side output.
        SingleOutputStreamOperator<DeviceEvent> events = raw
                .process(NormalizeEvents.of(adapter, settings), new AvroTypeInfo<>(DeviceEvent.class))
                .setParallelism(settings.ingestParallelism())
                .uid(Operators.NORMALIZE_UID)
                .name(Operators.NORMALIZE_NAME);

        // 2. Event time.
        WatermarkStrategy<DeviceEvent> watermarks = settings.live()
                ? EventTimeWatermarks.live(settings.outOfOrderness(), settings.idleness(), settings.wallClockFloorLag())
                : EventTimeWatermarks.replay(settings.outOfOrderness());
        DataStream<DeviceEvent> timed = events
                .assignTimestampsAndWatermarks(watermarks)
                .setParallelism(settings.ingestParallelism())
                .uid(Operators.WATERMARKS_UID)
                .name(Operators.WATERMARKS_NAME);

        // 3. Per device: liveness, sessions, reboots, services.
        SingleOutputStreamOperator<DeviceFact> facts = timed
                .keyBy(new EventKey())
                .process(new DeviceTracker(rules, inventory))
                .uid(Operators.TRACKER_UID)
                .name(Operators.TRACKER_NAME);

        // 4. The rules, in CEP.
        DataStream<Trigger> triggers = RuleCompiler.compile(facts, rules);

        // 5. Incidents: dedup, episodes, resolve.
        DataStream<Alert> alerts = triggers
                .keyBy(new TriggerKey())
                .connect(facts.getSideOutput(JobTags.RESOLUTIONS).keyBy(new FactKey()))
                .process(new IncidentManager(rules, inventory, settings.clockStop()), new AvroTypeInfo<>(Alert.class))
                .uid(Operators.INCIDENTS_UID)
                .name(Operators.INCIDENTS_NAME);

        return new Outputs(alerts, events.getSideOutput(JobTags.DEAD_LETTERS));
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

    static final class TriggerKey implements KeySelector<Trigger, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(Trigger t) {
            return t.key;
        }
    }
}
