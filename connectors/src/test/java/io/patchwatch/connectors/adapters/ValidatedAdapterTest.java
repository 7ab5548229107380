package io.patchwatch.connectors.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.connectors.adapters.avro.AvroEventAdapter;
import io.patchwatch.connectors.adapters.canonical.CanonicalJsonAdapter;
import io.patchwatch.connectors.adapters.rmm.RmmJsonAdapter;
import io.patchwatch.connectors.adapters.windows.WinlogbeatAdapter;
import io.patchwatch.connectors.adapters.windows.WindowsXmlAdapter;
import io.patchwatch.connectors.text.SafeText;
import io.patchwatch.schemas.DeadLetter;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The one validation every format gets: identity, limits, time, UTF-8, one verdict per record. */
class ValidatedAdapterTest {
    private static final AdapterSettings SETTINGS = AdapterSettings.defaults();

    @Test
    void oneMachineIsOneDeviceWhateverFormatAndSpellingReportsIt() {
        String canonical = "{\"ts\":\"2026-11-10T02:00:00Z\",\"tenant\":\"Acme\",\"device\":\"%s\",\"kind\":\"heartbeat\"}";
        // FQDN, full-width, zero-width space, decomposed accent: all the same device as the short name.
        for (String spelling : new String[] {"srv-01.corp.example.com", "ＳＲＶ－０１", "SRV\u200B-01", "SRV-01 "}) {
            Collected c = run(CanonicalJsonAdapter.NAME, canonical.formatted(spelling));
            assertThat(c.events).as(spelling).singleElement().satisfies(e -> {
                assertThat(e.getDevice()).isEqualToIgnoringCase("SRV-01");
                assertThat(e.getTenant()).isEqualTo("acme");
            });
        }
        Collected nfd = run(CanonicalJsonAdapter.NAME, canonical.formatted("CAFE\u0301-01"));
        Collected nfc = run(CanonicalJsonAdapter.NAME, canonical.formatted("CAF\u00C9-01"));
        assertThat(nfd.events.get(0).getDevice()).isEqualTo(nfc.events.get(0).getDevice());
        // Winlogbeat names the same machine by its FQDN.
        Collected beat = run(WinlogbeatAdapter.NAME, "{\"@timestamp\":\"2026-11-10T02:00:00Z\",\"host\":{\"name\":\"SRV-01.corp.example.com\"},"
                + "\"winlog\":{\"provider_name\":\"EventLog\",\"event_id\":6005}}");
        assertThat(beat.events.get(0).getDevice()).isEqualTo("SRV-01");
    }

    @Test
    void aTenantOrDeviceIsOneSegmentOfPrintableCharacters() {
        String t = "{\"ts\":\"2026-11-10T02:00:00Z\",\"tenant\":\"%s\",\"device\":\"%s\",\"kind\":\"heartbeat\"}";
        assertThat(run(CanonicalJsonAdapter.NAME, t.formatted("acme/evil", "SRV-01")).verdicts)
                .singleElement().asString().startsWith("invalid_value tenant");
        assertThat(run(CanonicalJsonAdapter.NAME, t.formatted("acme", "SRV-\\ud800X")).verdicts)
                .singleElement().asString().startsWith("invalid_value device");
        assertThat(run(CanonicalJsonAdapter.NAME, t.formatted("ac\\u001bme", "SRV-01")).verdicts)
                .singleElement().asString().startsWith("invalid_value tenant");
        assertThat(run(CanonicalJsonAdapter.NAME, t.formatted("acme", "\\u200B")).verdicts)
                .singleElement().asString().startsWith("invalid_value device");
        // The same rules for a format that had none of its own.
        assertThat(run(RmmJsonAdapter.NAME, "{\"type\":\"patch_result\",\"ts\":\"2026-11-10T02:00:00Z\",\"device\":\"SRV\\u0085-01\","
                + "\"kb\":\"KB5044284\",\"status\":\"installed\"}").verdicts).singleElement().asString().startsWith("invalid_value device");
    }

