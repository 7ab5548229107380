package io.patchwatch.connectors.adapters.nagios;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.connectors.adapters.AdapterSettings;
import io.patchwatch.connectors.adapters.Collected;
import io.patchwatch.connectors.adapters.EventAdapter;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class NagiosHostCheckAdapterTest {
    private static final List<String> OUTPUTS = Arrays.stream(Collected.read("nagios/plugin-outputs.txt").split("(?m)^=====$"))
            .map(String::strip).toList();
    private final EventAdapter adapter = new NagiosHostCheckAdapter(AdapterSettings.defaults());

    @Test
    void readsStatusTextAndPerfdataOfRealPluginOutputs() {
        PluginOutput ping = PluginOutput.parse(OUTPUTS.get(0));
        assertThat(ping.status()).isEqualTo("OK");
        assertThat(ping.text()).isEqualTo("PING OK - Packet loss = 0%, RTA = 0.30 ms");
        assertThat(ping.packetLossPct()).isEqualTo(0.0);
        assertThat(ping.rtaMs()).isEqualTo(0.298);

        PluginOutput tcp = PluginOutput.parse(OUTPUTS.get(1));
        assertThat(tcp.status()).isEqualTo("OK");
        assertThat(tcp.perfdata()).containsEntry("time", "0.008457s");

        PluginOutput load = PluginOutput.parse(OUTPUTS.get(3));
        assertThat(load.perfdata()).containsKeys("load1", "load5", "load15");

        PluginOutput noPerf = PluginOutput.parse(OUTPUTS.get(4));
        assertThat(noPerf.perfdata()).isEmpty();
        assertThat(noPerf.packetLossPct()).isNull();

        PluginOutput malformed = PluginOutput.parse(OUTPUTS.get(5));
        assertThat(malformed.status()).isEqualTo("OK");
        assertThat(malformed.perfdata()).as("items without a number are left out").isEmpty();

        PluginOutput longOutput = PluginOutput.parse(OUTPUTS.get(6));
        assertThat(longOutput.text()).isEqualTo("DISK OK - free space: / 3326 MB (56%);");
        assertThat(longOutput.perfdata()).containsKeys("/", "/boot", "/home", "/var/log");
    }

    @Test
    void hostPerfdataLinesBecomePingEvents() {
        Collected ok = Collected.one(adapter,
                "[HOSTPERFDATA]\t1794276000\tSRV-SQL-01\t4.02\t" + OUTPUTS.get(0).lines().findFirst().orElseThrow().replace("|", "\t"),
                EventAdapter.NO_TIMESTAMP);
        Collected down = Collected.one(adapter,
                "[HOSTPERFDATA]\t1794276060\tSRV-SQL-01\t10.01\tPING CRITICAL - Packet loss = 100%\trta=5000.000000ms;3000.000000;5000.000000;0.000000 pl=100%;80;100;0",
                EventAdapter.NO_TIMESTAMP);
        Collected slowButUp = Collected.one(adapter,
                "{\"host\":\"srv-sql-01.corp.local\",\"ts\":\"2026-11-10T02:02:00Z\",\"output\":\"PING CRITICAL - Packet loss = 0%, RTA = 5200.00 ms|rta=5200ms;3000;5000;0 pl=0%;80;100;0\"}",
                EventAdapter.NO_TIMESTAMP);

        assertThat(ok.events.get(0).getOk()).isTrue();
        assertThat(ok.events.get(0).getTs()).isEqualTo(1_794_276_000_000L);
        assertThat(ok.events.get(0).getDevice()).isEqualTo("SRV-SQL-01");
        assertThat(ok.events.get(0).getRttMs()).isEqualTo(0.298);
        assertThat(down.events.get(0).getOk()).isFalse();
        assertThat(down.events.get(0).getLossPct()).isEqualTo(100.0);
        assertThat(slowButUp.events.get(0).getOk()).as("slow, but it answers").isTrue();
        assertThat(slowButUp.events.get(0).getDevice()).isEqualTo("srv-sql-01");
    }

    @Test
    void unknownAndServiceResultsAreSkippedAndJunkIsADeadLetter() {
        Collected c = new Collected();
        adapter.parse("[HOSTPERFDATA]\t1794276000\tX\t0\tUNKNOWN - plugin timed out\t".getBytes(), "t", EventAdapter.NO_TIMESTAMP, c);
        adapter.parse("[SERVICEPERFDATA]\t1794276000\tX\tDisk\t0\t0\tDISK OK\t".getBytes(), "t", EventAdapter.NO_TIMESTAMP, c);
        adapter.parse("[HOSTPERFDATA]\tyesterday\tX\t0\tOK\t".getBytes(), "t", EventAdapter.NO_TIMESTAMP, c);
        adapter.parse(OUTPUTS.get(0).getBytes(), "t", EventAdapter.NO_TIMESTAMP, c);

        assertThat(c.events).isEmpty();
        assertThat(c.skipped).hasSize(2);
        assertThat(c.deadLetters).hasSize(2);
    }
}
