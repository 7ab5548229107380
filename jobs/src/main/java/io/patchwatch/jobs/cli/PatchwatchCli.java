package io.patchwatch.jobs.cli;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * {@code patchwatch}: the command line.
 *
 * <pre>
 * patchwatch demo [--devices N] [--tenants N] [--seed N]
 * patchwatch replay --events FILE... [--rules FILE] [--inventory FILE] [--out FILE] [--keep-order]
 * patchwatch run --config job.yaml [--from-checkpoint DIR]
 * patchwatch submit --cluster URL --config job.yaml [--from-savepoint PATH]
 * patchwatch stop --cluster URL --job ID --savepoint DIR
 * patchwatch alerts tail --bootstrap HOST:PORT
 * patchwatch rules validate FILE
 * patchwatch rules test RULES --events FILE... [--baseline OLD_RULES]
 * patchwatch rules diff OLD NEW
 * </pre>
 *
 * Exit codes: 0 done, 1 the run failed, 2 wrong command line or unreadable input.
 */
public final class PatchwatchCli {
    static final String USAGE = """
            usage: patchwatch <command> [options]

            commands:
              demo      a simulated patch night on an embedded Flink cluster, alerts as they fire
                          --devices N (2000)  --tenants N (12)  --seed N (42)  --parallelism N (2)
                          --kafka [--bootstrap 127.0.0.1:9092]: through a Kafka broker (patchwatch kafka start)
              replay    the job over recorded events (canonical JSON Lines, or --format), in event time
                          --events FILE... [--feed NAME=PATH]  [--rules FILE] [--inventory FILE] [--out FILE]
                          [--dead-letters FILE] [--held-out FILE] [--keep-order] [--out-of-orderness 5s] [--parallelism N]
                          [--format canonical-json | avro | windows-xml | winlogbeat | rmm-json
                                    | tactical-rmm | ping | nagios | icinga2]  [--tenant T] [--site S]
              run       the job against Kafka on an embedded Flink cluster, until stopped
                          --config job.yaml   (see flink-conf/job.example.yaml)  [--from-checkpoint DIR]
              submit    the job jar to a Flink session cluster over its REST API; prints the job id
                          --cluster http://127.0.0.1:8081 --config job.yaml [--from-savepoint PATH]
                          [--allow-non-restored-state] [--parallelism N] [--jar FILE]
              stop      stop a job with a savepoint; prints the savepoint's location
                          --cluster URL --job ID --savepoint DIR [--timeout 300]
              cluster start|stop|status   a local Flink session cluster on 127.0.0.1:8081 (bin/patchwatch)
              alerts tail --bootstrap HOST:PORT [--topic T] [--from-beginning] [--max N] [--timeout 30s]
                        print the alerts of an alerts topic as JSON (read_committed)
              kafka start|stop|status   a local Kafka broker on 127.0.0.1 for manual runs (bin/patchwatch)
              bench compare [--quick] | jmh | state-size | kafka | recovery | sinks   measurements (bin/patchwatch;
                        see benchmarks/README.md)
              sinks test --config job.yaml [--sink NAME]
                        send a test alert (firing, then resolved) to each alert sink; exit 1 if one fails
              deliveries retry --config job.yaml --sink NAME [--idle 5s]
                        send a sink's failed deliveries again (from the failed-deliveries topic)
              rules validate FILE
                        check a rules file (RULES.md); every error, each with its line and column
              rules test RULES --events FILE... [--format F] [--baseline OLD_RULES] [--inventory FILE] [--sort]
                        the alerts RULES raise on recorded events; with --baseline the difference
                        (+ added, - removed, ~ changed): exit 0 none, 1 some, 2 bad input
              rules diff OLD NEW
                        what changing OLD into NEW does: live (parameters, severities, messages, enabled)
                        or a restart from a savepoint (steps, kinds, rules added or removed), and which rules
              maintenance list|add|remove RULES   the maintenance windows of a rules file (FLEET.md), edited
                        in place; add --name N --tenant T [--site S] (--start T --end T | --every "WED 01:00"
                        --duration 4h --zone Europe/Berlin) [--mode expected|mute] [--rules A,B] [--settle 5m];
                        --publish (--bootstrap HOST:PORT | --config job.yaml) sends the file to the job
            """;

    private PatchwatchCli() {}

    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length == 0 || argv[0].equals("help") || argv[0].equals("--help") || argv[0].equals("-h")) {
            out.print(USAGE);
            return argv.length == 0 ? 2 : 0;
        }
        try {
            return switch (argv[0]) {
                case "demo" -> DemoCommand.run(argv, out, err);
                case "replay" -> ReplayCommand.run(argv, out, err);
                case "rules" -> RulesCommand.run(Arrays.copyOfRange(argv, 1, argv.length), out, err);
                case "maintenance" -> MaintenanceCommand.run(argv, out, err);
                case "run" -> RunCommand.run(argv, out, err);
                case "alerts" -> AlertsCommand.run(argv, out, err);
                case "submit" -> ClusterCommands.submit(argv, out, err);
                case "stop" -> ClusterCommands.stop(argv, out, err);
                case "sinks" -> SinksCommand.run(argv, out, err);
                case "deliveries" -> DeliveriesCommand.run(argv, out, err);
                default -> throw new Args.UsageException("unknown command '" + argv[0] + "'");
            };
        } catch (Args.UsageException e) {
            err.println("patchwatch: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
    }
}
