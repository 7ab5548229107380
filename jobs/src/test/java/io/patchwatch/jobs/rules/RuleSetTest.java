package io.patchwatch.jobs.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchwatch.connectors.config.ConfigException;
import io.patchwatch.jobs.inventory.DeviceInfo;
import io.patchwatch.jobs.inventory.Inventory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleSetTest {
    static final List<String> BUILT_IN = List.of("offline-after-patch", "service-down-after-reboot", "reboot-hang",
            "reboot-pending-too-long", "patch-failed", "unexpected-shutdown-after-patch");

    @Test
    void shippedDefaultsAreExactlyTheDesignedOnes() {
        RuleSet rules = RuleSet.load(Path.of("../flink-conf/rules.yaml"));
        RuleProfile p = rules.defaultProfile();

        assertThat(p.silenceAfterMs()).as("N").isEqualTo(Duration.ofMinutes(10).toMillis());
        assertThat(p.sessionWindowMs()).as("W").isEqualTo(Duration.ofHours(4).toMillis());
        assertThat(p.baselineLookbackMs()).isEqualTo(Duration.ofHours(24).toMillis());
        assertThat(p.duration("service-down-after-reboot", "start_within")).as("M").isEqualTo(Duration.ofMinutes(10).toMillis());
        assertThat(p.duration("reboot-hang", "boot_within")).as("B").isEqualTo(Duration.ofMinutes(20).toMillis());
        assertThat(p.duration("reboot-pending-too-long", "pending_within")).as("P").isEqualTo(Duration.ofHours(24).toMillis());
        assertThat(rules.rules()).extracting(RuleDefinition::id).containsExactlyElementsOf(BUILT_IN);
        assertThat(p.rules().values()).allMatch(RuleParams::enabled);
        assertThat(p.rule("offline-after-patch").message())
                .isEqualTo("{device} is offline following a scheduled patch installation ({kbs})");
        assertThat(p.rule("reboot-pending-too-long").severity()).isEqualTo("warning");
    }

    @Test
    void theBuiltInCopyIsTheFileInFlinkConf() {
        assertThat(RuleSet.defaults().defaultProfile())
                .isEqualTo(RuleSet.load(Path.of("../flink-conf/rules.yaml")).defaultProfile());
    }

    @Test
    void overridesApplyInFileOrderByTenantSiteAndGroup() {
        RuleSet rules = parse(base() + """
                overrides:
                  - match: {tenant: acme}
                    silence_after: 5m
                  - match: {tenant: acme, group: sql}
                    silence_after: 3m
                    boot_within: 45m
                    critical_services: [MSSQLSERVER]
                    rules:
                      reboot-hang: {severity: warning}
                  - match: {site: lab}
                    rules:
                      patch-failed: {enabled: false}
                      reboot-hang: {boot_within: 1h}
                """);

        RuleProfile acmeWeb = rules.profileFor(new DeviceInfo("acme", "WEB-01", "hq", "web", null));
        RuleProfile acmeSql = rules.profileFor(new DeviceInfo("acme", "SQL-01", "hq", "SQL", null));
        RuleProfile other = rules.profileFor(DeviceInfo.unknown("globex", "X", "lab"));

        assertThat(acmeWeb.silenceAfterMs()).isEqualTo(Duration.ofMinutes(5).toMillis());
        assertThat(acmeSql.silenceAfterMs()).isEqualTo(Duration.ofMinutes(3).toMillis());
        assertThat(acmeSql.criticalServices()).containsExactly("MSSQLSERVER");
        assertThat(acmeSql.duration("reboot-hang", "boot_within")).isEqualTo(Duration.ofMinutes(45).toMillis());
        assertThat(acmeSql.rule("reboot-hang").severity()).isEqualTo("warning");
        assertThat(acmeSql.rule("reboot-hang").message()).as("untouched keys keep the default")
                .isEqualTo(acmeWeb.rule("reboot-hang").message());
        assertThat(other.silenceAfterMs()).isEqualTo(Duration.ofMinutes(10).toMillis());
        assertThat(other.rule("patch-failed").enabled()).isFalse();
        assertThat(other.duration("reboot-hang", "boot_within")).as("a rule's own parameter").isEqualTo(Duration.ofHours(1).toMillis());
        assertThat(other.duration("reboot-pending-too-long", "boot_within")).as("only that rule's")
                .isEqualTo(Duration.ofMinutes(20).toMillis());
    }

    @Test
    void aDeviceTheInventoryDoesNotListTakesTheDefaultsOnlyWhenEveryOverrideAsksForAGroupOrCriticality() {
        RuleSet byGroup = parse(base() + """
                overrides:
                  - match: {group: sql}
                    silence_after: 3m
                  - match: {tenant: acme, criticality: high}
                    silence_after: 2m
                """);
        RuleSet bySite = parse(base() + """
                overrides:
                  - match: {group: sql}
                    silence_after: 3m
                  - match: {site: lab}
                    silence_after: 2m
                """);
        assertThat(RuleSet.defaults().unlistedTakeDefaults()).as("the shipped rules: server roles by group").isTrue();
        assertThat(byGroup.unlistedTakeDefaults()).isTrue();
        assertThat(byGroup.profileFor(DeviceInfo.unknown("acme", "X", "lab"))).isEqualTo(byGroup.defaultProfile());
        // The control: an override by site can match a device the inventory does not list.
        assertThat(bySite.unlistedTakeDefaults()).isFalse();
        assertThat(bySite.profileFor(DeviceInfo.unknown("acme", "X", "lab")).silenceAfterMs()).isEqualTo(Duration.ofMinutes(2).toMillis());
    }

    @Test
    void badValuesNameTheirLineAndColumn() {
        assertThatThrownBy(() -> parse(base().replace("silence_after: 10m", "silence_after: ten minutes")))
                .hasMessageContaining("rules.yaml:2:18: silence_after: 'ten minutes' is not a duration");
        assertThatThrownBy(() -> parse(base() + "overrides:\n  - match: {group: x}\n    rules:\n      reboot-hung: {severity: info}\n"))
                .hasMessageContaining("rules.yaml:19:7: unknown rule 'reboot-hung'");
        assertThatThrownBy(() -> parse(base() + "overrides:\n  - match: {group: x}\n    rules:\n      hang: {pending_within: 5m}\n"))
                .hasMessageContaining("unknown rule 'hang'");
        assertThatThrownBy(() -> parse(base().replace("severity: critical", "severity: urgent")))
                .hasMessageContaining("severity 'urgent' is not one of");
        assertThatThrownBy(() -> parse(base() + "overrides:\n  - silence_after: 5m\n"))
                .hasMessageContaining("rules.yaml:17:5: an override needs 'match'");
        assertThatThrownBy(() -> parse(base() + "overrides:\n  - match: {group: x}\n    silence_aftr: 5m\n"))
                .hasMessageContaining("rules.yaml:18:5: unknown parameter 'silence_aftr'");
    }

    @Test
    void loadsFromAFileAndReportsAMissingOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, base(), StandardCharsets.UTF_8);

        assertThat(RuleSet.load(file).defaultProfile().silenceAfterMs()).isEqualTo(600_000L);
        assertThatThrownBy(() -> RuleSet.load(dir.resolve("missing.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("missing.yaml: cannot read rules file");
    }

    @Test
    void inventoryLooksDevicesUpCaseInsensitively(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("inventory.csv");
        Files.write(csv, List.of("device,tenant,site,group,criticality", "SRV-SQL-01,acme,hq,sql,high"));

        Inventory inv = Inventory.load(csv);

        assertThat(inv.lookup("acme", "srv-sql-01", null).group()).isEqualTo("sql");
        assertThat(inv.lookup("acme", "srv-sql-01", null).device()).isEqualTo("SRV-SQL-01");
        assertThat(inv.lookup("other", "SRV-SQL-01", "x").group()).as("identity includes the tenant").isNull();
        Files.write(csv, List.of("device,tenant,role", "a,b,c"));
        assertThatThrownBy(() -> Inventory.load(csv)).hasMessageContaining(":1:3: unknown column 'role'");
    }

    static RuleSet parse(String yaml) {
        return RuleSet.parse(yaml.getBytes(StandardCharsets.UTF_8), "rules.yaml");
    }

    /** Three rules, 15 lines; tests append overrides from line 16. */
    static String base() {
        return """
                defaults:
                  silence_after: 10m
                  session_window: 4h
                  baseline_lookback: 24h
                  boot_within: 20m
                  pending_within: 24h
                rules:
                  reboot-hang:
                    {severity: critical, pattern: [{initiated: {kind: reboot_initiated}}, {not: {kind: booted}, within: "${boot_within}"}], resolve: {kind: booted}}
                  patch-failed:
                    {severity: warning, subject: update, pattern: [{failed: {kind: patch_failed}}], resolve: {kind: patch_installed, update: $subject}}
                  reboot-pending-too-long:
                    severity: warning
                    pattern: [{i: {kind: patch_installed}}, {not: {kind: booted}, within: "${pending_within}"}]
                    resolve: {kind: booted}
                """;
    }
}
