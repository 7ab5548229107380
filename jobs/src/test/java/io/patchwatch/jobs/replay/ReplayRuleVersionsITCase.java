package io.patchwatch.jobs.replay;

import static io.patchwatch.jobs.support.Scenario.summary;
import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.jobs.live.RuleVersion;
import io.patchwatch.jobs.support.Scenario;
import io.patchwatch.schemas.Alert;
import io.patchwatch.testkit.PatchwatchMiniCluster;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RULES.md "Changing rules while the job runs", by event time: the rules versions a live job had
 * (version 1 the file, version 2 in force from a time in the night), replayed. Expected lines are
 * worked out from the definitions (B 20m, N 10m; the restart at 02:02 is SRV-01's last signal).
 */
class ReplayRuleVersionsITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = PatchwatchMiniCluster.extension();

    private static final String FILE = RuleSet.defaults().sourceText();

    @Test
    void aTighterWindowFiresAtTheLaterOfAnchorPlusItAndTheTimeItIsInForce() throws Exception {
        // SRV-01 sends no heartbeat: never offline, so its reboot-hang is paged, not held by it (FLEET.md).
        List<Alert> alerts = Scenario.of("""
                02:01 SRV-01 patch_installed kb=KB1
                02:02 SRV-01 reboot_initiated
                02:05 SRV-02 heartbeat
                02:16 SRV-02 heartbeat
                02:20 SRV-02 heartbeat
                """).versions(version(2, "02:15", FILE.replace("  boot_within: 20m", "  boot_within: 10m"))).alerts();

        assertThat(summary(alerts)).containsExactly("02:15:00 firing reboot-hang SRV-01 [KB1]");
        assertThat(alerts.get(0).getContext().getRuleVersion()).isEqualTo(2);
        // {window} is how long the restart has waited: 02:02 to 02:15.
        assertThat(alerts.get(0).getMessage()).contains("13m after its post-patch restart");
    }

    @Test
    void aLooserWindowMovesThePendingDeadlineOut() throws Exception {
        List<Alert> alerts = Scenario.of("""
                02:00 SRV-01 heartbeat
                02:01 SRV-01 patch_installed kb=KB1
                02:02 SRV-01 reboot_initiated
                02:30 SRV-01 booted
                02:30 SRV-01 heartbeat
                02:35 SRV-02 heartbeat
                """).versions(version(2, "02:10", FILE.replace("  boot_within: 20m", "  boot_within: 40m"))).alerts();

        assertThat(summary(alerts)).as("without version 2: reboot-hang at 02:22").containsExactly(
                "02:12:00 firing offline-after-patch SRV-01 [KB1]",
                "02:30:00 resolved offline-after-patch SRV-01 [KB1]");
    }

    @Test
    void aDisabledRuleCancelsItsDeadlinesAndItsFiringIncidentsResolve() throws Exception {
        List<Alert> alerts = Scenario.of("""
                02:00 SRV-01 heartbeat
                02:01 SRV-01 patch_installed kb=KB1
                02:02 SRV-01 reboot_initiated
                02:05 SRV-02 heartbeat
                02:40 SRV-02 heartbeat
                """).versions(version(2, "02:15", FILE
                        .replace("  offline-after-patch:\n", "  offline-after-patch:\n    enabled: false\n")
                        .replace("  reboot-hang:\n", "  reboot-hang:\n    enabled: false\n"))).alerts();

        assertThat(summary(alerts)).as("reboot-hang's deadline (02:22) cancelled").containsExactly(
                "02:12:00 firing offline-after-patch SRV-01 [KB1]",
                "02:15:00 resolved offline-after-patch SRV-01 [KB1]");
        assertThat(alerts.get(1).getReason()).isEqualTo("rule_disabled");
        assertThat(alerts.get(1).getDedupKey()).isEqualTo(alerts.get(0).getDedupKey());
    }

    private static RuleVersion version(int n, String from, String yaml) {
        return RuleVersion.of(n, Scenario.time(from), yaml, "version " + n);
    }
}
