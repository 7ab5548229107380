package io.patchwatch.jobs.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.jobs.fact.PatternRef;
import io.patchwatch.jobs.inventory.Inventory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The built-in rules and RULES.md's examples compile to CEP patterns whose steps are the rule's steps. */
class RuleCompilerTest {

    @Test
    void eachBuiltInRuleCompilesToItsOwnCepSteps() {
        RuleSet rules = RuleSet.defaults();
        Map<String, List<String>> compiled = new LinkedHashMap<>();
        for (RuleDefinition r : rules.rules()) {
            compiled.put(r.id(), RuleCompiler.patternsOf(r, rules, Inventory.empty()).stream().map(RuleCompiler::describe).toList());
        }
        compiled.forEach((id, patterns) -> patterns.forEach(p -> System.out.println(id + ": " + p)));

        assertThat(compiled.get("offline-after-patch")).containsExactly(
                "begin(\"silent\").where({kind: device_silent, in_session: true})");
        assertThat(compiled.get("service-down-after-reboot")).containsExactly(
                "begin(\"boot\").where({kind: booted, in_session: true})"
                        + ".notFollowedBy(\"_not1\").where({kind: service_state, service: $subject, state: running})"
                        + ".followedBy(\"_deadline\").where({deadline of boot})"
                        + ".within(PT30M0.001S)",
                "begin(\"boot\").where({kind: booted, in_session: true})"
                        + ".followedBy(\"_then1\").where({kind: service_failed, service: $subject} within ${start_within})"
                        + ".within(PT30M0.001S)");
        assertThat(compiled.get("reboot-hang")).containsExactly(
                "begin(\"initiated\").where({kind: reboot_initiated, in_session: true})"
                        + ".notFollowedBy(\"_not1\").where({kind: booted})"
                        + ".followedBy(\"_deadline\").where({deadline of initiated})"
                        + ".within(PT1H0.001S)");
        assertThat(compiled.get("reboot-pending-too-long")).containsExactly(
                "begin(\"install\").where({kind: patch_installed, reboot_required: true, in_session: true})"
                        + ".notFollowedBy(\"_not1\").where({kind: booted})"
                        + ".followedBy(\"_deadline\").where({deadline of install})"
                        + ".within(PT72H0.001S)");
        assertThat(compiled.get("patch-failed")).containsExactly("begin(\"failed\").where({kind: patch_failed})");
        assertThat(compiled.get("unexpected-shutdown-after-patch")).containsExactly(
                "begin(\"crash\").where({kind: unexpected_shutdown, in_session: true})");
    }

    @Test
    void theOperatorExamplesOfRulesMdUseTimesAndWithin() {
        RuleSet rules = RuleSet.parse(RulesLanguageTest.withExamples().getBytes(java.nio.charset.StandardCharsets.UTF_8), "rules.yaml");

        assertThat(RuleCompiler.patternsOf(rules.rule("boot-loop-after-patch"), rules, Inventory.empty()))
                .extracting(RuleCompiler::describe).containsExactly(
                        "begin(\"boot\").where({kind: booted, in_session: true})"
                                + ".followedBy(\"crash\").where({kind: unexpected_shutdown} within 1h).times(2)"
                                + ".within(PT1H0.001S)");
        assertThat(RuleCompiler.patternsOf(rules.rule("ping-loss-after-patch"), rules, Inventory.empty()))
                .extracting(RuleCompiler::describe).containsExactly(
                        "begin(\"lossy\").where({kind: ping, ok: true, loss_pct: {ge: 50}, in_session: true} within 10m).times(3)"
                                + ".within(PT10M0.001S)");
    }

    @Test
    // A parameter window's bound is LIVE_HEADROOM times the longest any device has, so it can be
    // loosened live (a literal window is structure: its bound is itself).
    void aWindowOverriddenForSomeDevicesWidensTheBoundButKeepsOneOperatorPerPattern() {
        String yaml = RulesLanguageTest.withExamples() + """
                  - match: {group: slow}
                    boot_within: 45m
                """;
        RuleSet rules = RuleSet.parse(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8), "rules.yaml");

        assertThat(RuleCompiler.patternsOf(rules.rule("reboot-hang"), rules, Inventory.empty()))
                .extracting(RuleCompiler::describe).singleElement().asString().endsWith(".within(PT2H15M0.001S)");
        RuleSet plain = RuleSet.parse(RulesLanguageTest.withExamples().getBytes(java.nio.charset.StandardCharsets.UTF_8), "rules.yaml");
        String uid = uid(rules, "reboot-hang", 0);
        assertThat(uid).as("the uid never carries a window").startsWith("rule-reboot-hang-")
                .isEqualTo(uid(plain, "reboot-hang", 0));
        RuleSet changed = RuleSet.parse(RulesLanguageTest.withExamples().replace("      - not: {kind: booted}\n        within: \"${boot_within}\"",
                "      - not: {kind: booted, source: kernel}\n        within: \"${boot_within}\"").getBytes(java.nio.charset.StandardCharsets.UTF_8), "rules.yaml");
        assertThat(uid(changed, "reboot-hang", 0)).as("a changed pattern starts with empty state").isNotEqualTo(uid);
        assertThat(uid(changed, "reboot-pending-too-long", 0)).isEqualTo(uid(plain, "reboot-pending-too-long", 0));
        assertThat(uid(plain, "service-down-after-reboot", 1)).startsWith("rule-service-down-after-reboot-").endsWith("-2");
        assertThat(plain.plan().pattern(new PatternRef("service-down-after-reboot", 1)).name()).isEqualTo("rule-service-down-after-reboot-2");
    }

    @Test
    void aNotBetweenTwoStepsCompilesToNotFollowedByBeforeTheNextStepAndAwaitsNoDeadline() {
        RuleSet rules = RuleSet.parse(OperatorRulesITCase.withUnscheduledRestart().getBytes(java.nio.charset.StandardCharsets.UTF_8), "rules.yaml");
        CompiledPattern p = rules.plan().pattern(new PatternRef("unscheduled-restart-after-patch", 0));
        assertThat(p.steps()).extracting(CompiledStep::role)
                .containsExactly(StepRole.START, StepRole.ABSENT_BETWEEN, StepRole.FOLLOWS);
        assertThat(p.awaitsDeadline()).as("the next step closes it, not a deadline").isFalse();
        assertThat(RuleCompiler.describe(p.toCep(rules, Inventory.empty())))
                .startsWith("begin(\"installed\").where({kind: patch_installed, in_session: true})"
                        + ".notFollowedBy(\"_not1\").where({kind: reboot_initiated})"
                        + ".followedBy(\"boot\").where({kind: booted, in_session: true} within 2h)")
                .endsWith(".within(PT2H0.001S)");
    }

    private static String uid(RuleSet rules, String rule, int alternative) {
        return rules.plan().pattern(new PatternRef(rule, alternative)).uid();
    }
}
