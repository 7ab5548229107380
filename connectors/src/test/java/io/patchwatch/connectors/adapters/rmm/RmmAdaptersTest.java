package io.patchwatch.connectors.adapters.rmm;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.connectors.adapters.AdapterSettings;
import io.patchwatch.connectors.adapters.Collected;
import io.patchwatch.connectors.adapters.EventAdapter;
import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import io.patchwatch.schemas.ServiceState;
import org.junit.jupiter.api.Test;

class RmmAdaptersTest {
    private static final long T = 1_794_276_000_000L;

    @Test
    void genericPatchResults() {
        EventAdapter rmm = new RmmJsonAdapter(AdapterSettings.defaults().withTenant("acme", null));
        Collected c = new Collected();
        rmm.parse(("{\"type\":\"patch_result\",\"ts\":\"2026-11-10T02:03:00Z\",\"device\":\"SRV-01.corp.local\","
                + "\"kb\":\"5044284\",\"status\":\"installed\",\"needs_reboot\":true}").getBytes(), "t", EventAdapter.NO_TIMESTAMP, c);
        rmm.parse(("{\"type\":\"patch_result\",\"ts\":\"2026-11-10T02:04:00Z\",\"tenant\":\"ACME\",\"device\":\"SRV-02\","
                + "\"title\":\"Security Update (KB5044099)\",\"status\":\"failed\",\"error\":\"0x80070643\"}").getBytes(), "t",
                EventAdapter.NO_TIMESTAMP, c);
        rmm.parse("{\"type\":\"patch_result\",\"ts\":\"2026-11-10T02:04:00Z\",\"device\":\"X\",\"kb\":\"KB1234567\",\"status\":\"done\"}".getBytes(),
                "t", EventAdapter.NO_TIMESTAMP, c);
        rmm.parse("{\"type\":\"patch_result\",\"ts\":\"2026-11-10T02:04:00Z\",\"device\":\"X\",\"status\":\"installed\"}".getBytes(),
                "t", EventAdapter.NO_TIMESTAMP, c);
        rmm.parse("{\"type\":\"reboot\",\"ts\":1,\"device\":\"X\"}".getBytes(), "t", EventAdapter.NO_TIMESTAMP, c);
        // A feed configured for acme cannot file a record under another tenant.
        rmm.parse(("{\"type\":\"patch_result\",\"ts\":\"2026-11-10T02:04:00Z\",\"tenant\":\"globex\",\"device\":\"SRV-03\","
                + "\"kb\":\"KB5044099\",\"status\":\"installed\"}").getBytes(), "t", EventAdapter.NO_TIMESTAMP, c);

        DeviceEvent installed = c.events.get(0);
        assertThat(installed.getKind()).isEqualTo(EventKind.patch_installed);
        assertThat(installed.getKb()).isEqualTo("KB5044284");
        assertThat(installed.getRebootRequired()).isTrue();
        assertThat(installed.getDevice()).isEqualTo("SRV-01");
        assertThat(installed.getTenant()).isEqualTo("acme");
        assertThat(installed.getTs()).isEqualTo(EventTimes.parseIso("2026-11-10T02:03:00Z"));
        DeviceEvent failed = c.events.get(1);
        assertThat(failed.getKind()).isEqualTo(EventKind.patch_failed);
        assertThat(failed.getKb()).isEqualTo("KB5044099");
        assertThat(failed.getError()).isEqualTo("0x80070643");
        assertThat(failed.getTenant()).isEqualTo("ACME");
        assertThat(c.events).hasSize(2);
        assertThat(c.deadLetters).hasSize(4);
        assertThat(c.deadLetters.get(3)).contains("not this feed's tenant 'acme'");
    }

    @Test
    void genericServiceInventory() {
        EventAdapter rmm = new RmmJsonAdapter(AdapterSettings.defaults());
        Collected c = Collected.one(rmm, "{\"type\":\"service_inventory\",\"ts\":\"2026-11-10T02:20:00Z\",\"device\":\"SRV-01\","
                + "\"services\":[{\"name\":\"Spooler\",\"status\":\"running\",\"start_type\":\"Automatic\"},"
                + "{\"name\":\"W3SVC\",\"status\":\"Stopped\"},{\"name\":\"X\",\"status\":\"melted\"}]}", EventAdapter.NO_TIMESTAMP);

        assertThat(c.events).extracting(e -> e.getService() + "=" + e.getState() + "/" + e.getStartType())
                .containsExactly("Spooler=running/auto", "W3SVC=stopped/null");
        assertThat(c.deadLetters).hasSize(1);
    }

    @Test
    void tacticalUpdateInventoriesEmitWhatBecameInstalled() {
        EventAdapter tactical = new TacticalRmmAdapter(AdapterSettings.defaults().withTenant("acme", "hq"));

        Collected first = Collected.one(tactical, Collected.read("rmm/tactical-updates-before.json"), T);
        Collected c = new Collected();
        tactical.parse(Collected.read("rmm/tactical-updates-before.json").getBytes(), "t", T, c);
        tactical.parse(Collected.read("rmm/tactical-updates-after.json").getBytes(), "t", T + 3_600_000, c);

        assertThat(first.events).as("the first inventory is the baseline").isEmpty();
        assertThat(c.events).singleElement().satisfies(e -> {
            assertThat(e.getKind()).isEqualTo(EventKind.patch_installed);
            assertThat(e.getKb()).isEqualTo("KB5044284");
            assertThat(e.getUpdateId()).isEqualTo("5d3e6a3a-0000-4b2a-9f3b-000000000001");
            assertThat(e.getRebootRequired()).isTrue();
            assertThat(e.getDevice()).isEqualTo("SRV-APP-07");
            assertThat(e.getTs()).isEqualTo(T + 3_600_000);
        });
    }

    @Test
    void tacticalServiceInventoryBecomesServiceStates() {
        Collected c = Collected.one(new TacticalRmmAdapter(AdapterSettings.defaults()), Collected.read("rmm/tactical-services.json"), T);

        assertThat(c.events).hasSize(4).allMatch(e -> e.getKind() == EventKind.service_state && e.getTs() == T);
        assertThat(c.events.get(0).getState()).isEqualTo(ServiceState.running);
        assertThat(c.events.get(1).getService()).isEqualTo("W3SVC");
        assertThat(c.events.get(1).getStartType()).isEqualTo("auto");
        assertThat(c.events.get(3).getStartType()).isEqualTo("auto");
    }
}
