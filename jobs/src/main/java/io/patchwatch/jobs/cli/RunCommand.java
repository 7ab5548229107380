package io.patchwatch.jobs.cli;

import io.patchwatch.jobs.LocalFlink;
import io.patchwatch.connectors.config.ConfigException;
import io.patchwatch.jobs.jobconfig.JobConfig;
import io.patchwatch.jobs.kafka.KafkaPipeline;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code patchwatch run --config job.yaml}: the job on this machine's embedded Flink cluster against
 * Kafka, until stopped (Ctrl-C). Checkpoints every {@code checkpoints.interval}; alerts are committed
 * to Kafka at each checkpoint (exactly once).
 */
final class RunCommand {
    private RunCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, 1, Set.of("config", "from-checkpoint"), Set.of(), Set.of());
        JobConfig config = localJobConfig(args, "run", err);
        if (config == null) {
            return 2;
        }
        try {
            Configuration flink = KafkaPipeline.flinkConfiguration(config);
            if (args.get("from-checkpoint") != null) {
                // Resume from a retained checkpoint (chk-N directory) or a savepoint.
                flink.set(StateRecoveryOptions.SAVEPOINT_PATH, args.get("from-checkpoint"));
            }
            StreamExecutionEnvironment env = LocalFlink.environment(config.parallelism(), flink);
            KafkaPipeline.define(env, config, System.getenv(), false, Long.MAX_VALUE);
            out.println("patchwatch: running against " + config.kafka() + ", inputs "
                    + config.inputs().stream().map(JobConfig.Input::topic).toList() + ", alerts to " + config.alertsTopic()
                    + (config.sinks().isEmpty() ? "" : " and sinks " + config.sinks().stream().map(s -> s.name()).toList()));
            env.execute("patchwatch");
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("patchwatch: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("patchwatch: the job failed: " + ReplayCommand.rootMessage(e));
            return 1;
        }
    }

    /**
     * The job.yaml of {@code --config} for a command that delivers alerts from this process: its
     * sink secrets must be readable here. Null once the error is printed.
     */
    static JobConfig localJobConfig(Args args, String command, PrintStream err) {
        if (args.get("config") == null) {
            throw new Args.UsageException(command + " needs --config job.yaml");
        }
        try {
            JobConfig config = JobConfig.load(Path.of(args.get("config")));
            config.requireSinkSecrets(System.getenv());
            return config;
        } catch (ConfigException e) {
            err.println("patchwatch: " + e.getMessage());
            return null;
        }
    }
}
