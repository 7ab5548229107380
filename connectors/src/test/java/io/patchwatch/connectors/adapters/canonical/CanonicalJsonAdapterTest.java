package io.patchwatch.connectors.adapters.canonical;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.connectors.adapters.AdapterOutput;
import io.patchwatch.connectors.adapters.DeadLetterReason;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import io.patchwatch.schemas.ServiceState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CanonicalJsonAdapterTest {

    private final CanonicalJsonAdapter adapter = new CanonicalJsonAdapter();

    @Test
    void readsTheCanonicalPatchEvent() {
        Parsed p = parse("""
                {"ts":"2026-11-10T02:03:00Z","tenant":"acme","site":"hq","device":"SRV-SQL-01",
                 "kind":"patch_installed","kb":"KB5044284","title":"2026-11 Cumulative Update (KB5044284)",
                 "reboot_required":true,"source":"windows-event","raw_id":"System/19/4711"}""");

        assertThat(p.dead).isEmpty();
        DeviceEvent e = p.events.get(0);
        assertThat(e.getTs()).isEqualTo(Instant.parse("2026-11-10T02:03:00Z").toEpochMilli());
        assertThat(e.getTenant()).isEqualTo("acme");
        assertThat(e.getSite()).isEqualTo("hq");
        assertThat(e.getDevice()).isEqualTo("SRV-SQL-01");
        assertThat(e.getKind()).isEqualTo(EventKind.patch_installed);
        assertThat(e.getKb()).isEqualTo("KB5044284");
        assertThat(e.getUpdateId()).as("update id defaults to the KB").isEqualTo("KB5044284");
        assertThat(e.getRebootRequired()).isTrue();
        assertThat(e.getRawId()).isEqualTo("System/19/4711");
    }

    @Test
    void acceptsEpochMillisOffsetsAndDefaultsTheTenant() {
        Parsed millis = parse("{\"ts\":1794276180000,\"device\":\"a\",\"kind\":\"heartbeat\"}");
        Parsed offset = parse("{\"ts\":\"2026-11-10T03:03:00+01:00\",\"device\":\"a\",\"kind\":\"heartbeat\"}");

        assertThat(millis.events.get(0).getTs()).isEqualTo(1794276180000L);
        assertThat(offset.events.get(0).getTs()).isEqualTo(Instant.parse("2026-11-10T02:03:00Z").toEpochMilli());
        assertThat(millis.events.get(0).getTenant()).isEqualTo("default");
    }

    @Test
    void takesTheKbFromTheTitleAndNormalizesBareNumbers() {
        Parsed fromTitle = parse("{\"ts\":1,\"device\":\"a\",\"kind\":\"patch_failed\",\"title\":\"Security Update (KB4025342)\",\"error\":\"0x80248007\"}");
        Parsed bare = parse("{\"ts\":1,\"device\":\"a\",\"kind\":\"patch_installed\",\"kb\":\"5044284\"}");

        assertThat(fromTitle.events.get(0).getKb()).isEqualTo("KB4025342");
        assertThat(fromTitle.events.get(0).getError()).isEqualTo("0x80248007");
        assertThat(bare.events.get(0).getKb()).isEqualTo("KB5044284");
    }

    @Test
    void aPatchWithoutKbUsesItsUpdateId() {
        Parsed p = parse("{\"ts\":1,\"device\":\"a\",\"kind\":\"patch_installed\",\"update_id\":\"9NBLGGH4NNS1\"}");

        assertThat(p.events.get(0).getKb()).isNull();
        assertThat(p.events.get(0).getUpdateId()).isEqualTo("9NBLGGH4NNS1");
    }

    @Test
    void readsServiceStatesAndPings() {
        Parsed svc = parse("{\"ts\":1,\"device\":\"a\",\"kind\":\"service_state\",\"service\":\"Spooler\",\"state\":\"stopped\",\"start_type\":\"auto\"}");
        Parsed ping = parse("{\"ts\":1,\"device\":\"a\",\"kind\":\"ping\",\"ok\":false,\"loss_pct\":100}");

        assertThat(svc.events.get(0).getState()).isEqualTo(ServiceState.stopped);
        assertThat(svc.events.get(0).getService()).isEqualTo("Spooler");
        assertThat(ping.events.get(0).getOk()).isFalse();
        assertThat(ping.events.get(0).getLossPct()).isEqualTo(100.0);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown kind          | {"ts":1,"device":"a","kind":"rebooted"}                        | INVALID_VALUE | kind
            missing kind          | {"ts":1,"device":"a"}                                          | MISSING_FIELD | kind
            missing device        | {"ts":1,"kind":"heartbeat"}                                    | MISSING_FIELD | device
            blank device          | {"ts":1,"device":"  ","kind":"heartbeat"}                       | INVALID_VALUE | device
            missing ts            | {"device":"a","kind":"heartbeat"}                              | MISSING_FIELD | ts
            unparseable ts        | {"ts":"yesterday","device":"a","kind":"heartbeat"}             | INVALID_VALUE | ts
            ts without offset     | {"ts":"2026-11-10T02:03:00","device":"a","kind":"heartbeat"}   | INVALID_VALUE | ts
            ts of wrong type      | {"ts":true,"device":"a","kind":"heartbeat"}                    | WRONG_TYPE    | ts
            device of wrong type  | {"ts":1,"device":42,"kind":"heartbeat"}                        | WRONG_TYPE    | device
            ok as a string        | {"ts":1,"device":"a","kind":"ping","ok":"true"}                | WRONG_TYPE    | ok
            ping without ok       | {"ts":1,"device":"a","kind":"ping"}                            | MISSING_FIELD | ok
            rtt as a string       | {"ts":1,"device":"a","kind":"ping","ok":true,"rtt_ms":"3"}     | WRONG_TYPE    | rtt_ms
            reboot flag as number | {"ts":1,"device":"a","kind":"patch_installed","kb":"KB1234567","reboot_required":1} | WRONG_TYPE | reboot_required
            patch without update  | {"ts":1,"device":"a","kind":"patch_installed"}                 | MISSING_FIELD | update_id
            service without name  | {"ts":1,"device":"a","kind":"service_state","state":"running"} | MISSING_FIELD | service
            unknown service state | {"ts":1,"device":"a","kind":"service_state","service":"x","state":"dead"} | INVALID_VALUE | state
            """)
    void refusesBadFieldsNamingTheField(String what, String json, DeadLetterReason reason, String field) {
        Parsed p = parse(json);

        assertThat(p.events).as(what).isEmpty();
        assertThat(p.dead).hasSize(1);
        assertThat(p.dead.get(0).reason).isEqualTo(reason);
        assertThat(p.dead.get(0).field).isEqualTo(field);
        assertThat(p.dead.get(0).detail).contains(field);
    }

    @Test
    void refusesWholeRecordsThatAreNotEvents() {
        assertThat(parse("not json").dead.get(0).reason).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(parse("{\"ts\":1,").dead.get(0).reason).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(parse("[1,2]").dead.get(0).reason).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(parse("").dead.get(0).reason).isEqualTo(DeadLetterReason.EMPTY);
    }

    @Test
    void readOnceAsAStreamItStillRefusesWhatIsWrongAnywhereInTheRecordAsAWholeTreeWould() {
        String good = "{\"ts\":\"2026-11-10T02:03:00Z\",\"device\":\"a\",\"kind\":\"heartbeat\"";
        assertThat(parse(good + ",\"extra\":{\"n\":[1,{\"x\":null}]}}").events).as("the control: unknown structures are skipped").hasSize(1);
        assertThat(parse(good + ",\"extra\":{\"n\":1,\"n\":2}}").dead.get(0).detail)
                .as("a key given twice inside an unknown field").contains("Duplicate field 'n'");
        assertThat(parse(good + ",\"device\":\"b\"}").dead.get(0).detail).contains("Duplicate field 'device'");
        assertThat(parse(good + "}{\"ts\":1}").dead.get(0).detail).as("a second value after the record").contains("Trailing token");
        assertThat(parse(good + "} x").dead.get(0).reason).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(parse(good + ",\"extra\":[1,2}").dead.get(0).reason).as("broken inside an unknown field").isEqualTo(DeadLetterReason.MALFORMED);
        Parsed both = parse("{\"ts\":true,\"device\":\"a\",\"kind\":\"heartbeat\",\"extra\":[1,");
        assertThat(both.dead.get(0).reason).as("a syntax error after a bad field: the record is not JSON first").isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(parse("{\"ts\":[1],\"device\":\"a\",\"kind\":\"heartbeat\"}").dead.get(0).detail).contains("got an array");
        assertThat(parse("{\"ts\":99999999999999999999999,\"device\":\"a\",\"kind\":\"heartbeat\"}").dead.get(0).detail)
                .contains("not valid epoch milliseconds: 99999999999999999999999");
        assertThat(parse("null").dead.get(0).detail).isEqualTo("expected a JSON object, got null");
        assertThat(parse("\"text\"").dead.get(0).detail).isEqualTo("expected a JSON object, got a string");
    }

    @Test
    void refusesRecordsOverOneMebibyteWithoutParsingThem() {
        String big = "{\"ts\":1,\"device\":\"a\",\"kind\":\"heartbeat\",\"pad\":\"" + "x".repeat(1024 * 1024) + "\"}";

        Parsed p = parse(big);

        assertThat(p.dead.get(0).reason).isEqualTo(DeadLetterReason.TOO_LARGE);
        assertThat(p.dead.get(0).detail).contains("exceeds the limit of 1048576 bytes");
    }

    @Test
    void refusesOversizedFields() {
        String title = "x".repeat(CanonicalJsonAdapter.MAX_FIELD_CHARS + 1);

        Parsed p = parse("{\"ts\":1,\"device\":\"a\",\"kind\":\"patch_installed\",\"kb\":\"KB1234567\",\"title\":\"" + title + "\"}");

        assertThat(p.dead.get(0).reason).isEqualTo(DeadLetterReason.TOO_LARGE);
        assertThat(p.dead.get(0).field).isEqualTo("title");
    }

    private Parsed parse(String json) {
        Parsed p = new Parsed();
        adapter.parse(json.getBytes(StandardCharsets.UTF_8), "test:1", CanonicalJsonAdapter.NO_TIMESTAMP, p);
        return p;
    }

    private static final class Parsed implements AdapterOutput {
        final List<DeviceEvent> events = new ArrayList<>();
        final List<Dead> dead = new ArrayList<>();

        @Override
        public void event(DeviceEvent e) {
            events.add(e);
        }

        @Override
        public void deadLetter(DeadLetterReason reason, String field, String detail) {
            dead.add(new Dead(reason, field, detail));
        }
    }

    private record Dead(DeadLetterReason reason, String field, String detail) {}
}
