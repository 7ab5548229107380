package io.patchwatch.jobs.support;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code patchwatch} as an operator runs it: its own JVM through {@code PatchwatchCli.main} (the
 * test's classpath and module flags, the CLI's log configuration), its console kept in files, and
 * stopped as Ctrl-C or a service manager stops it (SIGTERM).
 */
public final class CliProcess implements AutoCloseable {
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private CliProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    public static CliProcess start(Path dir, String name, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("--add-exports")) {
                command.add(a);
            }
        }
        command.add("-Dlog4j.configurationFile=" + Path.of("../flink-conf/log4j2-cli.properties").toAbsolutePath());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.patchwatch.jobs.cli.PatchwatchCli");
        command.addAll(List.of(args));
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new CliProcess(p, out, err);
    }

    public String stdout() {
        return read(stdout);
    }

    public String stderr() {
        return read(stderr);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Waits until {@code condition} holds for its console (stdout, then stderr), failing with both if it does not. */
    public void awaitConsole(Predicate<String> condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(stdout() + stderr())) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("patchwatch " + (process.isAlive() ? "did not show " : "ended before it showed ") + what
                        + "\n--- stdout\n" + stdout() + "\n--- stderr\n" + stderr());
            }
            Thread.sleep(200);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM (as Ctrl-C), then waits for the exit; its exit code. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
