package io.patchwatch.jobs.cli;

import io.patchwatch.connectors.PatchwatchVersion;
import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code patchwatch}: the command line, on picocli. Every command's options are typed fields, and
 * {@code --help} on every level is generated from them, so it cannot go stale. Exit codes: 0 done,
 * 1 the run failed, 2 wrong command line or unreadable input.
 */
public final class PatchwatchCli {

    /** The root: lists the commands; {@code bin/patchwatch} adds its own (kafka, cluster, bench). */
    @Command(name = "patchwatch", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, versionProvider = Version.class,
            description = "Correlates RMM patch logs, heartbeats, pings and service states on Apache Flink: one alert per real problem after a patch night.",
            subcommands = {DemoCommand.class, ReplayCommand.class, RunCommand.class, ClusterCommands.Submit.class,
                    ClusterCommands.Stop.class, AlertsCommand.class, SinksCommand.class, DeliveriesCommand.class,
                    RulesCommand.class, MaintenanceCommand.class, StatusCommand.class, ConfigCommand.class, CompletionCommand.class,
                    CommandLine.HelpCommand.class},
            footer = {"", "Launcher commands (bin/patchwatch):",
                    "  kafka start|stop|status     a local Kafka broker on 127.0.0.1 for manual runs",
                    "  cluster start|stop|status   a local Flink session cluster on 127.0.0.1:8081",
                    "  bench compare|jmh|kafka|replay|...   measurements (benchmarks/README.md)",
                    "", Root.EXIT_CODES})
    static final class Root extends CliCommand {
        static final String EXIT_CODES = "Exit codes: 0 done, 1 the run failed, 2 wrong command line or unreadable input.";

        @Override
        public Integer call() {
            spec.commandLine().usage(out);
            return 2;
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"patchwatch " + PatchwatchVersion.get()};
        }
    }

    private static final String AVRO_TRUSTED_PACKAGES = "org.apache.avro.SERIALIZABLE_PACKAGES";

    private PatchwatchCli() {}

    public static void main(String[] argv) {
        // Avro deserializes only classes of trusted packages; bin/patchwatch says so on its command
        // line, and so does this, before any Avro class is loaded, for a JVM started without it.
        if (System.getProperty(AVRO_TRUSTED_PACKAGES) == null) {
            System.setProperty(AVRO_TRUSTED_PACKAGES, "io.patchwatch");
        }
        System.exit(run(argv, System.out, System.err));
    }

    /** The command line as it runs: picocli's parsing, usage errors naming the option, exit codes. */
    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new Root());
        // The root's footer lists the launcher's commands; a subcommand's says its exit codes only.
        cli.getSubcommands().values().forEach(PatchwatchCli::exitCodesFooter);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionStrategy(parsed -> {
            for (CommandLine c : parsed.asCommandLineList()) {
                if (c.getCommand() instanceof CliCommand command) {
                    command.streams(out, err);
                }
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        cli.setParameterExceptionHandler((e, args) -> {
            err.println("patchwatch: " + e.getMessage());
            if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
                CommandLine.UnmatchedArgumentException.printSuggestions(unmatched, err);
            }
            e.getCommandLine().usage(err);
            return 2;
        });
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof UsageException) {
                err.println("patchwatch: " + e.getMessage());
                command.usage(err);
                return 2;
            }
            throw e;
        });
        return cli;
    }

    private static void exitCodesFooter(CommandLine command) {
        command.getCommandSpec().usageMessage().footer("", Root.EXIT_CODES);
        command.getSubcommands().values().forEach(PatchwatchCli::exitCodesFooter);
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        int code = commandLine(out, err).execute(argv);
        out.flush();
        err.flush();
        return code;
    }
}
