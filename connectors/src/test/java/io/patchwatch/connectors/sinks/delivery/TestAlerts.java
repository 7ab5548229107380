package io.patchwatch.connectors.sinks.delivery;

import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertContext;
import io.patchwatch.schemas.AlertStatus;
import java.util.ArrayList;
import java.util.List;

/** Alerts as the job emits them: a firing alert and, later, its resolve with the same key. */
final class TestAlerts {
    static final long NIGHT = 1_762_740_000_000L; // 2025-11-10T02:00:00Z

    private TestAlerts() {}

    static Alert offline(String tenant, String device, int episode) {
        return Alert.newBuilder().setRule("offline-after-patch").setStatus(AlertStatus.firing)
                .setTs(NIGHT + 27 * 60_000L).setSeverity("critical").setTenant(tenant).setSite("hq").setDevice(device)
                .setKbs(List.of("KB5044284", "KB5044033")).setService(null)
                .setMessage(device + " is offline following a scheduled patch installation (KB5044284)")
                .setContext(AlertContext.newBuilder().setInstalledAt(NIGHT + 60_000L).setLastSeen(NIGHT + 17 * 60_000L)
                        .setSilentForS(600L).build())
                .setDedupKey(tenant + "/" + device + "/offline-after-patch/" + (NIGHT + 60_000L) + "/" + episode)
                .build();
    }

    static Alert serviceDown(String tenant, String device, String message) {
        return Alert.newBuilder().setRule("service-down-after-reboot").setStatus(AlertStatus.firing)
                .setTs(NIGHT + 35 * 60_000L).setSeverity("error").setTenant(tenant).setSite(null).setDevice(device)
                .setKbs(List.of("KB5044284")).setService("MSSQLSERVER").setMessage(message)
                .setContext(AlertContext.newBuilder().setInstalledAt(NIGHT + 60_000L).setBootedAt(NIGHT + 20 * 60_000L).build())
                .setDedupKey(tenant + "/" + device + "/service-down-after-reboot/" + (NIGHT + 20 * 60_000L) + "/1/MSSQLSERVER")
                .build();
    }

    static Alert resolved(Alert firing, long afterMillis) {
        return Alert.newBuilder(firing).setStatus(AlertStatus.resolved).setTs(firing.getTs() + afterMillis)
                .setMessage(firing.getDevice() + " is back").build();
    }

    /** {@code n} incidents, each fired then resolved: 2n alerts, the resolves after all firings. */
    static List<Alert> incidents(String tenant, int n) {
        List<Alert> firing = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            firing.add(offline(tenant, String.format("SRV-%03d", i), 1));
        }
        List<Alert> all = new ArrayList<>(firing);
        firing.forEach(a -> all.add(resolved(a, 300_000)));
        return all;
    }
}