    @Test
    void freeTextLosesItsControlCharactersAndIdentifiersWithThemAreRefused() {
        Collected c = run(RmmJsonAdapter.NAME, "{\"type\":\"patch_result\",\"ts\":\"2026-11-10T02:00:00Z\",\"device\":\"SRV-01\","
                + "\"kb\":\"KB5044284\",\"title\":\"Update\\u001b[31m\\r\\nFAKE\\u2028LINE\\ud800\",\"status\":\"failed\",\"error\":\"0x1\\u0000\"}");
        DeviceEvent e = c.events.get(0);
        assertThat(SafeText.hasUnsafe(e.getTitle())).isFalse();
        assertThat(e.getTitle()).isEqualTo("Update [31m  FAKE LINE\uFFFD");
        assertThat(e.getError()).isEqualTo("0x1");
        assertThat(run(RmmJsonAdapter.NAME, "{\"type\":\"service_inventory\",\"ts\":\"2026-11-10T02:00:00Z\",\"device\":\"SRV-01\","
                + "\"services\":[{\"name\":\"Spool\\u001ber\",\"status\":\"running\"}]}").verdicts)
                .singleElement().asString().startsWith("invalid_value service");
    }

    @Test
    void timesOutsideWhatAClockCanSayAreRefusedInEveryFormat() {
        assertThat(run(CanonicalJsonAdapter.NAME, "{\"ts\":0,\"device\":\"A\",\"kind\":\"heartbeat\"}").verdicts)
                .singleElement().asString().startsWith("ts_too_old ts");
        assertThat(run(CanonicalJsonAdapter.NAME, "{\"ts\":\"+999999999-01-01T00:00:00Z\",\"device\":\"A\",\"kind\":\"heartbeat\"}")
                .verdicts).singleElement().asString().startsWith("invalid_value ts");
        assertThat(run(CanonicalJsonAdapter.NAME, "{\"ts\":18446744073709551616,\"device\":\"A\",\"kind\":\"heartbeat\"}")
                .verdicts).singleElement().asString().startsWith("invalid_value ts");
        assertThat(run(RmmJsonAdapter.NAME, "{\"type\":\"patch_result\",\"ts\":1e300,\"device\":\"A\",\"kb\":\"KB1234567\","
                + "\"status\":\"installed\"}").verdicts).singleElement().asString().startsWith("ts_in_future ts");
        assertThat(run(WindowsXmlAdapter.NAME, "<Event><System><Provider Name=\"EventLog\"/><EventID>6005</EventID>"
                + "<TimeCreated SystemTime=\"+999999999-11-10T00:00:00Z\"/><Computer>A</Computer></System></Event>").verdicts)
                .singleElement().asString().startsWith("malformed");
        // Epoch numbers are read by their size, integral or not: seconds below 10^11, else milliseconds.
        long seconds = run(RmmJsonAdapter.NAME, "{\"type\":\"patch_result\",\"ts\":1794276200,\"device\":\"A\",\"kb\":\"KB1234567\","
                + "\"status\":\"installed\"}").events.get(0).getTs();
        long millis = run(RmmJsonAdapter.NAME, "{\"type\":\"patch_result\",\"ts\":1794276200000,\"device\":\"A\",\"kb\":\"KB1234567\","
                + "\"status\":\"installed\"}").events.get(0).getTs();
        assertThat(seconds).isEqualTo(millis).isEqualTo(1_794_276_200_000L);
    }

