package io.patchwatch.testkit;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * The one factory of the Flink mini cluster that integration tests share. Register it once per test
 * class as a static extension:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final MiniClusterExtension FLINK = PatchwatchMiniCluster.extension();
 * }</pre>
 *
 * Loopback only, 2 slots (the machine has 2 cores), and no Kryo: a type that would fall back to
 * generic serialization fails the test instead of passing slowly.
 */
public final class PatchwatchMiniCluster {
    public static final int SLOTS = 2;

    private PatchwatchMiniCluster() {}

    public static MiniClusterExtension extension() {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(clusterConfiguration())
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(SLOTS)
                .build());
    }

    /** An environment on the shared mini cluster with patchwatch's pipeline settings. */
    public static StreamExecutionEnvironment environment() {
        return environment(new Configuration());
    }

    /** The same, with more configuration (checkpointing, restart strategy). */
    public static StreamExecutionEnvironment environment(Configuration extra) {
        Configuration conf = new Configuration(extra);
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(SLOTS);
        return env;
    }

    private static Configuration clusterConfiguration() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(JobManagerOptions.BIND_HOST, "127.0.0.1");
        conf.set(TaskManagerOptions.BIND_HOST, "127.0.0.1");
        conf.set(TaskManagerOptions.HOST, "127.0.0.1");
        return conf;
    }
}
