package io.patchwatch.jobs.cli;

import io.patchwatch.jobs.LocalFlink;
import io.patchwatch.connectors.config.ConfigException;
import io.patchwatch.jobs.jobconfig.JobConfig;
import io.patchwatch.jobs.kafka.KafkaPipeline;
import java.io.PrintStream;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code patchwatch run --config job.yaml}: the job on this machine's embedded Flink cluster against
 * Kafka, until stopped (Ctrl-C). Checkpoints every {@code checkpoints.interval}; alerts are committed
 * to Kafka at each checkpoint (exactly once).
 */
@Command(name = "run", description = "The job against Kafka on an embedded Flink cluster, until stopped (Ctrl-C).")
final class RunCommand extends CliCommand {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "job.yaml (see flink-conf/job.example.yaml).")
    Path config;

    @Option(names = "--from-checkpoint", paramLabel = "DIR",
            description = "Resume from a retained checkpoint (DIR/<job>/chk-N) or a savepoint, with all state.")
    String fromCheckpoint;

    @Override
    public Integer call() {
        JobConfig job = localJobConfig(config, err);
        if (job == null) {
            return 2;
        }
        try {
            Configuration flink = KafkaPipeline.flinkConfiguration(job);
            if (fromCheckpoint != null) {
                // Resume from a retained checkpoint (chk-N directory) or a savepoint.
                flink.set(StateRecoveryOptions.SAVEPOINT_PATH, fromCheckpoint);
            }
            StreamExecutionEnvironment env = LocalFlink.environment(job.parallelism(), flink);
            KafkaPipeline.define(env, job, System.getenv(), false, Long.MAX_VALUE);
            RunConsole.starting(out, job, config, fromCheckpoint);
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
     * The job.yaml for a command that delivers alerts from this process: its sink secrets must be
     * readable here. Null once the error is printed.
     */
    static JobConfig localJobConfig(Path file, PrintStream err) {
        try {
            JobConfig config = JobConfig.load(file);
            config.requireSinkSecrets(System.getenv());
            return config;
        } catch (ConfigException e) {
            e.problems().forEach(p -> err.println("patchwatch: " + p));
            if (e.problems().size() > 1) {
                err.println("patchwatch: " + e.problems().size() + " errors in " + file);
            }
            return null;
        }
    }
}
