package io.patchwatch.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.connectors.adapters.AdapterOutput;
import io.patchwatch.connectors.adapters.EventAdapter;
import io.patchwatch.connectors.adapters.RawRecord;
import io.patchwatch.connectors.adapters.RawRecordSerializer;
import io.patchwatch.connectors.adapters.canonical.CanonicalJsonAdapter;
import io.patchwatch.jobs.fact.JobTags;
import io.patchwatch.schemas.DeadLetter;
import io.patchwatch.schemas.DeviceEvent;
import java.nio.charset.StandardCharsets;
import io.patchwatch.jobs.settings.JobSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class NormalizeEventsTest {
    
    @Test
    void eventsBehindTheNewestOrAheadOfTheWallClockAreDeadLetters() throws Exception {
        Instant now = Instant.now();
        try (OneInputStreamOperatorTestHarness<RawRecord, DeviceEvent> h = harness(new CanonicalJsonAdapter(), bounded())) {
            h.processElement(record(now.minus(Duration.ofDays(10))), 0);
            h.processElement(record(now.minus(Duration.ofDays(4))), 0); // 6 days later: fine, and now the newest
            h.processElement(record(now.plus(Duration.ofMinutes(20))), 0); // 20 min ahead of the wall clock
            h.processElement(record(now.minus(Duration.ofDays(12))), 0); // 8 days behind the newest
            h.processElement(record(now.minus(Duration.ofDays(9))), 0); // 5 days behind: fine

            assertThat(h.extractOutputValues()).hasSize(3);
            List<DeadLetter> dead = h.getSideOutput(JobTags.DEAD_LETTERS).stream().map(StreamRecord::getValue).toList();
            assertThat(dead).extracting(DeadLetter::getReason).containsExactly("ts_in_future", "ts_too_old");
            assertThat(dead.get(0).getDetail()).contains("ahead of the wall clock");
            assertThat(dead.get(0).getOrigin()).isEqualTo("test");
        }
    }

    @Test
    void liveAHostSixDaysAheadIsRefusedEvenAsTheFirstEvent() throws Exception {
        JobSettings live = new JobSettings(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(1), Long.MAX_VALUE,
                JobSettings.DEFAULT_MAX_FUTURE, JobSettings.DEFAULT_MAX_PAST,
                JobSettings.DEFAULT_MAX_RECORD_BYTES, 1, JobSettings.DEFAULT_DEVICE_EXPIRY);
        try (OneInputStreamOperatorTestHarness<RawRecord, DeviceEvent> h = harness(new CanonicalJsonAdapter(), live)) {
            h.processElement(record(Instant.now().plus(Duration.ofDays(6))), 0);
            h.processElement(record(Instant.parse("2099-01-01T00:00:00Z")), 0);
            h.processElement(record(Instant.now()), 0);

            assertThat(h.extractOutputValues()).hasSize(1);
            assertThat(h.getSideOutput(JobTags.DEAD_LETTERS)).extracting(r -> r.getValue().getReason())
                    .containsExactly("ts_in_future", "ts_in_future");
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
        try (OneInputStreamOperatorTestHarness<RawRecord, DeviceEvent> h = harness(broken, bounded())) {
            h.processElement(record(Instant.now()), 0);

            DeadLetter d = h.getSideOutput(JobTags.DEAD_LETTERS).peek().getValue();
            assertThat(d.getReason()).isEqualTo("adapter_failure");
            assertThat(d.getDetail()).isEqualTo("broken failed: IllegalStateException: bug");
        }
    }

    @Test
    void aMachinesRenameSurvivesARestartInTheOperatorState() throws Exception {
        EventAdapter windows = io.patchwatch.connectors.adapters.Adapters.create("windows-xml",
                io.patchwatch.connectors.adapters.AdapterSettings.defaults());
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot;
        try (OneInputStreamOperatorTestHarness<RawRecord, DeviceEvent> h = harness(windows, bounded())) {
            h.processElement(new RawRecord("t", xml("WIN-OLD", 6011, "<Data>WIN-OLD</Data><Data>SRV-NEW</Data>")), 0);
            snapshot = h.snapshot(1, 1);
        }
        // A new instance, as after a restart: it knows the rename only from the checkpoint.
        var restored = new OneInputStreamOperatorTestHarness<>(new org.apache.flink.streaming.api.operators.ProcessOperator<>(
                NormalizeEvents.of("test", io.patchwatch.connectors.adapters.Adapters.create("windows-xml",
                        io.patchwatch.connectors.adapters.AdapterSettings.defaults()), bounded())));
        try (restored) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement(new RawRecord("t", xml("SRV-NEW", 6005, "")), 0);
            assertThat(restored.extractOutputValues()).extracting(DeviceEvent::getDevice).containsExactly("WIN-OLD");
        }
    }

    @Test
    void onKafkaARecordIsParsedOnceWhereTheSourceReadsItsTimeAndTheParserHandsThatOn() throws Exception {
        int[] parses = {0};
        EventAdapter counting = new EventAdapter() {
            private final CanonicalJsonAdapter canonical = new CanonicalJsonAdapter();

            @Override
            public String name() {
                return "counting";
            }

            @Override
            public void parse(byte[] payload, String origin, long recordTimestamp, AdapterOutput out) {
                parses[0]++;
                canonical.parse(payload, origin, recordTimestamp, out);
            }
        };
        RecordEventTime time = new RecordEventTime(counting, EventTimeLimits.of(bounded()), JobSettings.DEFAULT_MAX_RECORD_BYTES);
        Instant ts = Instant.now().minus(Duration.ofMinutes(3));
        try (OneInputStreamOperatorTestHarness<RawRecord, DeviceEvent> h = harness(counting, bounded())) {
            RawRecord fromKafka = record(ts);
            assertThat(time.extractTimestamp(fromKafka, Long.MIN_VALUE)).isEqualTo(ts.toEpochMilli());
            // Chained behind the source: the same record (RawRecordSerializer copies by reference).
            h.processElement(RawRecordSerializer.INSTANCE.copy(fromKafka), 0);
            assertThat(h.extractOutputValues()).extracting(DeviceEvent::getTs).containsExactly(ts.toEpochMilli());
            assertThat(parses[0]).as("parsed for its time, handed on by the parser").isEqualTo(1);

            // The control: a record that came over the network (no verdict) is parsed where it arrives.
            var out = new org.apache.flink.core.memory.DataOutputSerializer(64);
            RawRecord other = record(ts);
            time.extractTimestamp(other, Long.MIN_VALUE);
            RawRecordSerializer.INSTANCE.serialize(other, out);
            RawRecord arrived = RawRecordSerializer.INSTANCE.deserialize(new org.apache.flink.core.memory.DataInputDeserializer(out.getCopyOfBuffer()));
            assertThat(arrived.verdict).isNull();
            assertThat(arrived.origin).isEqualTo(other.origin);
            assertThat(arrived.payload).isEqualTo(other.payload);
            h.processElement(arrived, 0);
            assertThat(h.extractOutputValues()).hasSize(2);
            assertThat(parses[0]).isEqualTo(3);
        }
        assertThat(org.apache.flink.api.common.typeinfo.TypeInformation.of(RawRecord.class).createSerializer(
                new org.apache.flink.api.common.serialization.SerializerConfigImpl())).isSameAs(RawRecordSerializer.INSTANCE);
    }

    private static byte[] xml(String computer, int id, String data) {
        return ("<Event><System><Provider Name=\"EventLog\"/><EventID>" + id + "</EventID><TimeCreated SystemTime=\""
                + Instant.now().minus(Duration.ofHours(1)) + "\"/><Computer>" + computer + "</Computer></System><EventData>"
                + data + "</EventData></Event>").getBytes(StandardCharsets.UTF_8);
    }

    private static JobSettings bounded() {
        return JobSettings.replay(Long.MAX_VALUE).bounded(Long.MAX_VALUE);
    }

    private static OneInputStreamOperatorTestHarness<RawRecord, DeviceEvent> harness(EventAdapter adapter, JobSettings s)
            throws Exception {
        return ProcessFunctionTestHarnesses.forProcessFunction(NormalizeEvents.of("test", adapter, s));
    }

    private static RawRecord record(Instant ts) {
        return new RawRecord("test", ("{\"ts\":\"" + ts + "\",\"device\":\"a\",\"kind\":\"heartbeat\"}").getBytes(StandardCharsets.UTF_8));
    }
}
