package io.patchwatch.jobs.cli;

import io.patchwatch.jobs.cluster.FlinkRestClient;
import io.patchwatch.jobs.cluster.JobBundle;
import io.patchwatch.connectors.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code patchwatch submit} and {@code patchwatch stop}: the job jar on a Flink session cluster,
 * over its REST API.
 *
 * <pre>
 * patchwatch submit --cluster http://127.0.0.1:8081 --config job.yaml [--from-savepoint PATH] [--jar FILE]
 * patchwatch stop --cluster http://127.0.0.1:8081 --job ID --savepoint DIR
 * </pre>
 */
final class ClusterCommands {
    /** Where bin/patchwatch says the job jar is (jobs/target/patchwatch-jobs-*-job.jar). */
    static final String JOB_JAR_PROPERTY = "patchwatch.job.jar";
    /** How a user gets the job jar (packaging it only; the tests are the build's own business). */
    static final String NO_JAR_HINT = ": build it with ./mvnw -pl jobs -am package -DskipTests, or pass --jar FILE";

    private ClusterCommands() {}

    @Command(name = "submit", description = "Submit the job jar to a Flink session cluster over its REST API; prints the job id.")
    static final class Submit extends CliCommand {
        @Option(names = "--cluster", required = true, paramLabel = "URL", description = "The cluster's REST API, http://127.0.0.1:8081.")
        String cluster;

        @Option(names = "--config", required = true, paramLabel = "FILE", description = "job.yaml (with the rules and inventory it names).")
        Path config;

        @Option(names = "--from-savepoint", paramLabel = "PATH", description = "Start from this savepoint or retained checkpoint.")
        String fromSavepoint;

        @Option(names = "--allow-non-restored-state", description = "Start even if the savepoint holds state no operator takes.")
        boolean allowNonRestoredState;

        @Option(names = "--parallelism", paramLabel = "N", description = "The job's parallelism (default: the cluster's).")
        Integer parallelism;

        @Option(names = "--jar", paramLabel = "FILE", description = "The job jar (default: the one bin/patchwatch built).")
        String jar;

        @Override
        public Integer call() {
            Path jarFile = jobJar(jar);
            if (jarFile == null) {
                String jarName = jarName(jar);
                err.println("patchwatch: no job jar" + (jarName == null ? "" : " at " + jarName) + NO_JAR_HINT);
                return 2;
            }
            JobBundle bundle;
            try {
                bundle = JobBundle.read(config);
            } catch (ConfigException e) {
                e.problems().forEach(p -> err.println("patchwatch: " + p));
                return 2;
            }
            try {
                String jobId = submit(new FlinkRestClient(cluster), jarFile, bundle, parallelism, fromSavepoint, allowNonRestoredState);
                out.println("patchwatch: submitted job " + jobId + " to " + cluster
                        + (fromSavepoint == null ? "" : " from savepoint " + fromSavepoint));
                out.println(jobId);
                return 0;
            } catch (IllegalArgumentException e) {
                err.println("patchwatch: " + e.getMessage());
                return 2;
            } catch (IOException e) {
                err.println("patchwatch: submit failed: " + e.getMessage());
                return 1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }
    }

    /** Uploads the job jar and runs the bundle: the job's id. */
    static String submit(FlinkRestClient flink, Path jar, JobBundle bundle, Integer parallelism, String savepoint,
                         boolean allowNonRestoredState) throws IOException, InterruptedException {
        String jarId = flink.uploadJar(jar);
        return flink.run(jarId, bundle.toProgramArgs(), parallelism, savepoint, allowNonRestoredState);
    }

    /** The job jar {@code --jar} names, else the one bin/patchwatch names; null when there is none. */
    static Path jobJar(String jar) {
        String jarName = jarName(jar);
        return jarName == null || !Files.isRegularFile(Path.of(jarName)) ? null : Path.of(jarName);
    }

    private static String jarName(String jar) {
        return jar != null ? jar : System.getProperty(JOB_JAR_PROPERTY, System.getenv("PATCHWATCH_JOB_JAR"));
    }

    @Command(name = "stop", description = "Stop a job with a savepoint; prints the savepoint's location.")
    static final class Stop extends CliCommand {
        @Option(names = "--cluster", required = true, paramLabel = "URL", description = "The cluster's REST API.")
        String cluster;

        @Option(names = "--job", required = true, paramLabel = "ID", description = "The job's id.")
        String job;

        @Option(names = "--savepoint", required = true, paramLabel = "DIR", description = "Where the savepoint goes (a path or a URI).")
        String savepoint;

        @Option(names = "--timeout", defaultValue = "300", paramLabel = "SECONDS", description = "How long to wait (default: ${DEFAULT-VALUE}).")
        int timeout;

        @Override
        public Integer call() {
            String target = savepoint.contains("://") ? savepoint : Path.of(savepoint).toAbsolutePath().toUri().toString();
            try {
                String location = new FlinkRestClient(cluster).stopWithSavepoint(job, target, Duration.ofSeconds(timeout));
                out.println("patchwatch: job " + job + " stopped with savepoint " + location);
                out.println(location);
                return 0;
            } catch (IllegalArgumentException e) {
                err.println("patchwatch: " + e.getMessage());
                return 2;
            } catch (IOException e) {
                err.println("patchwatch: stop failed: " + e.getMessage());
                return 1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }
    }
}
