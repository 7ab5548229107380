package io.patchwatch.benchmarks.fleet;

import io.patchwatch.connectors.adapters.AdapterSettings;
import io.patchwatch.connectors.adapters.Adapters;
import io.patchwatch.connectors.adapters.EventAdapter;
import io.patchwatch.connectors.adapters.RawRecord;
import io.patchwatch.jobs.settings.JobSettings;
import io.patchwatch.jobs.PatchwatchJob;
import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.jobs.ingest.NormalizeEvents;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.DeviceStatus;
import io.patchwatch.jobs.jobconfig.JobOptions;
import io.patchwatch.jobs.live.RuleVersions;
import io.patchwatch.jobs.status.DeviceStatusStream;
import io.patchwatch.jobs.status.StatusChange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/** The three jobs compared, on the same simulated events and the same deserialization. */
public enum Variant {
    /** Simulator, the job's deserialization, keyBy(device), discard: the cost of merely reading. */
    FLOOR,
    /** Every event into Flink CEP with the two mission patterns. */
    NAIVE,
    /** The real topology: DeviceTracker, the CEP rules, incidents. */
    PATCHWATCH,
    /** The real topology and every device's status (FLEET.md, Patch status), at the job's default interval: what the status costs. */
    PATCHWATCH_STATUS;

    /** The variants {@code bench compare} compares (the status has its own benchmark, {@code bench status}). */
    public static final List<Variant> COMPARED = List.of(FLOOR, NAIVE, PATCHWATCH);

    /** Alerts counted by rule, for the run in progress (the mini cluster runs in this JVM). */
    public static final Map<String, LongAdder> ALERTS = new ConcurrentHashMap<>();
    /** PATCHWATCH_STATUS: status records of the run in progress, and the newest status of each device. */
    public static final LongAdder STATUS_RECORDS = new LongAdder();
    public static final Map<String, DeviceStatus> STATUSES = new ConcurrentHashMap<>();

    /**
     * Adds the variant's job to {@code env}. All three read the simulator with the watermarks a
     * live job makes at its Kafka source (periodic, {@link FleetGenerator#WATERMARKS}).
     */
    public void define(StreamExecutionEnvironment env, PatchTuesday scenario, int parallelism) {
        EventAdapter adapter = Adapters.create("avro", AdapterSettings.defaults());
        JobSettings settings = settings(scenario, parallelism);
        DataStream<RawRecord> records = env
                .fromSource(FleetGenerator.source(scenario, parallelism), FleetGenerator.WATERMARKS, "Simulated fleet")
                .setParallelism(parallelism);
        switch (this) {
            case FLOOR -> normalize(records, adapter, settings)
                    .keyBy(new PatchwatchJob.EventKey())
                    .sinkTo(new DiscardingSink<>()).name("Discard");
            case NAIVE -> count(NaiveCepJob.define(normalize(records, adapter, settings),
                    scenario.profile().window(), scenario.profile().window()));
            case PATCHWATCH -> count(PatchwatchJob.defineWorkflow(
                    List.of(new PatchwatchJob.Input("sim", records, adapter, true)), settings, rules(scenario.profile()), Inventory.empty())
                    .alerts().map(a -> a.getRule() + "|" + a.getDevice(), Types.STRING));
            case PATCHWATCH_STATUS -> {
                PatchwatchJob.Outputs out = PatchwatchJob.defineWorkflow(List.of(new PatchwatchJob.Input("sim", records, adapter, true)),
                        settings, new RuleVersions(rules(scenario.profile())), null, Inventory.empty(), true);
                count(out.alerts().map(a -> a.getRule() + "|" + a.getDevice(), Types.STRING));
                DeviceStatusStream.define(out, Inventory.empty(), settings, JobOptions.Status.MIN_INTERVAL.defaultValue())
                        .map(new KeepStatus()).sinkTo(new DiscardingSink<>()).name("Count status records");
            }
        }
    }

    static JobSettings settings(PatchTuesday scenario, int parallelism) {
        return new JobSettings(JobSettings.DEFAULT_OUT_OF_ORDERNESS, null, null, scenario.clockStop(),
                JobSettings.DEFAULT_MAX_FUTURE, JobSettings.DEFAULT_MAX_PAST,
                JobSettings.DEFAULT_MAX_RECORD_BYTES, parallelism, JobSettings.DEFAULT_DEVICE_EXPIRY);
    }

    /** The shipped rules.yaml; for the compressed night with N and M at 3 minutes (see {@link PatchTuesday#RULES}). */
    static RuleSet rules(PatchTuesday.Profile profile) {
        if (profile == PatchTuesday.Profile.NIGHT) {
            return RuleSet.defaults();
        }
        return defaultRulesWith("silence_after: 10m", "silence_after: 3m", "start_within: 10m", "start_within: 3m");
    }

    /** The default rules.yaml with some of its lines replaced: pairs of (line, replacement). */
    static RuleSet defaultRulesWith(String... replacements) {
        try (InputStream in = RuleSet.class.getResourceAsStream(RuleSet.DEFAULT_RESOURCE)) {
            String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (int i = 0; i + 1 < replacements.length; i += 2) {
                yaml = yaml.replace(replacements[i], replacements[i + 1]);
            }
            return RuleSet.parse(yaml.getBytes(StandardCharsets.UTF_8), "benchmark rules");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static DataStream<DeviceEvent> normalize(DataStream<RawRecord> records, EventAdapter adapter, JobSettings settings) {
        // As the job reads its only input: events carry no feed name.
        return records.process(NormalizeEvents.of("sim", adapter, settings, true), new AvroTypeInfo<>(DeviceEvent.class))
                .name("Normalize events");
    }

    private static void count(DataStream<String> alerts) {
        alerts.map(new CountAlerts()).sinkTo(new DiscardingSink<>()).name("Count alerts");
    }

    private static final class KeepStatus implements MapFunction<StatusChange, String> {
        @Override
        public String map(StatusChange c) {
            STATUS_RECORDS.increment();
            if (c.forgotten()) {
                STATUSES.remove(c.key);
            } else {
                STATUSES.put(c.key, c.status);
            }
            return c.key;
        }
    }

    private static final class CountAlerts implements MapFunction<String, String> {
        @Override
        public String map(String alert) {
            ALERTS.computeIfAbsent(alert.substring(0, alert.indexOf('|')), r -> new LongAdder()).increment();
            return alert;
        }
    }
}
