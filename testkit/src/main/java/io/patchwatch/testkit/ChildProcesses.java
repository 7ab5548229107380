package io.patchwatch.testkit;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What every real server the tests start as a child process needs: a free loopback port, a start
 * with its output in a log file and no standard input, and a stop that escalates to SIGKILL.
 */
public final class ChildProcesses {
    private ChildProcesses() {}

    public static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public static Process start(List<String> command, Path log) throws IOException {
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
    }

    /** A server's process as a {@link RunningServer}: {@link RunningServer#close()} stops it as {@link #stop} does. */
    public static RunningServer run(List<String> command, Path log, int graceSeconds) throws IOException {
        return running(start(command, log), graceSeconds);
    }

    /** A started process as a {@link RunningServer}. */
    public static RunningServer running(Process process, int graceSeconds) {
        return new RunningServer() {
            @Override
            public boolean isAlive() {
                return process.isAlive();
            }

            @Override
            public String exitDescription() {
                return process.isAlive() ? "running" : "exit code " + process.exitValue();
            }

            @Override
            public void close() {
                stop(process, graceSeconds);
            }

            @Override
            public void kill() {
                process.destroyForcibly();
                try {
                    process.waitFor(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public long pid() {
                return process.pid();
            }
        };
    }

    /** SIGTERM, then SIGKILL if it is still there after {@code graceSeconds}. */
    public static void stop(Process process, int graceSeconds) {
        process.destroy();
        try {
            if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
