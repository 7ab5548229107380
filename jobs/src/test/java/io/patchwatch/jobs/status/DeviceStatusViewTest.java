package io.patchwatch.jobs.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.fact.FactKind;
import io.patchwatch.jobs.inventory.DeviceInfo;
import io.patchwatch.jobs.noise.HeldIncident;
import io.patchwatch.schemas.DeviceStatus;
import io.patchwatch.schemas.PatchState;
import io.patchwatch.schemas.RebootState;
import org.junit.jupiter.api.Test;

/** A device's status from its facts and incidents: the state an operator is shown, most urgent first. */
class DeviceStatusViewTest {
    private static final long T = 1_794_276_000_000L; // 2026-11-10T02:00:00Z

    private final DeviceStatus s = DeviceStatusView.create("acme/srv-01", "hq", new DeviceInfo("acme", "SRV-01", "hq", "ring-1", null), T);

    private static DeviceFact fact(FactKind kind, long ts) {
        DeviceFact f = new DeviceFact();
        f.key = "acme/srv-01";
        f.tenant = "acme";
        f.device = "SRV-01";
        f.kind = kind;
        f.ts = ts;
        return f;
    }

    private static DeviceFact install(FactKind kind, String kb, long ts) {
        DeviceFact f = fact(kind, ts);
        f.kb = kb;
        f.error = kind == FactKind.PATCH_FAILED ? "0x80070002" : null;
        return f;
    }

    @Test
    void theRingIsTheInventorysGroupAndANewDeviceIsHealthy() {
        assertThat(s.getRing()).isEqualTo("ring-1");
        assertThat(DeviceStatusView.state(s)).isEqualTo(PatchState.healthy);
    }

    @Test
    void aNightFromPatchingToHealthyThroughItsRestart() {
        assertThat(DeviceStatusView.apply(s, fact(FactKind.SESSION_OPENED, T))).isTrue();
        assertThat(s.getState()).isEqualTo(PatchState.patching);
        DeviceFact kb = install(FactKind.PATCH_INSTALLED, "KB5044284", T + 60_000);
        kb.rebootRequired = true;
        DeviceStatusView.apply(s, kb);
        assertThat(s.getState()).isEqualTo(PatchState.pending_reboot);
        DeviceStatusView.apply(s, fact(FactKind.REBOOT_INITIATED, T + 120_000));
        assertThat(s.getState()).isEqualTo(PatchState.pending_reboot);
        DeviceStatusView.apply(s, fact(FactKind.BOOTED, T + 300_000));
        assertThat(s.getState()).isEqualTo(PatchState.healthy);
        assertThat(s.getReboot()).isEqualTo(RebootState.booted);
        assertThat(s.getSession().getInstalled()).containsExactly("KB5044284");
        assertThat(s.getTs()).isEqualTo(T + 300_000);
        assertThat(DeviceStatusView.apply(s, fact(FactKind.PING, T + 360_000))).as("nothing an operator looks at").isFalse();
    }

    @Test
    void aFailedUpdateIsFailedUntilItInstallsAndOfflineWinsOverEverything() {
        DeviceStatusView.apply(s, install(FactKind.PATCH_FAILED, "KB1", T));
        assertThat(s.getState()).isEqualTo(PatchState.failed);
        assertThat(s.getSession().getFailed()).containsEntry("KB1", "0x80070002");
        DeviceFact stopped = fact(FactKind.SERVICE_STATE, T + 1_000);
        stopped.service = "Spooler";
        stopped.state = "stopped";
        DeviceStatusView.apply(s, stopped);
        assertThat(s.getState()).as("failed before service_down").isEqualTo(PatchState.failed);
        DeviceStatusView.apply(s, install(FactKind.PATCH_INSTALLED, "KB1", T + 2_000));
        assertThat(s.getState()).isEqualTo(PatchState.service_down);
        assertThat(s.getServicesDown()).containsExactly("SPOOLER");
        DeviceStatusView.apply(s, fact(FactKind.DEVICE_SILENT, T + 600_000));
        assertThat(s.getState()).isEqualTo(PatchState.offline);
        assertThat(s.getSilentSince()).isEqualTo(T + 600_000);
        DeviceStatusView.apply(s, fact(FactKind.DEVICE_BACK, T + 900_000));
        DeviceFact running = fact(FactKind.SERVICE_STATE, T + 901_000);
        running.service = "spooler";
        running.state = "running";
        DeviceStatusView.apply(s, running);
        assertThat(s.getState()).isEqualTo(PatchState.healthy);
        assertThat(s.getOnline()).isTrue();
    }

    @Test
    void incidentsOpenPagedOrHeldAndAHungRestartIsOffline() {
        DeviceStatusView.apply(s, fact(FactKind.REBOOT_INITIATED, T));
        HeldIncident held = new HeldIncident();
        held.step = HeldIncident.Step.held;
        held.ts = T + 1_200_000;
        held.firedAt = T + 1_200_000;
        held.dedupKey = "acme/SRV-01/reboot-hang/1/1";
        held.rule = "reboot-hang";
        held.tenant = "acme";
        held.device = "SRV-01";
        held.heldBy = "maintenance/patch-night";
        assertThat(DeviceStatusView.apply(s, IncidentChange.of(held))).isTrue();
        assertThat(s.getReboot()).isEqualTo(RebootState.hung);
        assertThat(s.getState()).isEqualTo(PatchState.offline);
        assertThat(s.getIncidents()).singleElement().satisfies(i -> {
            assertThat(i.getPaged()).isFalse();
            assertThat(i.getHeldBy()).isEqualTo("maintenance/patch-night");
        });
        held.step = HeldIncident.Step.closed;
        DeviceStatusView.apply(s, IncidentChange.of(held));
        assertThat(s.getIncidents()).isEmpty();
    }
}
