package io.patchwatch.jobs.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.patchwatch.connectors.config.ConfigException;
import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.fact.FactKind;
import io.patchwatch.jobs.support.ExampleRules;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The language of RULES.md: accepted exactly as written there, and every mistake named with its place. */
class RulesLanguageTest {

    static String withExamples() {
        return ExampleRules.builtInWithExamples();
    }

    @Test
    void theRuleOfRulesMdAndItsExamplesAreAcceptedAsWritten() {
        String rule = """
                defaults: {silence_after: 10m, session_window: 4h, baseline_lookback: 24h, boot_within: 20m}
                rules:
                  reboot-hang:
                    severity: critical
                    subject: device                 # one incident per device | service | update (per session, per episode)
                    pattern:
                      - initiated: {kind: reboot_initiated, in_session: true}
                      - not: {kind: booted}         # absence: fires when the window ends without a match
                        within: "${boot_within}"     # a parameter (per tenant/site/group/device), or a literal: 20m
                    resolve: {kind: booted}         # a later fact of the same subject that ends the incident; or: never
                    message: "{device} has not come back {window} after its post-patch restart ({kbs})"
                """;
        assertThat(parse(rule).rules()).extracting(RuleDefinition::id).containsExactly("reboot-hang");
        assertThat(parse(withExamples()).rules()).extracting(RuleDefinition::id)
                .endsWith("boot-loop-after-patch", "ping-loss-after-patch");
    }

    @Test
    void conditionsTestFieldsListsNumbersTheSubjectAndTheStart() {
        RuleSet rules = parse("""
                defaults: {silence_after: 10m, session_window: 4h, baseline_lookback: 24h}
                rules:
                  service-flaps:
                    severity: info
                    subject: service
                    pattern:
                      - stop: {kind: service_state, state: [stopped, paused], start_type: auto}
                      - again: {kind: service_state, service: $subject, same: [state]}
                        within: 5m
                    resolve: {kind: service_state, service: $subject, state: running}
                """);
        Condition stop = rules.rule("service-flaps").patterns.get(0).get(0).condition();
        Condition again = rules.rule("service-flaps").patterns.get(0).get(1).condition();
        DeviceFact paused = fact(FactKind.SERVICE_STATE, "Spooler", "paused");
        paused.startType = "AUTO";

        assertThat(stop.matches(paused, null, null)).as("one of a list, case-insensitive").isTrue();
        assertThat(stop.matches(fact(FactKind.SERVICE_STATE, "Spooler", "running"), null, null)).isFalse();
        assertThat(again.matches(fact(FactKind.SERVICE_STATE, "spooler", "paused"), "Spooler", paused)).isTrue();
        assertThat(again.matches(fact(FactKind.SERVICE_STATE, "W3SVC", "paused"), "Spooler", paused)).as("$subject").isFalse();
        assertThat(again.matches(fact(FactKind.SERVICE_STATE, "Spooler", "stopped"), "Spooler", paused)).as("same").isFalse();
        assertThat(rules.rule("service-flaps").resolvedBy(fact(FactKind.SERVICE_STATE, "SPOOLER", "running"), "Spooler")).isTrue();
        assertThat(rules.rule("service-flaps").resolvedBy(fact(FactKind.SERVICE_STATE, "W3SVC", "running"), "Spooler")).isFalse();

        Condition lossy = parse(withExamples()).rule("ping-loss-after-patch").patterns.get(0).get(0).condition();
        DeviceFact ping = fact(FactKind.PING, null, null);
        ping.ok = true;
        ping.inSession = true;
        ping.lossPct = 50.0;
        assertThat(lossy.matches(ping, null, null)).as("ge 50").isTrue();
        ping.lossPct = 49.9;
        assertThat(lossy.matches(ping, null, null)).isFalse();
    }

