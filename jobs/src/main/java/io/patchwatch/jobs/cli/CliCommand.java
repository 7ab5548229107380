package io.patchwatch.jobs.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command of the {@code patchwatch} command line (picocli): its options are typed fields, its
 * help is generated from them. It prints to the streams {@link PatchwatchCli} hands it (tests give
 * their own) and returns its exit code: 0 done, 1 the run failed, 2 wrong command line or
 * unreadable input.
 */
abstract class CliCommand implements Callable<Integer> {
    PrintStream out = System.out;
    PrintStream err = System.err;

    @Spec
    CommandSpec spec;

    final void streams(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** A wrong command line that the options' definitions cannot express: printed with the command's usage, exit 2. */
    UsageException usage(String message) {
        return new UsageException(message);
    }
}
