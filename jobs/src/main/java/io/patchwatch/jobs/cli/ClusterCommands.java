package io.patchwatch.jobs.cli;

import io.patchwatch.jobs.cluster.FlinkRestClient;
import io.patchwatch.jobs.cluster.JobBundle;
import io.patchwatch.connectors.config.ConfigException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

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

    static int submit(String[] argv, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, 1, Set.of("cluster", "config", "from-savepoint", "jar", "parallelism"),
                Set.of(), Set.of("allow-non-restored-state"));
        String cluster = required(args, "cluster", "submit");
        String config = required(args, "config", "submit");
        String jarName = args.get("jar", System.getProperty(JOB_JAR_PROPERTY, System.getenv("PATCHWATCH_JOB_JAR")));
        if (jarName == null || !Files.isRegularFile(Path.of(jarName))) {
            err.println("patchwatch: no job jar" + (jarName == null ? "" : " at " + jarName) + NO_JAR_HINT);
            return 2;
        }
        JobBundle bundle;
        try {
            bundle = JobBundle.read(Path.of(config));
        } catch (ConfigException e) {
            err.println("patchwatch: " + e.getMessage());
            return 2;
        }
        try {
            String parallelism = args.get("parallelism");
            String jobId = submit(new FlinkRestClient(cluster), Path.of(jarName), bundle,
                    parallelism == null ? null : args.intValue("parallelism", 1),
                    args.get("from-savepoint"), args.flag("allow-non-restored-state"));
            out.println("patchwatch: submitted job " + jobId + " to " + cluster
                    + (args.get("from-savepoint") == null ? "" : " from savepoint " + args.get("from-savepoint")));
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

    /** Uploads the job jar and runs the bundle: the job's id. */
    static String submit(FlinkRestClient flink, Path jar, JobBundle bundle, Integer parallelism, String savepoint,
                         boolean allowNonRestoredState) throws IOException, InterruptedException {
        String jarId = flink.uploadJar(jar);
        return flink.run(jarId, bundle.toProgramArgs(), parallelism, savepoint, allowNonRestoredState);
    }

    /** The job jar bin/patchwatch names, or --jar; null when there is none. */
    static Path jobJar(Args args) {
        String jarName = args.get("jar", System.getProperty(JOB_JAR_PROPERTY, System.getenv("PATCHWATCH_JOB_JAR")));
        return jarName == null || !Files.isRegularFile(Path.of(jarName)) ? null : Path.of(jarName);
    }

    static int stop(String[] argv, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, 1, Set.of("cluster", "job", "savepoint", "timeout"), Set.of(), Set.of());
        String cluster = required(args, "cluster", "stop");
        String job = required(args, "job", "stop");
        String savepoint = required(args, "savepoint", "stop");
        if (!savepoint.contains("://")) {
            savepoint = Path.of(savepoint).toAbsolutePath().toUri().toString();
        }
        try {
            String location = new FlinkRestClient(cluster).stopWithSavepoint(job, savepoint,
                    Duration.ofSeconds(args.intValue("timeout", 300)));
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

    private static String required(Args args, String option, String command) {
        String v = args.get(option);
        if (v == null) {
            throw new Args.UsageException(command + " needs --" + option);
        }
        return v;
    }
}
