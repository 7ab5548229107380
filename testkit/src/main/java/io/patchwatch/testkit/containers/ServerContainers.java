package io.patchwatch.testkit.containers;

import io.patchwatch.testkit.RunningServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.startupcheck.IsRunningStartupCheckStrategy;
import org.testcontainers.utility.DockerImageName;

/**
 * Where the testkit decides how a test server runs, and the one way it runs one as a container.
 *
 * <p>{@code -Dpatchwatch.testkit.servers=containers} (what the integration tests' build sets, see
 * the parent pom) starts Kafka, Prometheus, Alertmanager and rsyslog as Testcontainers containers;
 * {@code processes} (the default outside the tests, so that {@code bin/patchwatch kafka start} and the
 * benchmarks never need Docker) as child processes of the JVM. Either way through the same server
 * classes and methods.
 *
 * <p>Every container uses the host's network: the Docker daemon here has no bridge, so there is no
 * port mapping; each server listens on 127.0.0.1 on a free port the test picked. Every container
 * carries the label {@value #LABEL}, so that a run killed before it could stop them can remove them
 * ({@code .ci/run} does). Ryuk (Testcontainers' reaper) cannot be pulled here and is off.
 */
public final class ServerContainers {
    public static final String SERVERS_PROPERTY = "patchwatch.testkit.servers";
    public static final String LABEL = "io.patchwatch.testkit";

    private ServerContainers() {}

    /** True when test servers run as containers. */
    public static boolean enabled() {
        return isSecond(SERVERS_PROPERTY, "PATCHWATCH_TESTKIT_SERVERS", "processes", "containers");
    }

    /**
     * A two-valued switch: the system property, else the environment variable, else {@code first};
     * true when it says {@code second}, refused by name when it says anything else.
     */
    static boolean isSecond(String property, String variable, String first, String second) {
        String value = System.getProperty(property, System.getenv().getOrDefault(variable, first));
        if (value.equals(first) || value.equals(second)) {
            return value.equals(second);
        }
        throw new IllegalArgumentException(property + " must be " + first + " or " + second + ", not " + value);
    }

    /**
     * The image of {@code server}; a local image that was never built is refused here with the
     * command that builds it, rather than by a pull that cannot succeed.
     */
    public static DockerImageName image(ServerImage server) {
        String name = server.imageName();
        if (!ServerImage.official()) {
            try {
                DockerClientFactory.instance().client().inspectImageCmd(name).exec();
            } catch (com.github.dockerjava.api.exception.NotFoundException e) {
                throw new IllegalStateException("the image " + name + " is missing: build the test images with "
                        + "testkit/images/build (or run the tests with -D" + SERVERS_PROPERTY + "=processes)", e);
            } catch (RuntimeException e) {
                throw new IllegalStateException("no Docker daemon answers (" + e.getMessage() + "): start one as .ci/run does, "
                        + "or run the tests with -D" + SERVERS_PROPERTY + "=processes", e);
            }
        }
        return DockerImageName.parse(name);
    }

    /** What every test server container has: host network, the label, its output appended to {@code log}. */
    public static void prepare(GenericContainer<?> container, Path log) {
        container
                .withNetworkMode("host")
                .withLabel(LABEL, "server")
                .withLogConsumer(appendTo(log));
    }

    /**
     * Runs {@code server}'s binary with {@code args}; {@code dir} is mounted at the same path, so that
     * the arguments name the same files as for a child process (configuration in, data and output
     * out). The caller waits for readiness on its port, as for a process.
     */
    public static RunningServer run(ServerImage server, List<String> args, Path dir, Path log) {
        List<String> command = new ArrayList<>(List.of(server.binary()));
        command.addAll(args);
        return runCommand(server, command, Map.of(dir, BindMode.READ_WRITE), log);
    }

    /**
     * Runs {@code command} (its first element the program) in a container of {@code image}, each of
     * {@code mounts} at its own path, as root (as the process would run here; the official images'
     * own users could not write the mounted folders).
     */
    public static RunningServer runCommand(ServerImage image, List<String> command, Map<Path, BindMode> mounts, Path log) {
        GenericContainer<?> container = new GenericContainer<>(image(image));
        prepare(container, log);
        mounts.forEach((path, mode) -> container.withFileSystemBind(path.toString(), path.toString(), mode));
        container
                .withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint(command.get(0)).withUser("0:0"))
                .withCommand(command.subList(1, command.size()).toArray(String[]::new))
                .withStartupCheckStrategy(new IsRunningStartupCheckStrategy())
                .withStartupTimeout(Duration.ofSeconds(60));
        container.start();
        return running(container);
    }

    /** A started container as a {@link RunningServer}; closing it stops and removes the container. */
    public static RunningServer running(GenericContainer<?> container) {
        return new RunningServer() {
            @Override
            public boolean isAlive() {
                return container.isRunning();
            }

            @Override
            public String exitDescription() {
                return "container " + container.getContainerName() + " stopped";
            }

            @Override
            public void close() {
                container.stop();
            }

            @Override
            public void kill() {
                DockerClientFactory.instance().client().killContainerCmd(container.getContainerId()).withSignal("KILL").exec();
                container.stop();
            }
        };
    }

    /**
     * Appends the container's output to {@code log}, made here. Testcontainers delivers frames on its
     * own thread, the last ones (and the end of the stream) possibly after {@code stop()} returned,
     * when the test may already be deleting the folder: a frame never creates the file again, and
     * one for a file already deleted is dropped.
     */
    private static java.util.function.Consumer<OutputFrame> appendTo(Path log) {
        try {
            Files.createDirectories(log.getParent());
            if (!Files.exists(log)) {
                Files.createFile(log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the log " + log, e);
        }
        return frame -> {
            if (frame.getBytes() == null || frame.getBytes().length == 0) {
                return;
            }
            try {
                Files.write(log, frame.getBytes(), StandardOpenOption.APPEND);
            } catch (NoSuchFileException gone) {
                // the server's folder was removed after it stopped: nobody reads this any more
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }
}
