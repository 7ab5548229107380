package io.patchwatch.jobs.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the CLI from tests in other packages, capturing stdout (stderr is passed through). */
public final class PatchwatchCliAccess {
    private PatchwatchCliAccess() {}

    public static int run(String[] args, ByteArrayOutputStream out) {
        return PatchwatchCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
    }
}
