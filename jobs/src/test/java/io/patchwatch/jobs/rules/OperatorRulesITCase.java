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
        assertThat(summary(alerts)).as("each crash still raises the built-in rule, a boot between them makes two crashes;"
                        + " the third within flapping.within (1h) pages as flapping instead (FLEET.md)")
                .filteredOn(a -> (a.contains("unexpected-shutdown") || a.contains("flapping")) && a.contains("SRV-01")).containsExactly(
                        "02:09:00 firing unexpected-shutdown-after-patch SRV-01 [KB1]",
                        "02:14:00 firing unexpected-shutdown-after-patch SRV-01 [KB1]",
                        "02:19:00 firing flapping SRV-01 [KB1]",
                        "02:49:00 resolved flapping SRV-01 [KB1]");
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

    /** A rule with a {@code not} between two steps (RULES.md "A rule"): no matching fact between them. */
    static final String UNSCHEDULED_RESTART = """
              unscheduled-restart-after-patch:    # came back up, but nobody had asked it to restart
                severity: warning
                subject: device
                pattern:
                  - installed: {kind: patch_installed, in_session: true}
                  - not: {kind: reboot_initiated}
                  - boot: {kind: booted, in_session: true}
                    within: 2h
                resolve: never
            """;

    static String withUnscheduledRestart() {
        return RulesLanguageTest.withExamples().replace("\noverrides:\n", "\n" + UNSCHEDULED_RESTART + "\noverrides:\n");
    }

    @Test
    void aNotBetweenTwoStepsFiresOnlyWhenNothingMatchedBetweenThem() throws Exception {
        List<Alert> alerts = Scenario.of("""
                # booted after the install with no restart asked for: fires at the boot
                02:01 SRV-01 patch_installed kb=KB1
                02:20 SRV-01 booted
                # the control: the restart was initiated between install and boot
                02:01 SRV-02 patch_installed kb=KB1
                02:05 SRV-02 reboot_initiated
                02:08 SRV-02 booted
                # a restart initiated before the install does not count: it is not between them
                01:50 SRV-03 reboot_initiated
                02:01 SRV-03 patch_installed kb=KB1
                02:30 SRV-03 booted
                # the boot comes after the window of the last step
                02:01 SRV-04 patch_installed kb=KB1
                04:30 SRV-04 booted
                """).rules(withUnscheduledRestart()).alerts();

        assertThat(summary(alerts)).filteredOn(a -> a.contains("unscheduled-restart")).containsExactly(
                "02:20:00 firing unscheduled-restart-after-patch SRV-01 [KB1]",
                "02:30:00 firing unscheduled-restart-after-patch SRV-03 [KB1]");
    }
}