    @Test
    void bytesThatAreNotUtf8AreMalformedAndNothingAfterTheFirstJsonValueIsLost() {
        byte[] latin1 = "{\"ts\":\"2026-11-10T02:00:00Z\",\"device\":\"CAF\u00C9\",\"kind\":\"heartbeat\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(run(CanonicalJsonAdapter.NAME, latin1).deadLetters).singleElement().asString().startsWith("malformed")
                .contains("not valid UTF-8 (at byte ");
        // Surrogates encoded as UTF-8 bytes (CESU) and overlong forms are not UTF-8 either.
        assertThat(Utf8.firstInvalidByte(new byte[] {'a', (byte) 0xED, (byte) 0xA0, (byte) 0x80})).isEqualTo(1);
        assertThat(Utf8.firstInvalidByte(new byte[] {(byte) 0xC0, (byte) 0xAF})).isZero();
        assertThat(Utf8.firstInvalidByte("ＳＲＶ €".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
        byte[] longer = ("0123456789abcdef" + "é".repeat(3) + "0123456789").getBytes(StandardCharsets.UTF_8);
        assertThat(Utf8.firstInvalidByte(longer)).isEqualTo(-1);
        longer[17] = (byte) 0x41; // the second byte of the first é
        assertThat(Utf8.firstInvalidByte(longer)).isEqualTo(16);
        assertThat(run(CanonicalJsonAdapter.NAME, "{\"ts\":\"2026-11-10T02:00:00Z\",\"device\":\"A\",\"kind\":\"heartbeat\"}"
                + "{\"ts\":\"2026-11-10T02:00:00Z\",\"device\":\"B\",\"kind\":\"heartbeat\"}").verdicts)
                .singleElement().asString().startsWith("malformed");
        assertThat(run(RmmJsonAdapter.NAME, "{\"type\":\"service_inventory\",\"ts\":\"2026-11-10T02:00:00Z\",\"device\":\"A\","
                + "\"services\":{\"name\":\"Spooler\"}}").verdicts).singleElement().asString().startsWith("wrong_type services");
        assertThat(run(RmmJsonAdapter.NAME, "{\"type\":\"patch_result\",\"ts\":\"2026-11-10T02:00:00Z\",\"device\":\"A\","
                + "\"kb\":[\"KB5044284\"],\"status\":\"installed\"}").verdicts).singleElement().asString().startsWith("wrong_type kb");
        // A key given twice would quietly mean its last value: refused in every JSON format.
        assertThat(run(CanonicalJsonAdapter.NAME, "{\"ts\":\"2026-11-10T02:00:00Z\",\"device\":\"A\",\"device\":\"B\","
                + "\"kind\":\"heartbeat\"}").verdicts).singleElement().asString().startsWith("malformed");
        assertThat(run(WinlogbeatAdapter.NAME, "{\"@timestamp\":\"2026-11-10T02:00:00Z\",\"host\":{\"name\":\"A\",\"name\":\"B\"},"
                + "\"winlog\":{\"provider_name\":\"EventLog\",\"event_id\":6005}}").verdicts).singleElement().asString()
                .startsWith("malformed");
    }

    @Test
    void aRecordIsUsedWholeOrRefusedWholeAndEveryRecordGetsOneVerdict() {
        // One bad entry among good ones: the record is one dead letter, none of its events is used.
        Collected c = new Collected();
        ValidatedAdapter.Outcome outcome = validated(RmmJsonAdapter.NAME).parseRecord(bytes(
                "{\"type\":\"service_inventory\",\"ts\":\"2026-11-10T02:00:00Z\",\"device\":\"A\","
                        + "\"services\":[{\"name\":\"Spooler\",\"status\":\"running\"},{\"name\":\"W3SVC\",\"status\":\"exploded\"}]}"),
                "t", EventAdapter.NO_TIMESTAMP, c);
        assertThat(outcome).isEqualTo(ValidatedAdapter.Outcome.DEAD_LETTER);
        assertThat(c.events).isEmpty();
        assertThat(c.deadLetters).hasSize(1);
        // More events than the cap: too large.
        StringBuilder many = new StringBuilder("{\"type\":\"service_inventory\",\"ts\":\"2026-11-10T02:00:00Z\",\"device\":\"A\",\"services\":[");
        for (int i = 0; i < ValidatedAdapter.MAX_EVENTS_PER_RECORD + 1; i++) {
            many.append(i == 0 ? "" : ",").append("{\"name\":\"S").append(i).append("\",\"status\":\"running\"}");
        }
        assertThat(run(RmmJsonAdapter.NAME, many + "]}").verdicts).singleElement().asString().startsWith("too_large");
        // An adapter that throws costs its record, not the job.
        EventAdapter broken = new EventAdapter() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public void parse(byte[] payload, String origin, long recordTimestamp, AdapterOutput out) {
                throw new StackOverflowError();
            }
        };
        Collected b = new Collected();
        assertThat(ValidatedAdapter.of(broken).parseRecord(bytes("x"), "t", 0, b)).isEqualTo(ValidatedAdapter.Outcome.DEAD_LETTER);
        assertThat(b.verdicts).singleElement().asString().startsWith("adapter_failure");
    }

    @Test
    void aDeadLetterStaysFarBelowTheKafkaRequestLimitWhateverTheRecordHeld() throws Exception {
        // A 990 KB rmm-json record whose bad value would be repeated in the sentence.
        String huge = "x".repeat(990_000);
        byte[] payload = bytes("{\"type\":\"" + huge + "\",\"ts\":\"2026-11-10T02:00:00Z\",\"device\":\"A\"}");
        Collected c = new Collected();
        validated(RmmJsonAdapter.NAME).parse(payload, "topic/0/1", EventAdapter.NO_TIMESTAMP, c);
        assertThat(c.details).singleElement().satisfies(d -> assertThat(d.length()).isLessThanOrEqualTo(ValidatedAdapter.MAX_DETAIL_CHARS + 40));
        DeadLetter dead = DeadLetters.of(c.reasons.get(0), null, c.details.get(0), "o".repeat(100_000), payload, 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer encoded = DeadLetter.getEncoder().encode(dead);
        out.write(encoded.array(), 0, encoded.limit());
        assertThat(out.size()).isLessThan(70 * 1024);
        assertThat(dead.getDetail()).doesNotContain("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    }

    @Test
    void avroEventsGetTheSameRules() throws Exception {
        DeviceEvent e = DeviceEvent.newBuilder().setTs(1_794_276_200_000L).setTenant("acme/evil").setDevice("A")
                .setKind(EventKind.heartbeat).build();
        byte[] bytes = DeviceEvent.getEncoder().encode(e).array();
        assertThat(run(AvroEventAdapter.NAME, bytes).verdicts).singleElement().asString().startsWith("invalid_value tenant");
    }

    @Test
    void anAvroEventFromAProducerBuiltBeforeTheFeedFieldIsStillRead() throws Exception {
        org.apache.avro.Schema earlier;
        try (var in = DeviceEvent.class.getResourceAsStream("/io/patchwatch/schemas/released/DeviceEvent/v1.avsc")) {
            earlier = new org.apache.avro.Schema.Parser().parse(in);
        }
        org.apache.avro.generic.GenericRecord old = new org.apache.avro.generic.GenericData.Record(earlier);
        old.put("ts", 1_794_276_200_000L);
        old.put("tenant", "acme");
        old.put("device", "SRV-01");
        old.put("kind", new org.apache.avro.generic.GenericData.EnumSymbol(earlier.getField("kind").schema(), "heartbeat"));
        byte[] bytes = new org.apache.avro.message.BinaryMessageEncoder<org.apache.avro.generic.GenericRecord>(
                org.apache.avro.generic.GenericData.get(), earlier).encode(old).array();
        assertThat(earlier.getField("feed")).as("the earlier schema has no feed").isNull();

        Collected c = run(AvroEventAdapter.NAME, bytes);
        assertThat(c.verdicts).isEmpty();
        assertThat(c.events).singleElement().satisfies(e -> {
            assertThat(e.getDevice()).isEqualTo("SRV-01");
            assertThat(e.getFeed()).isNull();
        });
    }

    private static ValidatedAdapter validated(String format) {
        return (ValidatedAdapter) Adapters.create(format, SETTINGS);
    }

    private static Collected run(String format, String text) {
        return run(format, bytes(text));
    }

    private static Collected run(String format, byte[] payload) {
        Collected c = new Collected();
        validated(format).parse(payload, "test", EventAdapter.NO_TIMESTAMP, c);
        return c;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
