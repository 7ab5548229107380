package io.patchwatch.jobs.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.jobs.support.ExampleRules;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a change of the rules file does: live (parameters, severities, messages) or a savepoint (structure). */
class RuleSetDiffTest {

    @Test
    void parametersSeveritiesAndMessagesApplyLiveAStructuralChangeNamesItsRules() {
        String builtIn = ExampleRules.builtInWithExamples();
        RuleSet before = parse(builtIn);

        assertThat(RuleSetDiff.of(before, parse(builtIn))).isEmpty();

        List<RuleSetDiff.Change> live = RuleSetDiff.of(before, parse(builtIn
                .replace("  boot_within: 20m", "  boot_within: 30m")
                .replace("  reboot-hang:\n    severity: critical", "  reboot-hang:\n    severity: warning")));
        assertThat(live).extracting(Object::toString).containsExactlyInAnyOrder(
                "reboot-hang: live: severity critical -> warning",
                "parameters: live: boot_within 20m -> 30m");
        assertThat(RuleSetDiff.structural(live)).isEmpty();

        List<RuleSetDiff.Change> structural = RuleSetDiff.of(before, parse(builtIn
                .replace("        times: 2\n", "        times: 3\n")
                .replace(ExampleRules.EXAMPLES.substring(ExampleRules.EXAMPLES.indexOf("  ping-loss-after-patch:")), "")));
        assertThat(RuleSetDiff.structural(structural)).containsExactly("boot-loop-after-patch", "ping-loss-after-patch");
        assertThat(structural).extracting(Object::toString)
                .anyMatch(c -> c.startsWith("boot-loop-after-patch: savepoint: pattern changed:") && c.contains("times 3"))
                .contains("ping-loss-after-patch: savepoint: removed (its state is dropped)");
    }

    @Test
    void rulesThatStayMustKeepTheirPositionForASavepointToCarryTheirState() {
        String builtIn = ExampleRules.builtInWithExamples();
        RuleSet before = parse(builtIn);
        String pingLoss = ExampleRules.EXAMPLES.substring(ExampleRules.EXAMPLES.indexOf("  ping-loss-after-patch:"));
        assertThat(RuleSetDiff.positionChange(before, parse(builtIn.replace(pingLoss, "")))).as("the last rule removed").isNull();
        assertThat(RuleSetDiff.positionChange(parse(builtIn.replace(pingLoss, "")), before)).as("a rule added at the end").isNull();
        String bootLoop = ExampleRules.EXAMPLES.substring(0, ExampleRules.EXAMPLES.indexOf("  ping-loss-after-patch:"));
        assertThat(RuleSetDiff.positionChange(before, parse(builtIn.replace(bootLoop, ""))))
                .contains("ping-loss-after-patch moves from position 8 to 7").contains("disable a rule");
    }

    private static RuleSet parse(String yaml) {
        return RuleSet.parse(yaml.getBytes(StandardCharsets.UTF_8), "rules.yaml");
    }
}
