package io.patchwatch.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.jobs.live.RuleVersion;
import io.patchwatch.jobs.live.RulesRecord;
import io.patchwatch.jobs.support.ExampleRules;
import io.patchwatch.jobs.support.Scenario;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code patchwatch rules test}: what a rules file raises on recorded events, and what a change does. */
class RulesTestCommandITCase {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void printsTheAlertsAndWithABaselineTheDifferenceAsItsExitCode() throws Exception {
        Path events = dir.resolve("night.jsonl");
        Files.write(events, Scenario.of("""
                02:01 SRV-01 patch_installed kb=KB1 reboot_required=true
                02:05 SRV-01 reboot_initiated
                02:07 SRV-01 booted
                02:09 SRV-01 unexpected_shutdown
                02:12 SRV-01 booted
                02:14 SRV-01 unexpected_shutdown
                02:20 SRV-01 booted
                02:30 SRV-02 patch_failed kb=KB2 error=0x80070643
                """).jsonLines());
        String builtIn = new String(RuleSet.class.getResourceAsStream(RuleSet.DEFAULT_RESOURCE).readAllBytes(), StandardCharsets.UTF_8);
        Path old = Files.writeString(dir.resolve("old.yaml"), builtIn);
        // The change under review: the boot-loop rule added, patch-failed made an error.
        Path changed = Files.writeString(dir.resolve("new.yaml"), ExampleRules.builtInWithExamples()
                .replace("  patch-failed:\n    severity: warning", "  patch-failed:\n    severity: error"));

        assertThat(run("rules", "test", old.toString(), "--events", events.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("\"rule\":\"unexpected-shutdown-after-patch\"", "\"rule\":\"patch-failed\"")
                .doesNotContain("boot-loop");
        out.reset();
        assertThat(run("rules", "test", old.toString(), "--events", events.toString(), "--baseline", old.toString())).isZero();
        assertThat(err.toString()).contains("no difference: 3 alerts with both rule files");
        out.reset();
        err.reset();

        int code = run("rules", "test", changed.toString(), "--events", events.toString(), "--baseline", old.toString());

        assertThat(code).as(err.toString()).isEqualTo(1);
        assertThat(out.toString().lines()).containsExactlyInAnyOrder(
                "+ 2026-11-10T02:14:00Z firing boot-loop-after-patch acme/SRV-01 critical: "
                        + "SRV-01: boot-loop-after-patch (KB1)",
                "~ 2026-11-10T02:30:00Z firing patch-failed acme/SRV-02 error: KB2 failed to install on SRV-02 "
                        + "(error 0x80070643)  (was warning)");
        assertThat(err.toString()).contains("1 added, 0 removed, 1 changed", "boot-loop-after-patch: +1 -0 ~0",
                "patch-failed: +0 -0 ~1");
    }

    @Test
    void aBrokenRulesFileIsExitTwoWithEveryError() throws Exception {
        Path events = Files.writeString(dir.resolve("e.jsonl"), "");
        Path bad = Files.writeString(dir.resolve("bad.yaml"), """
                defaults: {silence_after: 10m, session_window: 4h, baseline_lookback: 24h}
                rules:
                  r: {severity: loud, pattern: [{a: {kind: bootd}}], resolve: never}
                """);

        assertThat(run("rules", "test", bad.toString(), "--events", events.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("bad.yaml:3:17: severity 'loud'", "bad.yaml:3:44: unknown kind 'bootd'");
    }

    @Test
    void replayWithRuleVersionsDecidesEachEventWithTheVersionInForceAtItsTime() throws Exception {
        Path events = dir.resolve("night.jsonl");
        Files.write(events, Scenario.of("""
                02:01 SRV-01 patch_installed kb=KB1
                02:02 SRV-01 reboot_initiated
                02:05 SRV-02 heartbeat
                02:16 SRV-02 heartbeat
                02:20 SRV-02 heartbeat
                """).jsonLines());
        String file = RuleSet.defaults().sourceText();
        RuleVersion v1 = RuleVersion.of(1, 0, file, "v1");
        RuleVersion v2 = RuleVersion.of(2, Scenario.time("02:15"),
                file.replace("  boot_within: 20m", "  boot_within: 10m"), "v2");
        Path record = Files.writeString(dir.resolve("versions.json"),
                RulesRecord.encode("patchwatch", v2, List.of(v1), 0));

        assertThat(run("replay", "--events", events.toString(), "--rule-versions", record.toString(), "--quiet"))
                .as(err.toString()).isZero();
        assertThat(out.toString().lines().filter(l -> l.contains("reboot-hang"))).singleElement().asString()
                .contains("\"ts\":\"2026-11-10T02:15:00Z\"").contains("\"rule_version\":2");

        out.reset();
        Files.writeString(record, "{\"version\": \"x\"}");
        assertThat(run("replay", "--events", events.toString(), "--rule-versions", record.toString(), "--quiet")).isEqualTo(2);
        assertThat(err.toString()).contains("'version' must be a whole number");
    }

    private int run(String... args) {
        return PatchwatchCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }
}
