package io.patchwatch.connectors.adapters.icinga;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.connectors.adapters.AdapterSettings;
import io.patchwatch.connectors.adapters.Collected;
import io.patchwatch.connectors.adapters.EventAdapter;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import io.patchwatch.schemas.ServiceState;
import org.junit.jupiter.api.Test;

class IcingaAdapterTest {
    private static final long T = 1_794_276_000_000L;
    private final EventAdapter adapter = new IcingaAdapter(AdapterSettings.defaults());

    @Test
    void apiHostObjectsBecomePings() {
        Collected c = Collected.one(adapter, Collected.read("icinga2/objects-hosts.json"), T);

        DeviceEvent e = c.events.get(0);
        assertThat(e.getKind()).isEqualTo(EventKind.ping);
        assertThat(e.getDevice()).isEqualTo("webserver");
        assertThat(e.getOk()).as("state 2 is not up").isFalse();
        assertThat(e.getTs()).as("no last_check: the record's time").isEqualTo(T);
    }

    @Test
    void apiServiceObjectsBecomeServiceStates() {
        Collected c = Collected.one(adapter, Collected.read("icinga2/objects-services.json"), T);

        DeviceEvent e = c.events.get(0);
        assertThat(e.getKind()).isEqualTo(EventKind.service_state);
        assertThat(e.getDevice()).isEqualTo("someserverfqdn");
        assertThat(e.getService()).isEqualTo("eq-par.dc2.fr");
        assertThat(e.getState()).isEqualTo(ServiceState.running);
    }

    @Test
    void eventStreamStateChangesUseTheirOwnTime() {
        Collected c = new Collected();
        adapter.parse(("{\"type\":\"StateChange\",\"host\":\"SRV-SQL-01\",\"state\":1,\"state_type\":1,"
                + "\"check_result\":{\"state\":2,\"output\":\"PING CRITICAL - Packet loss = 100%\",\"execution_end\":1794276123.5},"
                + "\"timestamp\":1794276124.0}").getBytes(), "t", EventAdapter.NO_TIMESTAMP, c);
        adapter.parse(("{\"type\":\"CheckResult\",\"host\":\"SRV-PRN-01\",\"service\":\"Spooler\","
                + "\"check_result\":{\"state\":2,\"execution_end\":1794276200},\"timestamp\":1794276201}").getBytes(),
                "t", EventAdapter.NO_TIMESTAMP, c);
        adapter.parse("{\"type\":\"Notification\",\"host\":\"x\"}".getBytes(), "t", EventAdapter.NO_TIMESTAMP, c);
        adapter.parse("{\"results\":[{\"type\":\"Host\",\"attrs\":{\"name\":\"x\",\"state\":0}}]}".getBytes(), "t",
                EventAdapter.NO_TIMESTAMP, c);

        assertThat(c.events).hasSize(2);
        assertThat(c.events.get(0).getOk()).isFalse();
        assertThat(c.events.get(0).getTs()).isEqualTo(1_794_276_123_500L);
        assertThat(c.events.get(1).getState()).isEqualTo(ServiceState.stopped);
        assertThat(c.events.get(1).getTs()).as("epoch seconds as an integer are seconds too").isEqualTo(1_794_276_200_000L);
        assertThat(c.skipped).hasSize(1);
        assertThat(c.deadLetters).singleElement().asString().contains("without a time");
    }
}
