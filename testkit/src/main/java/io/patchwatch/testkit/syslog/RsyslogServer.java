package io.patchwatch.testkit.syslog;

import io.patchwatch.testkit.ChildProcesses;
import io.patchwatch.testkit.RunningServer;
import io.patchwatch.testkit.TestServers;
import io.patchwatch.testkit.containers.ServerImage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real rsyslog on 127.0.0.1 (a container of {@link ServerImage#RSYSLOG} when the tests run their
 * servers as containers, else the Debian package {@code rsyslog} as a child process): one TCP input (RFC 6587 octet-counted or newline-framed messages), each
 * message's raw text written as one line to {@link #messages()}.
 *
 * <pre>{@code
 * try (RsyslogServer rsyslog = RsyslogServer.start(dir)) {
 *     // send to 127.0.0.1:rsyslog.port()
 *     List<String> lines = rsyslog.awaitMessages(1, Duration.ofSeconds(10));
 * }
 * }</pre>
 */
public final class RsyslogServer implements AutoCloseable {
    private static final String BINARY = System.getProperty("patchwatch.rsyslogd.binary", "/usr/sbin/rsyslogd");

    private final RunningServer process;
    private final int port;
    private final Path out;
    private final Path log;

    private RsyslogServer(RunningServer process, int port, Path out, Path log) {
        this.process = process;
        this.port = port;
        this.out = out;
        this.log = log;
    }

    public static RsyslogServer start(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("work"));
        int port = ChildProcesses.freeLoopbackPort();
        Path out = dir.resolve("messages.log");
        Path conf = dir.resolve("rsyslog.conf");
        // Only what the test needs: no local log sockets, no kernel log, one TCP input on loopback.
        Files.writeString(conf, """
                global(workDirectory="%s")
                module(load="imtcp")
                template(name="raw" type="string" string="%%rawmsg%%\\n")
                ruleset(name="patchwatch") {
                  action(type="omfile" file="%s" template="raw" flushOnTXEnd="on" asyncWriting="off")
                }
                input(type="imtcp" address="127.0.0.1" port="%d" ruleset="patchwatch")
                """.formatted(dir.resolve("work"), out, port), StandardCharsets.UTF_8);
        Path log = dir.resolve("rsyslogd.log");
        RunningServer p = TestServers.start(ServerImage.RSYSLOG, BINARY, "rsyslog",
                List.of("-n", "-f", conf.toString(), "-i", dir.resolve("rsyslogd.pid").toString()), dir, log, 10);
        RsyslogServer server = new RsyslogServer(p, port, out, log);
        server.awaitPort();
        return server;
    }

    public int port() {
        return port;
    }

    public Path messages() {
        return out;
    }

    /** Waits until at least {@code count} messages were written; returns them all. */
    public List<String> awaitMessages(int count, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> lines = List.of();
        while (System.nanoTime() < deadline) {
            lines = Files.exists(out) ? Files.readAllLines(out, StandardCharsets.UTF_8) : List.of();
            if (lines.size() >= count) {
                return lines;
            }
            Thread.sleep(100);
        }
        throw new IOException("rsyslog wrote " + lines.size() + " of " + count + " messages within " + timeout.toSeconds()
                + " s:\n" + String.join("\n", lines) + "\n--- rsyslogd ---\n" + Files.readString(log));
    }

    private void awaitPort() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("rsyslogd exited (" + process.exitDescription() + "):\n" + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        close();
        throw new IOException("rsyslogd did not listen on " + port + " within 30 s:\n" + Files.readString(log));
    }

    @Override
    public void close() {
        process.close();
    }
}
