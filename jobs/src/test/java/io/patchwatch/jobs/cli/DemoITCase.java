package io.patchwatch.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code patchwatch demo} as a user runs it, on a smaller fleet: every injected fault is caught. */
class DemoITCase {

    @Test
    void aPatchNightCatchesEveryInjectedFaultAndNothingElse() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = PatchwatchCli.run(new String[] {"demo", "--devices", "500", "--tenants", "10", "--no-color"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text + err).isZero();
        assertThat(text)
                .contains("FIRING   critical")
                .contains("is offline following a scheduled patch installation (KB5044284")
                .contains("RESOLVED")
                .containsPattern("never came back\\s+7 -> 7")
                .contains("alerts no injected fault explains: 0")
                .contains("every injected fault was caught, and nothing else alerted")
                .doesNotContain("\u001b[");
    }

    @Test
    void withRulesMdsBootLoopRuleTheInjectedBootLoopsPage(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path rules = dir.resolve("rules.yaml");
        java.nio.file.Files.writeString(rules, io.patchwatch.jobs.support.ExampleRules.builtInWithExamples());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = PatchwatchCli.run(new String[] {"demo", "--devices", "500", "--tenants", "10", "--no-color",
                        "--rules", rules.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text + err).isZero();
        assertThat(text)
                .containsPattern("boot loop after the reboot\\s+2 -> 2")
                .containsPattern("boot-loop-after-patch\\s+2 / 0")
                .contains("every injected fault was caught, and nothing else alerted");
    }
}
