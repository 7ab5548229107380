package io.patchwatch.jobs.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;

/** {@code patchwatch completion}: a bash (and zsh) completion script, generated from the commands' definitions. */
@Command(name = "completion", description = "A bash or zsh completion script: source <(patchwatch completion)")
final class CompletionCommand extends CliCommand {
    @Override
    public Integer call() {
        out.print(AutoComplete.bash("patchwatch", spec.root().commandLine()));
        return 0;
    }
}
