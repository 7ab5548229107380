package io.patchwatch.jobs.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the CLI from tests in other packages, capturing stdout (and stderr, or passing it through). */
public final class PatchwatchCliAccess {
    private PatchwatchCliAccess() {}

    /** Stdout and stderr captured. */
    public static int run(String[] args, ByteArrayOutputStream out, ByteArrayOutputStream err) {
        return PatchwatchCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    public static int run(String[] args, ByteArrayOutputStream out) {
        return PatchwatchCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
    }
}
