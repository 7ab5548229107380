package io.patchwatch.jobs.cluster;

import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.jobs.jobconfig.JobConfig;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.jobs.kafka.KafkaPipeline;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The main class of the job jar, run by a Flink cluster: the Kafka job of job.yaml. Its arguments
 * are either what {@code patchwatch submit} passes ({@link JobBundle}: job.yaml, rules and inventory
 * inline) or {@code --config PATH} for a job.yaml on the cluster's disk (a Kubernetes ConfigMap
 * mounted into the pod, say), whose rules and inventory paths are relative to it.
 *
 * <p>State backend, checkpoint storage and restart strategy defaults come from the cluster's
 * config.yaml; job.yaml's {@code checkpoints} section overrides interval and directory.
 */
public final class ClusterJob {
    private ClusterJob() {}

    public static void main(String[] args) throws Exception {
        JobConfig config;
        RuleSet rules;
        Inventory inventory;
        if (args.length == 2 && args[0].equals("--config")) {
            config = JobConfig.load(Path.of(args[1]));
            rules = config.loadRules();
            inventory = config.loadInventory();
        } else {
            JobBundle bundle = JobBundle.fromProgramArgs(args);
            config = bundle.config();
            rules = bundle.rules();
            inventory = bundle.inventory();
        }
        Configuration conf = KafkaPipeline.flinkConfiguration(config);
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(config.parallelism());
        KafkaPipeline.define(env, config, rules, inventory, System.getenv(), false, Long.MAX_VALUE);
        // Submitted over REST the call returns once the job is accepted (detached): never wait
        // for its result here.
        env.execute("patchwatch " + config.groupId());
    }
}
