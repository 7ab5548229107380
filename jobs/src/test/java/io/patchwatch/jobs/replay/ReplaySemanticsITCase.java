package io.patchwatch.jobs.replay;

import static io.patchwatch.jobs.support.Scenario.summary;
import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.jobs.inventory.DeviceInfo;
import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.jobs.support.Scenario;
import io.patchwatch.schemas.Alert;
import io.patchwatch.testkit.PatchwatchMiniCluster;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The detection semantics of ARCHITECTURE.md, row by row, through the whole topology on a mini
 * cluster with the default rules (N 10m, W 4h, M 10m, B 20m, P 24h). Every expected line was worked
 * out from the definitions, not from a run.
 */
class ReplaySemanticsITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = PatchwatchMiniCluster.extension();

    @Test
    void offlineAfterPatchFiresAtLastSignalPlusNAndResolvesWhenBack() throws Exception {
        List<Alert> alerts = Scenario.of("""
                02:00 SRV-01 heartbeat
                02:03 SRV-01 patch_installed kb=KB5044284
                02:04 SRV-01 heartbeat
                02:30 SRV-01 heartbeat
                """).alerts();

        assertThat(summary(alerts)).containsExactly(
                "02:14:00 firing offline-after-patch SRV-01 [KB5044284]",
                "02:30:00 resolved offline-after-patch SRV-01 [KB5044284]");
        Alert firing = alerts.get(0);
        assertThat(firing.getMessage()).isEqualTo("SRV-01 is offline following a scheduled patch installation (KB5044284)");
        assertThat(firing.getSeverity()).isEqualTo("critical");
        assertThat(firing.getContext().getSilentForS()).isEqualTo(600L);
        assertThat(firing.getContext().getLastSeen()).isEqualTo(Scenario.time("02:04"));
        assertThat(firing.getContext().getInstalledAt()).isEqualTo(Scenario.time("02:03"));
        assertThat(firing.getDedupKey()).isEqualTo("acme/SRV-01/offline-after-patch/" + Scenario.time("02:03") + "/1");
        assertThat(alerts.get(1).getDedupKey()).isEqualTo(firing.getDedupKey());
    }

    @Test
    void aHeartbeatJustBeforeNKeepsTheDeviceAlive() throws Exception {
        List<Alert> alerts = Scenario.of("""
                01:59 SRV-01 patch_installed kb=KB1
                02:00 SRV-01 heartbeat
                02:09:59 SRV-01 heartbeat
                02:19:58 SRV-01 heartbeat
                02:25 SRV-01 heartbeat
                """).alerts();

        assertThat(summary(alerts)).isEmpty();
    }

    @Test
    void aHeartbeatJustAfterNComesTooLate() throws Exception {
        List<Alert> alerts = Scenario.of("""
                01:59 SRV-01 patch_installed kb=KB1
                02:00 SRV-01 heartbeat
                02:10:01 SRV-01 heartbeat
                02:15 SRV-01 heartbeat
                """).alerts();

        assertThat(summary(alerts)).containsExactly(
                "02:10:00 firing offline-after-patch SRV-01 [KB1]",
                "02:10:01 resolved offline-after-patch SRV-01 [KB1]");
    }

    @Test
    void aFailedPingIsNotALivenessSignal() throws Exception {
        List<Alert> alerts = Scenario.of("""
                02:00 SRV-01 ping ok=true rtt_ms=1.2
                02:00:30 SRV-01 patch_installed kb=KB1
                02:04 SRV-01 ping ok=false loss_pct=100
                02:08 SRV-01 ping ok=false loss_pct=100
                02:12 SRV-01 ping ok=false loss_pct=100
                02:16 SRV-01 ping ok=false loss_pct=100
                02:25 SRV-01 ping ok=true rtt_ms=0.9
                """).alerts();

        assertThat(summary(alerts)).containsExactly(
                "02:10:30 firing offline-after-patch SRV-01 [KB1]",
                "02:25:00 resolved offline-after-patch SRV-01 [KB1]");
    }

    @Test
    void aDeviceThatComesBackAndGoesSilentAgainHasTwoEpisodes() throws Exception {
        List<Alert> alerts = Scenario.of("""
                02:00 SRV-01 patch_installed kb=KB1
                02:01 SRV-01 heartbeat
                02:20 SRV-01 heartbeat
                02:40 SRV-01 heartbeat
                """).alerts();

        assertThat(summary(alerts)).containsExactly(
                "02:11:00 firing offline-after-patch SRV-01 [KB1]",
                "02:20:00 resolved offline-after-patch SRV-01 [KB1]",
                "02:30:00 firing offline-after-patch SRV-01 [KB1]",
                "02:40:00 resolved offline-after-patch SRV-01 [KB1]");
        assertThat(alerts.get(0).getDedupKey()).endsWith("/1");
        assertThat(alerts.get(2).getDedupKey()).endsWith("/2");
    }

    @Test
    void aSilenceThatStartsAfterTheSessionEndedRaisesNothing() throws Exception {
        StringBuilder events = new StringBuilder("01:00 SRV-01 patch_installed kb=KB1\n");
        for (int m = 0; m < 240; m += 5) {
            events.append(String.format("%02d:%02d SRV-01 heartbeat%n", 1 + m / 60, m % 60));
        }
        events.append("06:00 SRV-01 heartbeat\n");
        // Last heartbeat 04:55: silent at 05:05, the session closed at 05:00.
        assertThat(summary(Scenario.of(events.toString()).alerts())).isEmpty();
    }

    @Test
    void aDeviceKnownOnlyFromItsEventLogIsNeverSilent() throws Exception {
        List<Alert> alerts = Scenario.of("""
                02:00 SRV-01 patch_installed kb=KB1
                03:00 OTHER heartbeat
                """).alerts();

        assertThat(summary(alerts)).isEmpty();
    }

    @Test
    void aCriticalServiceNotRunningWithinMAfterTheBootFires() throws Exception {
        List<Alert> alerts = Scenario.of("""
                01:00 SRV-01 service_state service=Spooler state=running
                02:00 SRV-01 patch_installed kb=KB1 reboot_required=true
                02:01 SRV-01 reboot_initiated reason=patch
                02:05 SRV-01 booted
                02:06 SRV-01 service_state service=Spooler state=stopped
                02:20 SRV-01 service_state service=Spooler state=running
                """).alerts();

        assertThat(summary(alerts)).containsExactly(
                "02:15:00 firing service-down-after-reboot SRV-01 service=Spooler [KB1]",
                "02:20:00 resolved service-down-after-reboot SRV-01 service=Spooler [KB1]");
        assertThat(alerts.get(0).getMessage()).isEqualTo("Spooler is not running after the post-patch reboot of SRV-01 (KB1)");
        assertThat(alerts.get(0).getContext().getBootedAt()).isEqualTo(Scenario.time("02:05"));
        assertThat(alerts.get(0).getDedupKey()).endsWith("/1/Spooler");
    }

    @Test
    void aServiceThatFailsWithinMFiresAtTheFailureEvenAfterItStarted() throws Exception {
        List<Alert> alerts = Scenario.of("""
                01:00 WEB-01 service_state service=W3SVC state=running
                02:00 WEB-01 patch_installed kb=KB1
                02:05 WEB-01 booted
                02:06 WEB-01 service_state service=W3SVC state=running
                02:09 WEB-01 service_failed service=W3SVC error=7031
                02:30 WEB-01 service_state service=W3SVC state=running
                """).alerts();

        assertThat(summary(alerts)).containsExactly(
                "02:09:00 firing service-down-after-reboot WEB-01 service=W3SVC [KB1]",
                "02:30:00 resolved service-down-after-reboot WEB-01 service=W3SVC [KB1]");
    }

    @Test
    void servicesThatStartInTimeOrAreNotCriticalRaiseNothing() throws Exception {
        List<Alert> alerts = Scenario.of("""
                01:00 SRV-01 service_state service=Spooler state=running
                02:00 SRV-01 patch_installed kb=KB1
                02:05 SRV-01 booted
                02:09 SRV-01 service_state service=Spooler state=running
                02:09 SRV-01 service_state service=Fax state=stopped
                03:00 SRV-01 service_state service=Fax state=stopped
                """).alerts();

        assertThat(summary(alerts)).isEmpty();
    }

    @Test
    void theGroupsConfiguredServicesAreCriticalWithoutABaseline() throws Exception {
        List<Alert> alerts = Scenario.of("""
                02:00 SQL-01 patch_installed kb=KB1
                02:05 SQL-01 booted
                02:06 SQL-01 service_state service=SQLSERVERAGENT state=running
                02:30 SQL-01 booted
                """).inventory(Inventory.of(List.of(new DeviceInfo("acme", "SQL-01", "hq", "sql", "high"))))
                .alerts();

        assertThat(summary(alerts)).containsExactly(
                "02:15:00 firing service-down-after-reboot SQL-01 service=MSSQLSERVER [KB1]");
    }

    @Test
    void aRebootThatDoesNotBootWithinBHangs() throws Exception {
        io.patchwatch.jobs.replay.Replay.Result r = Scenario.of("""
                02:00 SRV-01 heartbeat
                02:00:30 SRV-01 patch_installed kb=KB1 reboot_required=true
                02:02 SRV-01 reboot_initiated reason=patch
                02:40 SRV-01 booted
                02:41 SRV-01 heartbeat
                # SRV-02 sends no heartbeat: never offline, so its reboot-hang pages itself
                02:00:30 SRV-02 patch_installed kb=KB1 reboot_required=true
                02:02 SRV-02 reboot_initiated reason=patch
                02:40 SRV-02 booted
                """).replay();

        assertThat(summary(r.alerts())).containsExactly(
                "02:12:00 firing offline-after-patch SRV-01 [KB1]",
                "02:22:00 firing reboot-hang SRV-02 [KB1]",
                "02:40:00 resolved offline-after-patch SRV-01 [KB1]",
                "02:40:00 resolved reboot-hang SRV-02 [KB1]");
        assertThat(r.held()).as("SRV-01's reboot-hang fired too, held by its own offline (FLEET.md), and closed with it")
                .extracting(h -> h.step + " " + h.rule + " " + h.device + " " + h.reason)
                .containsExactly("held reboot-hang SRV-01 null", "closed reboot-hang SRV-01 explained_by_parent");
    }

    @Test
    void aRebootOutsideASessionIsNoHang() throws Exception {
        List<Alert> alerts = Scenario.of("""
                02:00 SRV-01 reboot_initiated reason=user
                03:00 SRV-01 booted
                """).alerts();

        assertThat(summary(alerts)).isEmpty();
    }

    @Test
    void anInstallNeedingARebootWithoutABootWithinPIsPendingTooLong() throws Exception {
        List<Alert> alerts = Scenario.of("""
                02:00 SRV-01 patch_installed kb=KB1 reboot_required=true
                02:30 SRV-01 patch_installed kb=KB2 reboot_required=true
                d2/03:00 SRV-01 booted
                """).alerts();

        assertThat(summary(alerts)).containsExactly(
                "d2/02:00:00 firing reboot-pending-too-long SRV-01 [KB1]",
                "d2/03:00:00 resolved reboot-pending-too-long SRV-01 [KB1]");
    }

    @Test
    void onlyTheSessionsFirstRebootRequiringInstallIsWatchedForItsReboot() throws Exception {
        // reboot-pending-too-long is one_shot (RULES.md): the install at 03:00, in the same session
        // as the one whose reboot came at 02:10, starts no second watch.
        List<Alert> alerts = Scenario.of("""
                02:00 SRV-01 patch_installed kb=KB1 reboot_required=true
                02:10 SRV-01 booted
                03:00 SRV-01 patch_installed kb=KB2 reboot_required=true
                d2/03:30 SRV-01 reboot_initiated
                """).alerts();

        assertThat(summary(alerts)).isEmpty();
    }

    @Test
    void aFailedPatchFiresAndResolvesWhenTheSameUpdateInstalls() throws Exception {
        List<Alert> alerts = Scenario.of("""
                02:00 SRV-01 patch_failed kb=KB2 error=0x80070005
                02:10 SRV-01 patch_failed kb=KB3 error=0x80248007
                02:40 SRV-01 patch_installed kb=KB3
                03:00 SRV-01 patch_installed kb=KB2
                """).alerts();

        assertThat(summary(alerts)).containsExactly(
                "02:00:00 firing patch-failed SRV-01 [KB2]",
                "02:10:00 firing patch-failed SRV-01 [KB3]",
                "02:40:00 resolved patch-failed SRV-01 [KB3]",
                "03:00:00 resolved patch-failed SRV-01 [KB2]");
        assertThat(alerts.get(0).getMessage()).isEqualTo("KB2 failed to install on SRV-01 (error 0x80070005)");
    }

    @Test
    void anUnexpectedShutdownCountsOnlyInsideASession() throws Exception {
        List<Alert> alerts = Scenario.of("""
                01:00 SRV-01 unexpected_shutdown
                02:00 SRV-01 patch_installed kb=KB1
                02:30 SRV-01 unexpected_shutdown
                07:00 SRV-01 unexpected_shutdown
                """).alerts();

        assertThat(summary(alerts)).containsExactly("02:30:00 firing unexpected-shutdown-after-patch SRV-01 [KB1]");
    }

    @Test
    void oneCrashLoggedTwiceIsOneAlertButALaterCrashIsAnother() throws Exception {
        List<Alert> alerts = Scenario.of("""
                02:00 SRV-01 patch_installed kb=KB1
                02:30 SRV-01 booted
                02:30:01 SRV-01 unexpected_shutdown reason=6008
                02:30:02 SRV-01 unexpected_shutdown reason=kernel-power-41
                03:30 SRV-01 unexpected_shutdown reason=6008
                """).alerts();

        assertThat(summary(alerts)).containsExactly(
                "02:30:01 firing unexpected-shutdown-after-patch SRV-01 [KB1]",
                "03:30:00 firing unexpected-shutdown-after-patch SRV-01 [KB1]");
        assertThat(alerts.get(1).getDedupKey()).endsWith("/2");
    }

    @Test
    void duplicateEventsRaiseNoDuplicateAlert() throws Exception {
        io.patchwatch.jobs.replay.Replay.Result r = Scenario.of("""
                02:00 SRV-01 heartbeat
                02:01 SRV-01 patch_installed kb=KB1 reboot_required=true
                02:01 SRV-01 patch_installed kb=KB1 reboot_required=true
                02:01:30 SRV-01 patch_failed kb=KB2 error=0x1
                02:01:30 SRV-01 patch_failed kb=KB2 error=0x1
                02:02 SRV-01 reboot_initiated
                02:02 SRV-01 reboot_initiated
                02:03 SRV-01 unexpected_shutdown
                02:03 SRV-01 unexpected_shutdown
                02:40 SRV-01 booted
                02:40 SRV-01 booted
                02:41 SRV-01 heartbeat
                """).replay();

        assertThat(summary(r.alerts())).containsExactly(
                "02:01:30 firing patch-failed SRV-01 [KB2]",
                "02:03:00 firing unexpected-shutdown-after-patch SRV-01 [KB1, KB2]",
                "02:13:00 firing offline-after-patch SRV-01 [KB1, KB2]",
                "02:40:00 resolved offline-after-patch SRV-01 [KB1, KB2]");
        assertThat(r.held()).as("one reboot-hang, held by the device's offline").extracting(h -> h.step + " " + h.rule)
                .containsExactly("held reboot-hang", "closed reboot-hang");
    }

    @Test
    void anUpdateWithoutAKbIsNamedByItsTitleNeverByItsId() throws Exception {
        List<Alert> alerts = Scenario.of("""
                02:00 SRV-01 heartbeat
                02:01 SRV-01 patch_installed kb=KB1
                {"ts":"2026-11-10T02:02:00Z","tenant":"acme","device":"SRV-01","kind":"patch_installed","update_id":"5d8a3f2c-0b1e-4c8e-9f6a-2b7d1e4c9a01","title":"Intel - Display - 31.0.101.4502"}
                {"ts":"2026-11-10T02:03:00Z","tenant":"acme","device":"SRV-01","kind":"patch_failed","update_id":"9b2e7c41-6d3a-4f5b-8e1c-7a9d2b3c4e5f","title":"Microsoft Defender Antivirus platform update","error":"0x80070643"}
                02:30 SRV-01 heartbeat
                """).alerts();

        Alert failed = alerts.stream().filter(a -> a.getRule().equals("patch-failed")).findFirst().orElseThrow();
        assertThat(failed.getKbs()).as("no KB: nothing in kbs").isEmpty();
        assertThat(failed.getContext().getUpdates()).containsExactly("Microsoft Defender Antivirus platform update");
        assertThat(failed.getMessage()).isEqualTo("Microsoft Defender Antivirus platform update failed to install on SRV-01 (error 0x80070643)");
        assertThat(failed.getDedupKey()).as("the id still tells updates apart").endsWith("/9b2e7c41-6d3a-4f5b-8e1c-7a9d2b3c4e5f");
        Alert offline = alerts.stream().filter(a -> a.getRule().equals("offline-after-patch")).findFirst().orElseThrow();
        assertThat(offline.getKbs()).containsExactly("KB1");
        assertThat(offline.getContext().getUpdates())
                .containsExactly("Intel - Display - 31.0.101.4502", "Microsoft Defender Antivirus platform update");
        assertThat(offline.getMessage()).isEqualTo("SRV-01 is offline following a scheduled patch installation "
                + "(KB1, Intel - Display - 31.0.101.4502, Microsoft Defender Antivirus platform update)");
    }

    @Test
    void mixedCaseNamesAreOneDevice() throws Exception {
        List<Alert> alerts = Scenario.of("""
                02:00 srv-sql-01 heartbeat
                02:01 SRV-SQL-01 patch_installed kb=KB1
                02:05 Srv-Sql-01 heartbeat
                02:30 SRV-SQL-01 heartbeat
                """).alerts();

        assertThat(summary(alerts)).containsExactly(
                "02:15:00 firing offline-after-patch srv-sql-01 [KB1]",
                "02:30:00 resolved offline-after-patch srv-sql-01 [KB1]");
    }

    @Test
    void aGroupOverrideChangesN() throws Exception {
        String rules = new String(getClass().getResourceAsStream("/io/patchwatch/jobs/config/rules.yaml").readAllBytes())
                + "  - match: {group: fast}\n    silence_after: 3m\n";
        List<Alert> alerts = Scenario.of("""
                02:00 FAST-01 heartbeat
                02:00 SLOW-01 heartbeat
                02:00:30 FAST-01 patch_installed kb=KB1
                02:00:30 SLOW-01 patch_installed kb=KB1
                02:30 FAST-01 heartbeat
                02:30 SLOW-01 heartbeat
                """).rules(rules)
                .inventory(Inventory.of(List.of(new DeviceInfo("acme", "FAST-01", "hq", "fast", null))))
                .alerts();

        assertThat(summary(alerts)).containsExactly(
                "02:03:30 firing offline-after-patch FAST-01 [KB1]",
                "02:10:30 firing offline-after-patch SLOW-01 [KB1]",
                "02:30:00 resolved offline-after-patch FAST-01 [KB1]",
                "02:30:00 resolved offline-after-patch SLOW-01 [KB1]");
    }

    @Test
    void theClockStopsAtTheLastInputEvent() throws Exception {
        List<Alert> alerts = Scenario.of("""
                02:00 SRV-01 heartbeat
                02:01 SRV-01 patch_installed kb=KB1 reboot_required=true
                02:02 SRV-01 reboot_initiated
                02:10 OTHER heartbeat
                """).alerts();

        // Silent at 02:12, hang at 02:22, pending at d2/02:01: all after the last event (02:10).
        assertThat(summary(alerts)).isEmpty();
    }
}