    @Test
    void everyErrorOfAFileIsReportedWithItsLineAndColumn() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse("""
                defaults:
                  silence_after: 10m
                  session_window: 4h
                  baseline_lookback: 24h
                  boot_within: 20m
                rules:
                  reboot-hang:
                    severity: urgent
                    pattern:
                      - initiated: {kind: reboot_initiatd, in_session: true}
                      - not: {kind: booted}
                        within: "${boot_withn}"
                    resolve: {kind: booted}
                  loop:
                    severity: critical
                    pattern:
                      - not: {kind: booted}
                        within: 10m
                    resolve: {kind: booted, colour: red}
                  svc:
                    severity: error
                    subject: device
                    pattern:
                      - s: {kind: service_failed, service: $subject, loss_pct: {above: 3}}
                    resolve: never
                """));

        assertThat(e.problems()).containsExactly(
                "rules.yaml:5:3: unknown key 'boot_within' in defaults: not one of silence_after, session_window,"
                        + " baseline_lookback, critical_services, and no rule refers to ${boot_within}",
                "rules.yaml:8:15: severity 'urgent' is not one of critical, error, warning, info",
                "rules.yaml:10:27: unknown kind 'reboot_initiatd' (known: patch_started, patch_installed, patch_failed,"
                        + " reboot_required, reboot_initiated, booted, unexpected_shutdown, service_state, service_failed,"
                        + " ping, device_silent, device_back, session_opened, session_closed)",
                "rules.yaml:12:17: unknown parameter '${boot_withn}' (defaults has: boot_within)",
                "rules.yaml:17:9: a pattern cannot start with 'not' (absence is measured from a first step)",
                "rules.yaml:19:29: unknown field 'colour' (known: kind, same, tenant, site, device, in_session, service,"
                        + " state, start_type, update, kb, title, error, reason, source, reboot_required, ok, rtt_ms,"
                        + " loss_pct, silent_for_s)",
                "rules.yaml:24:44: $subject is the incident's device: use it with subject: service (service: $subject)"
                        + " or subject: update (update: $subject)",
                "rules.yaml:24:65: 'above' is not a comparison (gt, ge, lt, le)");
    }

    @Test
    void structuralMistakesAreRefused() {
        String head = "defaults: {silence_after: 10m, session_window: 4h, baseline_lookback: 24h}\nrules:\n  r:\n    severity: info\n";
        assertThat(problems(head + "    pattern: [{a: {kind: booted}}, {not: {kind: booted}}]\n    resolve: never\n"))
                .singleElement().asString().contains("'not' needs 'within'");
        assertThat(problems(head + "    pattern: [{a: {kind: booted}}, {not: {kind: booted}, within: 5m}, {b: {kind: booted}}]\n    resolve: never\n"))
                .singleElement().asString().contains("a 'not' between two steps takes no 'within'");
        assertThatCode(() -> parse(head + "    pattern: [{a: {kind: booted}}, {not: {kind: booted}}, {b: {kind: booted}, within: 5m}]\n    resolve: never\n"))
                .as("a 'not' between two steps, as RULES.md writes it").doesNotThrowAnyException();
        assertThat(problems(head + "    pattern: [{a: {kind: booted}}, {not: {kind: booted}}, {not: {kind: booted}}, {b: {kind: booted}}]\n    resolve: never\n"))
                .singleElement().asString().contains("two 'not' steps in a row");
        assertThat(problems(head + "    pattern: [{a: {kind: booted}}, {a: {kind: booted}}]\n    resolve: never\n"))
                .singleElement().asString().contains("step name 'a' is used twice");
        assertThat(problems(head + "    pattern: [{a: {kind: heartbeat}}]\n    resolve: never\n"))
                .singleElement().asString().contains("heartbeats never reach rules");
        assertThat(problems(head + "    pattern: [{a: {kind: booted, same: [device]}}]\n    resolve: never\n"))
                .singleElement().asString().contains("'same' compares with the pattern's first step");
        assertThat(problems(head + "    pattern: [{a: {kind: booted}}]\n")).singleElement().asString().contains("needs 'resolve'");
        assertThat(problems(head + "    for_each: critical_service\n    pattern: [{a: {kind: booted}}]\n    resolve: never\n"))
                .singleElement().asString().contains("for_each: critical_service needs subject: service");
        assertThat(problems(head + "    pattern: [{a: {kind: booted}, times: 0}]\n    resolve: never\n"))
                .singleElement().asString().contains("times: '0' is not a whole number from 1 to 100");
        assertThat(problems(head + "    severity: error\n    pattern: [{a: {kind: booted}}]\n    resolve: never\n"))
                .singleElement().asString().contains("'severity' appears twice");
    }

    private static List<String> problems(String yaml) {
        return catchThrowableOfType(ConfigException.class, () -> parse(yaml)).problems();
    }

    private static DeviceFact fact(FactKind kind, String service, String state) {
        DeviceFact f = new DeviceFact();
        f.kind = kind;
        f.service = service;
        f.state = state;
        return f;
    }

    private static RuleSet parse(String yaml) {
        return RuleSet.parse(yaml.getBytes(StandardCharsets.UTF_8), "rules.yaml");
    }
}
