package io.patchwatch.jobs.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.jobs.support.ExampleRules;
import io.patchwatch.jobs.fact.PatternRef;
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
    void aRuleKeepsItsStateWhereverItStandsInTheFile() {
        // Pending deadlines name their pattern (rule id, alternative) and a CEP operator's uid is the
        // rule's id and structure: removing a rule from the middle moves nothing of the others.
        String builtIn = ExampleRules.builtInWithExamples();
        RuleSet before = parse(builtIn);
        String bootLoop = ExampleRules.EXAMPLES.substring(0, ExampleRules.EXAMPLES.indexOf("  ping-loss-after-patch:"));
        RuleSet after = parse(builtIn.replace(bootLoop, ""));
        assertThat(after.rules().indexOf(after.rule("ping-loss-after-patch")))
                .isLessThan(before.rules().indexOf(before.rule("ping-loss-after-patch")));
        PatternRef pingLoss = new PatternRef("ping-loss-after-patch", 0);
        assertThat(after.plan().pattern(pingLoss).uid()).isEqualTo(before.plan().pattern(pingLoss).uid());
        PatternRef hang = new PatternRef("reboot-hang", 0);
        assertThat(after.plan().pattern(hang).awaitsDeadline()).isTrue();
        assertThat(RuleSetDiff.structural(RuleSetDiff.of(before, after))).containsExactly("boot-loop-after-patch");
    }

    private static RuleSet parse(String yaml) {
        return RuleSet.parse(yaml.getBytes(StandardCharsets.UTF_8), "rules.yaml");
    }
}
