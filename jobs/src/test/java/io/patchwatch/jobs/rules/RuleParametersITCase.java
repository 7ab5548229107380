package io.patchwatch.jobs.rules;

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
 * A window that is a parameter differs per device while one CEP operator serves them all: each
 * device's own window decides, for absences (deadline facts) and for completed matches alike.
 */
class RuleParametersITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = PatchwatchMiniCluster.extension();

    private static final Inventory INVENTORY = Inventory.of(List.of(
            new DeviceInfo("acme", "FAST-01", "hq", "fast", null),
            new DeviceInfo("acme", "SLOW-01", "hq", "slow", null)));

    private static String rules() throws Exception {
        String builtIn = new String(RuleSet.class.getResourceAsStream(RuleSet.DEFAULT_RESOURCE).readAllBytes());
        return builtIn + """
                  - match: {group: fast}
                    start_within: 3m
                  - match: {group: slow}
                    rules:
                      reboot-hang: {boot_within: 45m}
                """;
    }

    @Test
    void aServiceFailureCountsOnlyWithinTheDevicesOwnM() throws Exception {
        List<Alert> alerts = Scenario.of("""
                01:00 FAST-01 service_state service=Spooler state=running
                01:00 STD-01 service_state service=Spooler state=running
                # reboot_required: the pending reboot's watch (P = 24 h) keeps the device's later
                # facts flowing to CEP, so CEP's own check of each device's M is what decides
                02:00 FAST-01 patch_installed kb=KB1 reboot_required=true
                02:00 STD-01 patch_installed kb=KB1 reboot_required=true
                02:10 FAST-01 booted
                02:10 STD-01 booted
                02:11 FAST-01 service_state service=Spooler state=running
                02:11 STD-01 service_state service=Spooler state=running
                02:15 FAST-01 service_failed service=Spooler error=7031
                02:15 STD-01 service_failed service=Spooler error=7031
                02:30 FAST-01 service_state service=Spooler state=running
                02:30 STD-01 service_state service=Spooler state=running
                """).rules(rules()).inventory(INVENTORY).alerts();

        assertThat(summary(alerts)).as("5 min after the boot: within M = 10 min, beyond FAST-01's 3 min").containsExactly(
                "02:15:00 firing service-down-after-reboot STD-01 service=Spooler [KB1]",
                "02:30:00 resolved service-down-after-reboot STD-01 service=Spooler [KB1]");
    }

    @Test
    void aRestartHangsAtTheDevicesOwnB() throws Exception {
        List<Alert> alerts = Scenario.of("""
                02:00 SLOW-01 patch_installed kb=KB1
                02:00 STD-01 patch_installed kb=KB1
                02:01 SLOW-01 reboot_initiated
                02:01 STD-01 reboot_initiated
                02:35 STD-01 booted
                02:40 SLOW-01 booted
                02:50 SLOW-01 reboot_initiated
                03:50 SLOW-01 booted
                """).rules(rules()).inventory(INVENTORY).alerts();

        assertThat(summary(alerts)).containsExactly(
                "02:21:00 firing reboot-hang STD-01 [KB1]",
                "02:35:00 resolved reboot-hang STD-01 [KB1]",
                "03:35:00 firing reboot-hang SLOW-01 [KB1]",
                "03:50:00 resolved reboot-hang SLOW-01 [KB1]");
        assertThat(alerts.get(2).getMessage()).as("{window} is the device's B").contains("has not come back 45m after");
    }
}
