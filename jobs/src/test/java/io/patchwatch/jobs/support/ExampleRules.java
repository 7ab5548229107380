package io.patchwatch.jobs.support;

import io.patchwatch.jobs.rules.RuleSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** RULES.md's examples of rules an operator adds, verbatim, and the built-in rules.yaml with them added. */
public final class ExampleRules {
    private ExampleRules() {}

    /** RULES.md, "Examples of rules an operator adds without Java", as written there. */
    public static final String EXAMPLES = """
              boot-loop-after-patch:              # crashes again and again after the patch reboot
                severity: critical
                subject: device
                pattern:
                  - boot: {kind: booted, in_session: true}
                  - crash: {kind: unexpected_shutdown}
                    times: 2
                    within: 1h
                resolve: never
              ping-loss-after-patch:              # up, but the network stack came back broken
                severity: warning
                subject: device
                pattern:
                  - lossy: {kind: ping, ok: true, loss_pct: {ge: 50}, in_session: true}
                    times: 3
                    within: 10m
                resolve: {kind: ping, loss_pct: {lt: 5}}
            """;

    /** The built-in rules.yaml with {@link #EXAMPLES} added at the end of its rules. */
    public static String builtInWithExamples() {
        String builtIn;
        try (var in = RuleSet.class.getResourceAsStream(RuleSet.DEFAULT_RESOURCE)) {
            builtIn = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!builtIn.contains("\noverrides:\n")) {
            throw new IllegalStateException("the built-in rules.yaml no longer ends with its overrides");
        }
        return builtIn.replace("\noverrides:\n", "\n" + EXAMPLES + "\noverrides:\n");
    }
}
