package io.patchwatch.jobs.live;

import io.patchwatch.connectors.config.ConfigException;
import io.patchwatch.jobs.metrics.JobMetrics;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How an operator takes rules records from the rules topic: decode and validate, offer each version
 * to its {@link RuleVersions} (applied, or refused with a log line and a counter, never failing the
 * job), and keep the newest applied record in operator state, so that a restore decides with the
 * same versions (the rules topic's offsets are checkpointed with it, so it is not read again).
 *
 * <p>Every parallel instance of the device tracker reads every record (a broadcast input); the
 * log lines and the refusal counter come from the first instance only, once per job.
 */
public final class RuleVersionsInput {
    private static final Logger LOG = LoggerFactory.getLogger(RuleVersionsInput.class);
    private static final ListStateDescriptor<String> RECORDS = new ListStateDescriptor<>("rules-records", Types.STRING);

    private final RuleVersions versions;
    private final String operator;
    private final boolean reports;
    private ListState<String> state;
    private String newestRecord;
    /** The record seen last: the incidents get one copy per key group. */
    private String lastRecord;
    private Counter refused;

    /**
     * @param reports this instance logs and counts (the first parallel instance)
     */
    public RuleVersionsInput(RuleVersions versions, String operator, boolean reports) {
        this.versions = versions;
        this.operator = operator;
        this.reports = reports;
    }

    /** Restores the versions applied before a restore (each instance stored the same newest record). */
    public void initialize(StateInitializationContext ctx) throws Exception {
        state = ctx.getOperatorStateStore().getUnionListState(RECORDS);
        if (ctx.isRestored()) {
            String newest = null;
            int newestVersion = -1;
            for (String record : state.get()) {
                try {
                    List<RuleVersion> vs = RulesRecord.decode(record);
                    int v = vs.get(vs.size() - 1).version();
                    if (v > newestVersion) {
                        newest = record;
                        newestVersion = v;
                    }
                } catch (ConfigException e) {
                    LOG.warn("{}: a rules record in the checkpoint no longer validates, left out: {}", operator, e.getMessage());
                }
            }
            if (newest != null) {
                apply(newest);
            }
        }
    }

    public void registerMetrics(MetricGroup metrics) {
        refused = metrics.counter(JobMetrics.RULES_VERSIONS_REFUSED);
        metrics.gauge(JobMetrics.RULES_VERSION, (Gauge<Integer>) () -> versions.latest().version());
    }

    public void snapshot() throws Exception {
        if (newestRecord != null) {
            state.update(List.of(newestRecord));
        }
    }

    /**
     * Applies a record: every version in it not known yet, oldest first.
     *
     * @return the versions applied (empty: nothing new, or refused)
     */
    public List<RuleVersion> apply(String record) {
        if (record != null && record.equals(lastRecord)) {
            return List.of(); // a copy for another key group: known, not parsed again
        }
        lastRecord = record;
        List<RuleVersion> decoded;
        try {
            decoded = RulesRecord.decode(record);
        } catch (ConfigException e) {
            refuse(e.getMessage());
            return List.of();
        }
        List<RuleVersion> applied = new ArrayList<>();
        for (Iterator<RuleVersion> it = decoded.iterator(); it.hasNext(); ) {
            RuleVersion v = it.next();
            RuleVersions.Offer offer = versions.offer(v);
            switch (offer.outcome()) {
                case APPLIED -> {
                    applied.add(v);
                    if (reports) {
                        LOG.info("{}: {} applied", operator, v);
                    }
                }
                case ALREADY_APPLIED -> {}
                case REFUSED -> {
                    // A version older than what is in force is history carried by the record; only
                    // the record's own version is refused out loud.
                    if (!it.hasNext() || v.version() > versions.latest().version()) {
                        refuse(offer.reason());
                    }
                }
            }
        }
        if (!applied.isEmpty()) {
            newestRecord = record;
        }
        return applied;
    }

    private void refuse(String reason) {
        if (reports) {
            if (refused != null) {
                refused.inc();
            }
            LOG.warn("{}: rules record refused, the rules in force stay {}: {}", operator, versions.latest(), reason);
        }
    }

    /**
     * One key per key group of {@code range}: a record sent with each reaches every parallel
     * instance of a downstream operator keyed the same way (the incidents), in order with the facts.
     */
    public static List<String> keysFor(KeyGroupRange range, int maxParallelism) {
        java.util.Map<Integer, String> byGroup = new java.util.TreeMap<>();
        for (int n = 0; byGroup.size() < range.getNumberOfKeyGroups(); n++) {
            String key = "\u0000rules/" + n;
            int group = KeyGroupRangeAssignment.assignToKeyGroup(key, maxParallelism);
            if (range.contains(group)) {
                byGroup.putIfAbsent(group, key);
            }
        }
        return new ArrayList<>(byGroup.values());
    }
}
