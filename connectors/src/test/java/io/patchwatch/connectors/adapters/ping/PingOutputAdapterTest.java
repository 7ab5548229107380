package io.patchwatch.connectors.adapters.ping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchwatch.connectors.adapters.AdapterSettings;
import io.patchwatch.connectors.adapters.Collected;
import io.patchwatch.connectors.adapters.EventAdapter;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PingOutputAdapterTest {
    private static final long T = 1_794_276_000_000L;

    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = """
            linux-iputils-ok.txt,               www.google.com,  5, 5, 0,   43.628
            linux-iputils-lossy-40pct.txt,      www.google.com,  5, 3, 40,  44.033
            linux-iputils-varying-ttl.txt,      www.google.com,  5, 5, 0,   43.628
            macos-bsd-ok.txt,                   www.google.com,  5, 5, 0,   20.224
            macos-bsd-timeout-100pct-loss.txt,  www.amazon.com,  2, 0, 100,
            busybox-ok.txt,                     8.8.8.8,         4, 4, 0,   17.611
            freebsd-ping6-ok.txt,               www.google.com,  5, 5, 0,   53.211
            windows-english-ok.txt,             8.8.8.8,         4, 4, 0,   50
            windows-polish-timeout-100pct-loss.txt, nask.pl,     4, 0, 100,
            """)
    void readsTheStatisticsEachPingPrints(String file, String target, int sent, int received, double loss, Double rtt) {
        PingOutput p = PingOutput.parse(Collected.read("ping/" + file));

        assertThat(p.target()).isEqualTo(target);
        assertThat(p.transmitted()).isEqualTo(sent);
        assertThat(p.received()).isEqualTo(received);
        assertThat(p.lossPct()).isEqualTo(loss);
        assertThat(p.rttAvgMs()).isEqualTo(rtt);
        assertThat(p.ok()).isEqualTo(received > 0);
    }

    @Test
    void usageErrorsAreNoPingResult() {
        assertThatThrownBy(() -> PingOutput.parse(Collected.read("ping/linux-usage-error.txt")))
                .hasMessageContaining("no statistics");
        Collected c = Collected.one(adapter(), Collected.read("ping/windows-usage-error.txt"), T);
        assertThat(c.events).isEmpty();
        assertThat(c.deadLetters).singleElement().asString().startsWith("malformed: not the output of a finished ping");
    }

    @Test
    void becomesAPingEventAtTheRecordsTime() {
        Collected c = Collected.one(adapter(), Collected.read("ping/linux-iputils-lossy-40pct.txt"), T);

        DeviceEvent e = c.events.get(0);
        assertThat(e.getKind()).isEqualTo(EventKind.ping);
        assertThat(e.getDevice()).as("short host name").isEqualTo("www");
        assertThat(e.getOk()).isTrue();
        assertThat(e.getLossPct()).isEqualTo(40.0);
        assertThat(e.getRttMs()).isEqualTo(44.033);
        assertThat(e.getTs()).isEqualTo(T);
        assertThat(e.getTenant()).isEqualTo("msp");
        Collected timeout = Collected.one(adapter(), Collected.read("ping/macos-bsd-timeout-100pct-loss.txt"), T);
        assertThat(timeout.events.get(0).getOk()).isFalse();
        assertThat(timeout.events.get(0).getRttMs()).isNull();
    }

    @Test
    void withoutAnyTimeItIsADeadLetter() {
        Collected c = Collected.one(adapter(), Collected.read("ping/busybox-ok.txt"), EventAdapter.NO_TIMESTAMP);

        assertThat(c.deadLetters).singleElement().asString().startsWith("missing_field");
    }

    private static EventAdapter adapter() {
        return new PingOutputAdapter(AdapterSettings.defaults().withTenant("msp", null));
    }
}
