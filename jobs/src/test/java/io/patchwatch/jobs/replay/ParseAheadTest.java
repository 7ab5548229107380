package io.patchwatch.jobs.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchwatch.connectors.adapters.Adapters;
import io.patchwatch.connectors.adapters.AdapterSettings;
import io.patchwatch.connectors.adapters.RawRecord;
import io.patchwatch.connectors.adapters.ValidatedAdapter;
import io.patchwatch.connectors.adapters.canonical.CanonicalJsonAdapter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Records parsed on several threads come out in their input's order, and a failed read ends them where it failed. */
class ParseAheadTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(3);
    private final ValidatedAdapter adapter = (ValidatedAdapter) Adapters.create(CanonicalJsonAdapter.NAME, AdapterSettings.defaults());

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void recordsParsedOnAPoolComeOutInTheirOrderWithTheirVerdicts() {
        int n = ParseAhead.CHUNK * ParseAhead.AHEAD * 3 + 17;
        List<String> seen = new ArrayList<>();
        try (ParseAhead ahead = new ParseAhead(records(n, -1), adapter, pool, () -> copy(adapter))) {
            ParseAhead.Result r;
            while ((r = ahead.next()) != null) {
                seen.add(r.raw().origin + " " + r.verdict().outcome()
                        + (r.verdict().events().isEmpty() ? "" : " " + r.verdict().events().get(0).getDevice()));
            }
        }
        assertThat(seen).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(seen.get(i)).isEqualTo("line:" + i + (i % 10 == 9 ? " DEAD_LETTER" : " ACCEPTED SRV-" + i));
        }
    }

    @Test
    void aReadThatFailsEndsTheRecordsWhereItFailedEveryEarlierOneHandedOnFirst() {
        int failAt = ParseAhead.CHUNK * 2 + 5;
        List<String> seen = new ArrayList<>();
        try (ParseAhead ahead = new ParseAhead(records(10_000, failAt), adapter, pool, () -> copy(adapter))) {
            assertThatThrownBy(() -> {
                ParseAhead.Result r;
                while ((r = ahead.next()) != null) {
                    seen.add(r.raw().origin);
                }
            }).isInstanceOf(RecordingException.class).hasMessage("truncated at line " + failAt);
            assertThat(ahead.next()).as("nothing after the failure").isNull();
        }
        assertThat(seen).hasSize(failAt).last().isEqualTo("line:" + (failAt - 1));
    }

    /** {@code n} records, every tenth not JSON; the read of record {@code failAt} fails (-1: none does). */
    private static ParseAhead.Records records(int n, int failAt) {
        int[] next = {0};
        return () -> {
            int i = next[0]++;
            if (i == failAt) {
                throw new RecordingException("truncated at line " + failAt);
            }
            if (i >= n) {
                return null;
            }
            String json = i % 10 == 9 ? "{not json" : "{\"ts\":\"2026-11-10T02:03:00Z\",\"device\":\"SRV-" + i + "\",\"kind\":\"heartbeat\"}";
            return new RawRecord("line:" + i, json.getBytes(StandardCharsets.UTF_8), Long.MIN_VALUE);
        };
    }

    private static ValidatedAdapter copy(ValidatedAdapter a) {
        try {
            return org.apache.flink.util.InstantiationUtil.clone(a);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
