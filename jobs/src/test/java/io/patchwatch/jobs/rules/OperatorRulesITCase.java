package io.patchwatch.jobs.rules;

import static io.patchwatch.jobs.support.Scenario.summary;
import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.jobs.support.Scenario;
import io.patchwatch.schemas.Alert;
import io.patchwatch.testkit.PatchwatchMiniCluster;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** RULES.md's two examples of rules an operator adds in rules.yaml, end to end through replay. */
class OperatorRulesITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = PatchwatchMiniCluster.extension();

    @Test
    void aBootLoopAfterThePatchRebootPagesOnceAtTheSecondCrash() throws Exception {
        List<Alert> alerts = Scenario.of("""
                02:01 SRV-01 patch_installed kb=KB1 reboot_required=true
                02:05 SRV-01 reboot_initiated
                02:07 SRV-01 booted
                02:09 SRV-01 unexpected_shutdown
                02:12 SRV-01 booted
                02:14 SRV-01 unexpected_shutdown
                02:17 SRV-01 booted
                02:19 SRV-01 unexpected_shutdown
                02:22 SRV-01 booted
                # one crash after the boot is no loop
                02:01 SRV-02 patch_installed kb=KB1 reboot_required=true
                02:07 SRV-02 booted
                02:09 SRV-02 unexpected_shutdown
                02:12 SRV-02 booted
                # crashes more than an hour after the boot are no loop either
                02:01 SRV-03 patch_installed kb=KB1 reboot_required=true
                02:07 SRV-03 booted
                03:09 SRV-03 unexpected_shutdown
                03:12 SRV-03 booted
                03:14 SRV-03 unexpected_shutdown
                03:20 SRV-03 booted
                """).rules(RulesLanguageTest.withExamples()).alerts();

        assertThat(summary(alerts)).filteredOn(a -> a.contains("boot-loop")).containsExactly(
                "02:14:00 firing boot-loop-after-patch SRV-01 [KB1]");
        assertThat(summary(alerts)).as("each crash still raises the built-in rule, a boot between them makes two crashes")
                .filteredOn(a -> a.contains("unexpected-shutdown") && a.contains("SRV-01")).hasSize(3);
        assertThat(alerts).filteredOn(a -> a.getRule().equals("boot-loop-after-patch")).singleElement()
                .satisfies(a -> assertThat(a.getSeverity()).isEqualTo("critical"))
                .satisfies(a -> assertThat(a.getDedupKey()).isEqualTo("acme/SRV-01/boot-loop-after-patch/"
                        + Scenario.time("02:01") + "/1"));
    }

    @Test
    void threeLossyPingsWithinTenMinutesAfterThePatchWarnAndAHealthyPingResolves() throws Exception {
        List<Alert> alerts = Scenario.of("""
                02:00 SRV-01 ping ok=true loss_pct=0
                02:00 SRV-02 ping ok=true loss_pct=0
                02:01 SRV-01 patch_installed kb=KB1
                02:01 SRV-02 patch_installed kb=KB1
                02:05 SRV-01 ping ok=true loss_pct=0
                02:05 SRV-02 ping ok=true loss_pct=0
                02:10 SRV-01 ping ok=true loss_pct=60
                02:12 SRV-01 ping ok=true loss_pct=75
                02:15 SRV-01 ping ok=true loss_pct=50
                02:16 SRV-01 ping ok=true loss_pct=20
                02:18 SRV-01 ping ok=true loss_pct=0
                # lossy, but the three are spread over more than 10 minutes
                02:10 SRV-02 ping ok=true loss_pct=60
                02:15 SRV-02 ping ok=true loss_pct=0
                02:16 SRV-02 ping ok=true loss_pct=60
                02:19 SRV-02 ping ok=true loss_pct=0
                02:21 SRV-02 ping ok=true loss_pct=60
                02:22 SRV-02 ping ok=true loss_pct=0
                """).rules(RulesLanguageTest.withExamples()).alerts();

        assertThat(summary(alerts)).containsExactly(
                "02:15:00 firing ping-loss-after-patch SRV-01 [KB1]",
                "02:18:00 resolved ping-loss-after-patch SRV-01 [KB1]");
    }
}
