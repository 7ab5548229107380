package io.patchwatch.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleSetTest {

    @Test
    void shippedDefaultsAreExactlyTheDesignedOnes() {
        RuleProfile p = RuleSet.load(Path.of("../flink-conf/rules.yaml")).defaultProfile();

        assertThat(p.silenceAfterMs()).as("N").isEqualTo(Duration.ofMinutes(10).toMillis());
        assertThat(p.sessionWindowMs()).as("W").isEqualTo(Duration.ofHours(4).toMillis());
        assertThat(p.baselineLookbackMs()).isEqualTo(Duration.ofHours(24).toMillis());
        assertThat(p.rule(RuleIds.SERVICE_DOWN_AFTER_REBOOT).windowMs()).as("M").isEqualTo(Duration.ofMinutes(10).toMillis());
        assertThat(p.rule(RuleIds.REBOOT_HANG).windowMs()).as("B").isEqualTo(Duration.ofMinutes(20).toMillis());
        assertThat(p.rule(RuleIds.REBOOT_PENDING_TOO_LONG).windowMs()).as("P").isEqualTo(Duration.ofHours(24).toMillis());
        assertThat(p.rules().keySet()).containsExactlyElementsOf(RuleIds.ALL);
        assertThat(p.rules().values()).allMatch(RuleParams::enabled);
        assertThat(p.rule(RuleIds.OFFLINE_AFTER_PATCH).message())
                .isEqualTo("{device} is offline following a scheduled patch installation ({kbs})");
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
                    critical_services: [MSSQLSERVER]
                    rules:
                      reboot-hang: {boot_within: 45m, severity: warning}
                  - match: {site: lab}
                    rules:
                      patch-failed: {enabled: false}
                """);

        RuleProfile acmeWeb = rules.profileFor(new DeviceInfo("acme", "WEB-01", "hq", "web", null));
        RuleProfile acmeSql = rules.profileFor(new DeviceInfo("acme", "SQL-01", "hq", "SQL", null));
        RuleProfile other = rules.profileFor(DeviceInfo.unknown("globex", "X", "lab"));

        assertThat(acmeWeb.silenceAfterMs()).isEqualTo(Duration.ofMinutes(5).toMillis());
        assertThat(acmeSql.silenceAfterMs()).isEqualTo(Duration.ofMinutes(3).toMillis());
        assertThat(acmeSql.criticalServices()).containsExactly("MSSQLSERVER");
        assertThat(acmeSql.rule(RuleIds.REBOOT_HANG).windowMs()).isEqualTo(Duration.ofMinutes(45).toMillis());
        assertThat(acmeSql.rule(RuleIds.REBOOT_HANG).severity()).isEqualTo("warning");
        assertThat(acmeSql.rule(RuleIds.REBOOT_HANG).message()).as("untouched keys keep the default")
                .isEqualTo(acmeWeb.rule(RuleIds.REBOOT_HANG).message());
        assertThat(other.silenceAfterMs()).isEqualTo(Duration.ofMinutes(10).toMillis());
        assertThat(other.rule(RuleIds.PATCH_FAILED).enabled()).isFalse();
        assertThat(rules.windowsOf(RuleIds.REBOOT_HANG))
                .containsExactlyInAnyOrder(Duration.ofMinutes(20).toMillis(), Duration.ofMinutes(45).toMillis());
    }

    @Test
    void anUnknownKeyNamesTheKeyLineAndColumn() {
        assertThatThrownBy(() -> parse(base().replace("  session_window: 4h", "  session_window: 4h\n  silence_afterr: 5m")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("rules.yaml:4:")
                .hasMessageContaining("unknown key 'silence_afterr'");
    }

    @Test
    void badValuesNameTheirPlace() {
        assertThatThrownBy(() -> parse(base().replace("silence_after: 10m", "silence_after: ten minutes")))
                .hasMessageContaining("defaults.silence_after")
                .hasMessageContaining("is not a duration");
        assertThatThrownBy(() -> parse(base() + "overrides:\n  - match: {group: x}\n    rules:\n      reboot-hung: {boot_within: 5m}\n"))
                .hasMessageContaining("overrides[0].rules.reboot-hung: unknown rule");
        assertThatThrownBy(() -> parse(base() + "overrides:\n  - match: {group: x}\n    rules:\n      patch-failed: {boot_within: 5m}\n"))
                .hasMessageContaining("rule 'patch-failed' takes no boot_within");
        assertThatThrownBy(() -> parse(base().replace("severity: critical", "severity: urgent")))
                .hasMessageContaining("severity: 'urgent' is not one of");
        assertThatThrownBy(() -> parse(base() + "overrides:\n  - silence_after: 5m\n"))
                .hasMessageContaining("match");
    }

    @Test
    void loadsFromAFileAndReportsAMissingOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, base(), StandardCharsets.UTF_8);

        assertThat(RuleSet.load(file).defaultProfile().silenceAfterMs()).isEqualTo(600_000L);
        assertThatThrownBy(() -> RuleSet.load(dir.resolve("missing.yaml")))
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

    private static RuleSet parse(String yaml) {
        return RuleSet.parse(yaml.getBytes(StandardCharsets.UTF_8), "rules.yaml");
    }

    private static String base() {
        return """
                defaults:
                  silence_after: 10m
                  session_window: 4h
                  baseline_lookback: 24h
                  rules:
                    offline-after-patch: {severity: critical, message: "{device} offline ({kbs})"}
                    service-down-after-reboot: {severity: error, start_within: 10m, message: "{service} down"}
                    reboot-hang: {severity: critical, boot_within: 20m, message: "hang"}
                    reboot-pending-too-long: {severity: warning, boot_within: 24h, message: "pending"}
                    patch-failed: {severity: warning, message: "failed"}
                    unexpected-shutdown-after-patch: {severity: error, message: "shutdown"}
                """;
    }
}
