package io.patchwatch.jobs.cli;

import java.io.PrintStream;

final class DemoCommand {
    private DemoCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        throw new Args.UsageException("demo: not yet");
    }
}
