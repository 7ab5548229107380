package io.patchwatch.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.connectors.adapters.AdapterOutput;
import io.patchwatch.connectors.adapters.EventAdapter;
import io.patchwatch.connectors.adapters.RawRecord;
import io.patchwatch.connectors.adapters.canonical.CanonicalJsonAdapter;
import io.patchwatch.jobs.JobTags;
import io.patchwatch.schemas.DeadLetter;
import io.patchwatch.schemas.DeviceEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class NormalizeEventsTest {
    private static final long DAYS_7 = Duration.ofDays(7).toMillis();

    @Test
    void eventsFarAheadOrBehindTheNewestAreDeadLetters() throws Exception {
        try (OneInputStreamOperatorTestHarness<RawRecord, DeviceEvent> h = ProcessFunctionTestHarnesses.forProcessFunction(
                new NormalizeEvents("test", new CanonicalJsonAdapter(), DAYS_7, DAYS_7, false))) {
            h.processElement(record("2026-11-10T02:00:00Z"), 0);
            h.processElement(record("2026-11-16T02:00:00Z"), 0); // 6 days ahead: fine, and now the newest
            h.processElement(record("2026-11-24T02:00:01Z"), 0); // 8 days ahead of the newest
            h.processElement(record("2026-11-08T02:00:00Z"), 0); // 8 days behind the newest
            h.processElement(record("2026-11-10T02:00:00Z"), 0); // 6 days behind: fine

            assertThat(h.extractOutputValues()).hasSize(3);
            List<DeadLetter> dead = h.getSideOutput(JobTags.DEAD_LETTERS).stream().map(StreamRecord::getValue).toList();
            assertThat(dead).extracting(DeadLetter::getReason).containsExactly("ts_in_future", "ts_too_old");
            assertThat(dead.get(0).getDetail()).contains("ahead of the newest event (2026-11-16T02:00:00Z)");
            assertThat(dead.get(0).getOrigin()).isEqualTo("test");
        }
    }

    @Test
    void liveTheWallClockIsAReferenceToo() throws Exception {
        try (OneInputStreamOperatorTestHarness<RawRecord, DeviceEvent> h = ProcessFunctionTestHarnesses.forProcessFunction(
                new NormalizeEvents("test", new CanonicalJsonAdapter(), DAYS_7, DAYS_7, true))) {
            // The very first event may not be years off when the wall clock says otherwise.
            h.processElement(record("2099-01-01T00:00:00Z"), 0);

            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(h.getSideOutput(JobTags.DEAD_LETTERS)).hasSize(1);
        }
    }

    @Test
    void anAdapterThatThrowsGivesADeadLetterNotAFailedJob() throws Exception {
        EventAdapter broken = new EventAdapter() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public void parse(byte[] payload, String origin, long recordTimestamp, AdapterOutput out) {
                throw new IllegalStateException("bug");
            }
        };
        try (OneInputStreamOperatorTestHarness<RawRecord, DeviceEvent> h = ProcessFunctionTestHarnesses.forProcessFunction(
                new NormalizeEvents("test", broken, DAYS_7, DAYS_7, false))) {
            h.processElement(record("2026-11-10T02:00:00Z"), 0);

            DeadLetter d = h.getSideOutput(JobTags.DEAD_LETTERS).peek().getValue();
            assertThat(d.getReason()).isEqualTo("adapter_failure");
            assertThat(d.getDetail()).isEqualTo("broken failed: IllegalStateException: bug");
        }
    }

    private static RawRecord record(String ts) {
        return new RawRecord("test", ("{\"ts\":\"" + ts + "\",\"device\":\"a\",\"kind\":\"heartbeat\"}").getBytes(StandardCharsets.UTF_8));
    }
}
