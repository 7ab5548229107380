package io.patchwatch.jobs.metrics;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The names of the job's own metrics, all in the operator's {@value #GROUP} group. Labels are
 * Flink key/value groups, so a reporter shows one metric with a label per value (the patchwatch
 * Prometheus reporter names them {@code flink_taskmanager_job_task_operator_patchwatch_<name>}).
 * README.md lists them for operators.
 */
public final class JobMetrics {
    public static final String GROUP = "patchwatch";

    /** Counter, labels {@code source} (input name) and {@code kind}: canonical events accepted. */
    public static final String EVENTS_IN = "events_in";
    /** Counter, label {@code source}: valid records carrying nothing patchwatch uses. */
    public static final String RECORDS_SKIPPED = "records_skipped";
    /** Counter, labels {@code source} and {@code reason}: records sent to the dead-letter topic. */
    public static final String DEAD_LETTERS = "dead_letters";
    /** Counter: events behind the watermark, applied at the watermark. */
    public static final String LATE_EVENTS = "late_events";
    /** Counter: silences noticed (in a patch session or not). */
    public static final String SILENCES = "silences";
    /** Gauge: devices with state on this subtask. */
    public static final String DEVICES_TRACKED = "devices_tracked";
    /** Gauge: devices in an open patch session. */
    public static final String OPEN_SESSIONS = "open_sessions";
    /** Gauge: devices silent right now (no liveness signal for N). */
    public static final String SILENT_DEVICES = "silent_devices";
    /** Counter, labels {@code rule} and {@code status} (firing, resolved): alerts emitted. */
    public static final String ALERTS = "alerts";
    /** Counter: triggers for an incident already firing (deduplicated). */
    public static final String DUPLICATE_TRIGGERS = "duplicate_triggers";
    /** Histogram (ms), live runs: wall clock at the alert minus the moment its deadline passed. */
    public static final String DETECTION_LAG = "detection_lag_ms";
    /** Gauge: the rules version in force for new decisions (0: the job's file, nothing published). */
    public static final String RULES_VERSION = "rules_version";
    /** Counter: rules records refused (invalid, going backwards, a structural change), counted once per job. */
    public static final String RULES_VERSIONS_REFUSED = "rules_versions_refused";

    /** Counter (rule, reason): incidents held instead of paged (FLEET.md), by what held them. */
    public static final String HELD = "held_total";
    /** Counter (reason): held incidents that closed without a page, by the reason. */
    public static final String HELD_RESOLVED = "held_resolved_total";
    /**
     * Gauge (tenant, site, ring, state): devices in each patch state (FLEET.md, Patch status), per
     * subtask, rebuilt from the status state after a restart.
     */
    public static final String DEVICES = "devices";
    /** Counter (rule, status): alerts sent to the sinks, after noise control. */
    public static final String PAGES = "pages";

    private JobMetrics() {}

    public static MetricGroup group(RuntimeContext ctx) {
        return ctx.getMetricGroup().addGroup(GROUP);
    }

    /** Counters split by two labels, created on first use (values are not known up front). */
    public static final class LabelledCounters {
        private final MetricGroup group;
        private final String name;
        private final String label1;
        private final String label2;
        private final Map<String, Map<String, Counter>> counters = new HashMap<>();

        public LabelledCounters(MetricGroup group, String name, String label1, String label2) {
            this.group = group;
            this.name = name;
            this.label1 = label1;
            this.label2 = label2;
        }

        /** Counters split by one label. */
        public LabelledCounters(MetricGroup group, String name, String label) {
            this(group, name, label, null);
        }

        public Counter get(String value1) {
            return counters.computeIfAbsent(value1, v -> new HashMap<>())
                    .computeIfAbsent("", v -> group.addGroup(label1, value1).counter(name));
        }

        public Counter get(String value1, String value2) {
            return counters.computeIfAbsent(value1, v -> new HashMap<>())
                    .computeIfAbsent(value2, v -> group.addGroup(label1, value1).addGroup(label2, value2).counter(name));
        }
    }
}
