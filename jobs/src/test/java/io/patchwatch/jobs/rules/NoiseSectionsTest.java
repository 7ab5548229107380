package io.patchwatch.jobs.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchwatch.connectors.config.ConfigException;
import io.patchwatch.jobs.inventory.DeviceInfo;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The noise and maintenance sections of rules.yaml (FLEET.md): defaults, overrides key by key, windows, errors with their place. */
class NoiseSectionsTest {
    private static String builtIn() throws Exception {
        return new String(RuleSet.class.getResourceAsStream(RuleSet.DEFAULT_RESOURCE).readAllBytes(), StandardCharsets.UTF_8);
    }

    private static RuleSet parse(String extra) throws Exception {
        return RuleSet.parse((builtIn() + extra).getBytes(StandardCharsets.UTF_8), "rules.yaml");
    }

    private static long at(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    @Test
    void withoutANoiseSectionTheDefaultsOfFleetMdApply() throws Exception {
        NoiseSettings n = parse("").noise();
        assertThat(n.groupWaitMs()).isEqualTo(30_000);
        assertThat(n.settleMs()).isEqualTo(300_000);
        assertThat(n.siteOutage().threshold(10)).as("max(5, 20 % of 10)").isEqualTo(5);
        assertThat(n.siteOutage().threshold(10_000)).as("max(5, 20 % of 10,000)").isEqualTo(2000);
        assertThat(n.siteOutage().threshold(26)).as("⌈5.2⌉").isEqualTo(6);
        assertThat(n.parentsOf("reboot-hang")).containsExactly("feed-silent", "offline-after-patch", "site-outage");
        assertThat(n.offlineType("offline-after-patch")).isTrue();
        assertThat(n.offlineType("service-down-after-reboot")).isFalse();
    }

    @Test
    void settingsOverrideKeyByKeyButInhibitsIsTheWholeMap() throws Exception {
        NoiseSettings n = parse("""
                noise:
                  group_wait: 0s
                  site_outage: {min_devices: 10}
                  inhibits:
                    site-outage: [offline-after-patch]
                """).noise();
        assertThat(n.groupWaitMs()).isZero();
        assertThat(n.siteOutage().minDevices()).isEqualTo(10);
        assertThat(n.siteOutage().percent()).as("the default percent stays").isEqualTo(20.0);
        assertThat(n.inhibits()).containsOnlyKeys("site-outage");
        assertThat(n.parentsOf("reboot-hang")).isEmpty();
    }

    @Test
    void aOneOffWindowHoldsItsRulesOnItsDevicesBetweenStartAndEnd() throws Exception {
        MaintenanceWindow w = parse("""
                maintenance:
                  - name: acme-patch-night
                    match: {tenant: acme, site: hq}
                    start: 2026-11-11T01:00:00Z
                    end: 2026-11-11T05:00:00Z
                    mode: expected
                    rules: [offline-after-patch, reboot-hang]
                    settle: 5m
                """).maintenance().get(0);
        DeviceInfo hq = new DeviceInfo("acme", "SRV-01", "hq", null, null);
        assertThat(w.holds("reboot-hang", true, hq)).isTrue();
        assertThat(w.holds("patch-failed", true, hq)).isFalse();
        assertThat(w.holds("reboot-hang", true, new DeviceInfo("acme", "SRV-02", "branch", null, null))).isFalse();
        assertThat(w.at(at("2026-11-11T00:59:59Z"))).isNull();
        assertThat(w.at(at("2026-11-11T01:00:00Z")).decideAt()).isEqualTo(at("2026-11-11T05:05:00Z"));
        assertThat(w.at(at("2026-11-11T05:00:00Z"))).as("the end is outside").isNull();
    }

    @Test
    void aWeeklyWindowOpensAtItsLocalTimeOnBothSidesOfADstChange() throws Exception {
        MaintenanceWindow w = parse("""
                maintenance:
                  - name: sunday-night
                    match: {tenant: acme}
                    every: "SUN 02:30"
                    duration: 2h
                    zone: Europe/Berlin
                """).maintenance().get(0);
        // Winter (CET, UTC+1): 02:30 local is 01:30Z.
        assertThat(w.at(at("2026-11-08T01:30:00Z")).start()).isEqualTo(at("2026-11-08T01:30:00Z"));
        assertThat(w.at(at("2026-11-08T01:29:59Z"))).isNull();
        // Summer (CEST, UTC+2): 02:30 local is 00:30Z.
        assertThat(w.at(at("2026-07-05T00:30:00Z")).end()).isEqualTo(at("2026-07-05T02:30:00Z"));
        // 2026-03-29: 02:30 does not exist in Berlin (02:00 -> 03:00); the window opens at 03:30 CEST = 01:30Z.
        assertThat(w.at(at("2026-03-29T01:30:00Z")).start()).isEqualTo(at("2026-03-29T01:30:00Z"));
        assertThat(w.at(at("2026-03-29T01:00:00Z"))).isNull();
        // A Saturday is not a Sunday.
        assertThat(w.at(at("2026-11-07T01:45:00Z"))).isNull();
    }

    @Test
    void mistakesInTheNewSectionsAreReportedWithLineAndColumn() {
        String text = """
                noise:
                  group_wait: soon
                  site_outage: {percent: 140}
                  inhibits:
                    site-outage: [no-such-rule]
                maintenance:
                  - name: w1
                    match: {tenant: acme}
                    every: "FUNDAY 01:00"
                    duration: 4h
                    zone: Mars/Olympus
                  - name: w2
                    match: {tenant: acme}
                    start: 2026-11-11T05:00:00Z
                    end: 2026-11-11T01:00:00Z
                """;
        assertThatThrownBy(() -> parse(text)).isInstanceOf(ConfigException.class).satisfies(e -> {
            List<String> problems = ((ConfigException) e).problems();
            assertThat(String.join("\n", problems))
                    .contains("group_wait:")
                    .contains("percent: must be from 0 to 100")
                    .contains("no rule 'no-such-rule'")
                    .contains("'FUNDAY' is not MON..SUN or DAILY")
                    .contains("'Mars/Olympus' is not a time zone")
                    .contains("end must be after start");
            assertThat(problems).allSatisfy(p -> assertThat(p).matches("rules\\.yaml:\\d+:\\d+: .*"));
        });
    }

    @Test
    void holdForIsARuleParameterOverridableLikeAnyOther() throws Exception {
        RuleSet rules = parse("""
                  - match: {site: lab}
                    rules:
                      reboot-hang: {hold_for: 10m}
                """);
        assertThat(rules.profileFor(new DeviceInfo("acme", "LAB-01", "lab", null, null)).rule("reboot-hang").holdForMs()).isEqualTo(600_000);
        assertThat(rules.profileFor(new DeviceInfo("acme", "SRV-01", "hq", null, null)).rule("reboot-hang").holdForMs()).isZero();
    }
}
