package io.patchwatch.jobs.cli;

import io.patchwatch.connectors.config.ConfigException;
import io.patchwatch.jobs.jobconfig.ConfigReference;
import io.patchwatch.jobs.jobconfig.JobConfig;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code patchwatch config check|reference}: job.yaml checked, and the reference of every key. */
@Command(name = "config", description = "job.yaml: check a file, print the reference of every key.",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Reference.class})
final class ConfigCommand extends GroupCommand {

    @Command(name = "check", description = "Check a job.yaml: every mistake at once, each with its line and column; exit 2 if any.")
    static final class Check extends CliCommand {
        @Parameters(paramLabel = "FILE", description = "The job.yaml.")
        Path file;

        @Override
        public Integer call() {
            try {
                JobConfig config = JobConfig.load(file);
                out.println(file + ": OK, " + config.inputs().size() + " inputs, " + config.sinks().size() + " sinks");
                return 0;
            } catch (ConfigException e) {
                e.problems().forEach(p -> err.println("patchwatch: " + p));
                err.println("patchwatch: " + e.problems().size() + (e.problems().size() == 1 ? " error" : " errors"));
                return 2;
            }
        }
    }

    @Command(name = "reference", description = "Every key of job.yaml with its type, default and meaning, as Markdown.")
    static final class Reference extends CliCommand {
        @Option(names = "--update", paramLabel = "README", description = "Write it into this file, between its markers.")
        Path update;

        @Override
        public Integer call() throws IOException {
            if (update == null) {
                out.print(ConfigReference.markdown());
                return 0;
            }
            ConfigReference.update(update);
            out.println("patchwatch: the configuration reference in " + update + " is up to date");
            return 0;
        }
    }
}
