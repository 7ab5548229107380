package io.patchwatch.jobs.cli;

/** A command that only groups subcommands ({@code rules}, {@code sinks}...): alone, it is a usage error naming them. */
abstract class GroupCommand extends CliCommand {
    @Override
    public Integer call() {
        throw usage(spec.name() + " needs a subcommand: " + String.join(", ", spec.subcommands().keySet()));
    }
}
