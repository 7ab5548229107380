package io.patchwatch.benchmarks.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patchwatch.jobs.LocalFlink;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The patchwatch job over the scenario with checkpoints every 200 ms, read from the mini cluster's
 * REST API while it runs: the size and duration of the last checkpoint taken with every device in
 * state. Not timed (checkpoints would slow the throughput runs).
 */
public final class CheckpointProbe {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The last completed checkpoint: full state size, bytes written, end-to-end duration. */
    public record Checkpoint(long stateSize, long checkpointedSize, long durationMs, int count) {}

    private CheckpointProbe() {}

    public static Checkpoint run(PatchTuesday scenario, int parallelism, Backend backend) throws Exception {
        return run(scenario, parallelism, backend, Duration.ofMinutes(10), Duration.ofMillis(200));
    }

    /**
     * @param cap the job is cancelled after this long (the last checkpoint completed by then counts)
     * @param interval how often a checkpoint is taken
     */
    public static Checkpoint run(PatchTuesday scenario, int parallelism, Backend backend, Duration cap, Duration interval)
            throws Exception {
        Path dir = Files.createTempDirectory("patchwatch-bench-checkpoints-");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Configuration conf = new Configuration();
        backend.configure(conf);
        // Often: on the heap the whole run takes a second or two.
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, interval);
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.toUri().toString());
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        conf.set(RestOptions.BIND_PORT, Integer.toString(port));
        StreamExecutionEnvironment env = LocalFlink.environment(parallelism, conf);
        Variant.PATCHWATCH.define(env, scenario, parallelism);
        JobClient job = env.executeAsync("patchwatch checkpoint probe");
        HttpClient http = HttpClient.newHttpClient();
        Checkpoint last = new Checkpoint(0, 0, 0, 0);
        var result = job.getJobExecutionResult();
        long deadline = System.nanoTime() + cap.toNanos();
        while (!result.isDone() && System.nanoTime() < deadline) {
            try {
                JsonNode stats = JSON.readTree(http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/jobs/" + job.getJobID() + "/checkpoints"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body());
                JsonNode c = stats.path("latest").path("completed");
                if (c.isObject()) {
                    last = new Checkpoint(c.path("state_size").asLong(), c.path("checkpointed_size").asLong(),
                            c.path("end_to_end_duration").asLong(), stats.path("counts").path("completed").asInt());
                }
            } catch (Exception e) {
                // the job is starting or ending
            }
            Thread.sleep(300);
        }
        if (!result.isDone()) {
            job.cancel().get(2, TimeUnit.MINUTES);
        } else {
            result.get(10, TimeUnit.MINUTES);
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        return last;
    }
}
